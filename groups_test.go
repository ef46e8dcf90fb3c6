package tributary_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// teamConnector lists fixed groups, then fails with err when it is set.
type teamConnector struct {
	groups []tributary.ExternalGroup
	err    error
}

func (teamConnector) Source() tributary.DocumentSource { return "teams" }
func (teamConnector) Validate(context.Context) error   { return nil }

func (c teamConnector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		for _, g := range c.groups {
			if !yield(g, nil) {
				return
			}
		}
		if c.err != nil {
			yield(tributary.ExternalGroup{}, c.err)
		}
	}
}

func ExampleGroups() {
	c := teamConnector{groups: []tributary.ExternalGroup{
		{ID: "team:acme/eng", Name: "Engineering", MemberEmails: []string{"ada@acme.test", "lin@acme.test"}},
		{ID: "team:acme/ops", Name: "Operations", MemberEmails: []string{"sam@acme.test"}},
	}}
	// Collect the listing and replace the stored groups only when it ended
	// without an error: a listing that stopped midway is not the whole set.
	var table []tributary.ExternalGroup
	for g, err := range tributary.Groups(context.Background(), c) {
		if err != nil {
			fmt.Println("keep the old groups:", err)
			return
		}
		table = append(table, g)
	}
	for _, g := range table {
		fmt.Println(g.ID, len(g.MemberEmails))
	}
	// Output:
	// team:acme/eng 2
	// team:acme/ops 1
}

func collectGroups(t *testing.T, ctx context.Context, c tributary.Connector) ([]string, error) {
	t.Helper()
	var ids []string
	for g, err := range tributary.Groups(ctx, c) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, g.ID)
	}
	return ids, nil
}

func TestGroups(t *testing.T) {
	ctx := context.Background()
	two := []tributary.ExternalGroup{{ID: "a"}, {ID: "b"}}

	t.Run("not supported", func(t *testing.T) {
		_, err := collectGroups(t, ctx, plainConnector{})
		assert.ErrorIs(t, err, tributary.ErrNotSupported)
	})
	t.Run("complete", func(t *testing.T) {
		ids, err := collectGroups(t, ctx, teamConnector{groups: two})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b"}, ids)
	})
	t.Run("an error midway is the last value", func(t *testing.T) {
		fail := tributary.NewError("teams: list members", tributary.ErrTransient, errors.New("HTTP 502"))
		var n int
		var last error
		for _, err := range tributary.Groups(ctx, teamConnector{groups: two, err: fail}) {
			n++
			last = err
		}
		assert.Equal(t, 3, n)
		assert.ErrorIs(t, last, tributary.ErrTransient)
	})
	t.Run("a group without an id ends the listing", func(t *testing.T) {
		ids, err := collectGroups(t, ctx, teamConnector{groups: []tributary.ExternalGroup{{ID: "a"}, {Name: "x"}, {ID: "c"}}})
		assert.ErrorIs(t, err, tributary.ErrMalformedResponse)
		assert.NotErrorIs(t, err, tributary.ErrTransient)
		assert.Equal(t, []string{"a"}, ids)
	})
	t.Run("a cancelled listing is not complete", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := collectGroups(t, cctx, teamConnector{groups: two})
		assert.ErrorIs(t, err, context.Canceled)
	})
}
