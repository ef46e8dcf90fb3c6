package mock

import (
	"context"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields one group for each group id the documents' access names,
// in id order, with the e-mail addresses of the users those documents
// name as its members. Each group counts one request; with
// fail_after_pages set, the listing fails with tributary.ErrTransient
// after that many groups, as a listing that stops midway does.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for i, g := range c.groups() {
			if err := c.request(ctx, "mock: list groups"); err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			if n := c.settings.FailAfterPages; n > 0 && i >= n {
				yield(tributary.ExternalGroup{}, tributary.NewError("mock: list groups", tributary.ErrTransient, errFlaky))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// groups gathers the groups the stored documents name.
func (c *Connector) groups() []tributary.ExternalGroup {
	c.mu.RLock()
	defer c.mu.RUnlock()
	members := map[string][]string{}
	for _, d := range c.docs {
		if d.ExternalAccess == nil {
			continue
		}
		for _, id := range d.ExternalAccess.GroupIDs {
			for _, e := range d.ExternalAccess.UserEmails {
				members[id] = append(members[id], strings.ToLower(e))
			}
			if _, ok := members[id]; !ok {
				members[id] = nil
			}
		}
	}
	out := make([]tributary.ExternalGroup, 0, len(members))
	for _, id := range slices.Sorted(maps.Keys(members)) {
		m := members[id]
		slices.Sort(m)
		out = append(out, tributary.ExternalGroup{ID: id, Name: id, MemberEmails: slices.Compact(m)})
	}
	return out
}
