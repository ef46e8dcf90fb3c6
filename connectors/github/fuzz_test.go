package github

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// FuzzPage feeds arbitrary listing items to the page mapper: it never
// panics, and everything it yields is a document with an id and a real
// update time, or a failure that names what failed.
func FuzzPage(f *testing.F) {
	f.Add([]byte(`{"html_url":"https://github.com/a/b/pull/1","number":1,"title":"t","updated_at":"2024-05-01T10:00:00Z"}`))
	f.Add([]byte(`{"number":2,"updated_at":"yesterday"}`))
	f.Add([]byte(`{"html_url":"https://github.com/a/b/issues/3","pull_request":{},"updated_at":"2024-05-01T10:00:00Z"}`))
	f.Add([]byte(`{"html_url":"x","number":-1,"body":null,"labels":[{"name":null}],"user":null,"updated_at":"2024-05-01T10:00:00Z"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, item []byte) {
		if !json.Valid(item) {
			return // the page decoder refuses a page that is not JSON
		}
		repo := &apiRepo{FullName: "a/b", HTMLURL: "https://github.com/a/b", NodeID: "R_1"}
		for _, kind := range []string{kindPulls, kindIssues} {
			r := &run{ctx: context.Background(), c: &Connector{}, Yielder: tributary.NewYielder(context.Background(), func(it tributary.Item, err error) bool {
				if err != nil {
					t.Fatalf("terminal error for one item: %v", err)
				}
				switch {
				case it.Document != nil:
					if it.Document.ID == "" || it.Document.UpdatedAt.IsZero() {
						t.Fatalf("document without id or update time: %+v", it.Document)
					}
				case it.Failure != nil:
					if it.Failure.DocumentID == "" && it.Failure.EntityID == "" {
						t.Fatalf("failure names nothing: %v", it.Failure)
					}
				default:
					t.Fatalf("unexpected item %v", it.Kind())
				}
				return true
			}, checkpointKind, checkpointVersion)}
			l := &lister{run: r, repo: repo, kind: kind}
			l.page([]json.RawMessage{item, item}, "https://api.github.com/repos/a/b/"+kind)
		}
	})
}

// FuzzCheckpoint feeds arbitrary bytes to the checkpoint decoder: it never
// panics, refuses what it cannot resume from with ErrInvalidCheckpoint,
// and what it accepts stays within a page and the API root.
func FuzzCheckpoint(f *testing.F) {
	var s Settings
	s.SetDefaults()
	s.Repositories = []string{"a/b"}
	c, err := New(s, Credentials{Token: tributary.NewSecret("t")}, tributary.Env{})
	if err != nil {
		f.Fatal(err)
	}
	for _, pos := range []position{
		{Repo: "a/b", Kind: kindIssues, Page: "https://api.github.com/repos/a/b/issues?page=2", Cursor: time.Unix(1e9, 0), AtCursor: []int{7, 9}},
		{Phase: phaseOwner, Repo: "a/b", Kind: kindDone},
		{Repo: "a/b", Kind: kindPulls, Page: "https://api.github.com/repos/a/b/pulls?page=3", Unsorted: true},
	} {
		cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, pos)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(cp))
	}
	f.Add([]byte(`{"kind":"github","version":1,"state":{"repo":"a/b","kind":"issues","at_cursor":null}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pos, err := c.decodePosition(tributary.Checkpoint(b))
		if err != nil {
			if !errors.Is(err, tributary.ErrInvalidCheckpoint) {
				t.Fatalf("refused with %v, not ErrInvalidCheckpoint", err)
			}
			return
		}
		if len(pos.AtCursor) > maxPerPage || pos.Page != "" && !c.client.sameAPI(pos.Page) {
			t.Fatalf("accepted %+v", pos)
		}
	})
}
