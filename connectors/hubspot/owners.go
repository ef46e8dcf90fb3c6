package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// maxOwners bounds the owners a run keeps: an account's users, which do
// not grow with its records.
const maxOwners = 20000

// owners are the account's users by owner id, for documents' owners.
type owners struct {
	byID map[string]tributary.Person
}

// person returns the owner with the id.
func (o *owners) person(id string) (tributary.Person, bool) {
	if o == nil || id == "" {
		return tributary.Person{}, false
	}
	p, ok := o.byID[id]
	return p, ok
}

// add appends the owner with the id to ps unless it is there already.
func (o *owners) add(ps []tributary.Person, id string) []tributary.Person {
	p, ok := o.person(id)
	if !ok || slices.ContainsFunc(ps, func(q tributary.Person) bool { return strings.EqualFold(q.Email, p.Email) }) {
		return ps
	}
	return append(ps, p)
}

// loadOwners reads the account's owners for the run. A token without
// the owners scope, or any failure, leaves documents without owners: it
// is logged, and the run goes on.
func (c *Connector) loadOwners(ctx context.Context) *owners {
	o := &owners{byID: map[string]tributary.Person{}}
	err := c.eachOwner(ctx, func(ow *apiOwner) bool {
		o.byID[ow.ID] = tributary.Person{DisplayName: strings.TrimSpace(ow.FirstName + " " + ow.LastName),
			FirstName: ow.FirstName, LastName: ow.LastName, Email: strings.ToLower(ow.Email)}
		return len(o.byID) < maxOwners
	})
	if err != nil && ctx.Err() == nil {
		c.env.Log().Warn("hubspot: owners not read; documents name none", "error", err)
	}
	return o
}

// eachOwner hands every active owner to fn, page by page, until fn
// reports false.
func (c *Connector) eachOwner(ctx context.Context, fn func(*apiOwner) bool) error {
	after := ""
	for range 1000 {
		q := url.Values{"limit": {"500"}, "archived": {"false"}}
		if after != "" {
			q.Set("after", after)
		}
		var page listAnswer
		if err := c.client.get(ctx, "/crm/v3/owners?"+q.Encode(), &page); err != nil {
			return fmt.Errorf("hubspot: list owners: %w", err)
		}
		for _, raw := range page.Results {
			var ow apiOwner
			if err := json.Unmarshal(raw, &ow); err != nil || ow.ID == "" {
				return malformed("list owners", "an owner without an id")
			}
			if !fn(&ow) {
				return nil
			}
		}
		next := page.Paging.after()
		if next == "" {
			return nil
		}
		if next == after {
			return malformed("list owners", "paging that does not move on")
		}
		after = next
	}
	return malformed("list owners", "more pages than any account has")
}

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields the one group documents name: GroupUsers, the account's
// users, with the e-mail addresses of its active owners (every user with
// a seat is an owner). It gives anyone who may sign in to the account
// access, since HubSpot's per-user view permissions are not readable
// through the API.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		acct, err := c.client.details(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("hubspot: list groups: %w", err))
			return
		}
		var emails []string
		err = c.eachOwner(ctx, func(ow *apiOwner) bool {
			if e := strings.ToLower(strings.TrimSpace(ow.Email)); strings.Contains(e, "@") {
				emails = append(emails, e)
			}
			return len(emails) < maxOwners
		})
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("hubspot: list groups: %w", err))
			return
		}
		slices.Sort(emails)
		yield(tributary.ExternalGroup{ID: GroupUsers, Name: fmt.Sprintf("Users of HubSpot account %d", acct.PortalID),
			MemberEmails: slices.Compact(emails), GivesAnyoneAccess: true}, nil)
	}
}
