package tributary

import (
	"context"
	"fmt"
	"iter"
)

// ExternalGroup is a group of the source (a team, a user group, a role) and
// the people in it, so that a document whose ExternalAccess names the group
// can be matched to a person. ID is exactly the id the connector puts in
// ExternalAccess.GroupIDs for the group, namespaced the same way
// ("team:acme/eng" for GitHub, "group:jira-users" for Jira).
type ExternalGroup struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// MemberEmails are the lower-cased e-mail addresses of the members
	// whose profiles show one, sorted, without duplicates. A member whose
	// address the source hides is left out: a group never admits someone
	// it cannot name.
	MemberEmails []string `json:"member_emails,omitempty"`
	// GivesAnyoneAccess marks a group that stands for everyone who may sign
	// in to the source (Jira's "any application role"): a document that
	// names it is open to every user of the source, whether or not
	// MemberEmails lists them.
	GivesAnyoneAccess bool `json:"gives_anyone_access,omitempty"`
}

// GroupSyncer is a connector that can list its source's groups and their
// members (Onyx's external group sync).
type GroupSyncer interface {
	Connector
	// Groups yields the source's groups one at a time, each with all its
	// members (a large group's members are paged by the connector), in an
	// order the connector chooses, each id once. Every group id that a
	// document's ExternalAccess may name is yielded when the group still
	// exists. A listing that cannot finish (a request that fails midway, a
	// malformed answer, a cancelled ctx) ends with a classified error as
	// its last value: the groups yielded before it are not the whole set,
	// and a consumer must replace its stored groups only after a listing
	// that ended without an error. Groups sends requests only while it is
	// iterated, and is safe to call from several goroutines.
	Groups(ctx context.Context) iter.Seq2[ExternalGroup, error]
}

// Groups yields the groups of c through its Groups method, or
// ErrNotSupported when c has none. It ends at the first error, which is the
// last value yielded, and turns a group without an id into an
// ErrMalformedResponse error, so that a complete listing is
// one that ended without an error.
func Groups(ctx context.Context, c Connector) iter.Seq2[ExternalGroup, error] {
	gs, ok := c.(GroupSyncer)
	if !ok {
		return errSeq2[ExternalGroup](notSupported(c, "list groups"))
	}
	return func(yield func(ExternalGroup, error) bool) {
		for g, err := range gs.Groups(ctx) {
			if err == nil && g.ID == "" {
				err = NewError(string(c.Source())+": list groups", ErrMalformedResponse, errorString("a group without an id"))
			}
			if err != nil {
				yield(ExternalGroup{}, err)
				return
			}
			if !yield(g, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(ExternalGroup{}, fmt.Errorf("%s: list groups: %w", c.Source(), err))
		}
	}
}
