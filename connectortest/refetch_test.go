package connectortest

import (
	"context"
	"errors"
	"iter"
	"strings"
	"sync"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// answering is a Refetcher that yields fixed items.
type answering struct {
	*mock.Connector
	items []tributary.Item
	err   error
}

func (a answering) Refetch(context.Context, []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for _, it := range a.items {
			if !yield(it, nil) {
				return
			}
		}
		if a.err != nil {
			yield(tributary.Item{}, a.err)
		}
	}
}

// CollectRefetch and its checks report each way a Refetch call can answer
// wrongly, and nothing for a right one.
func TestCollectRefetch(t *testing.T) {
	node := tributary.NodeItem(&tributary.HierarchyNode{ID: "n"})
	doc := func(id, parent string) tributary.Item {
		return tributary.DocumentItem(&tributary.Document{ID: id, ParentID: parent})
	}
	cp, _ := tributary.EncodeCheckpoint("k", 1, struct{}{})
	for _, tc := range []struct {
		name string
		a    answering
		ids  []string
		want string // "" = no report
	}{
		{name: "right", a: answering{items: []tributary.Item{node, doc("a", "n"), tributary.DeletionItem("b"),
			tributary.FailureItem(&tributary.Failure{DocumentID: "c"})}}, ids: []string{"a", "b", "c"}},
		{name: "document before its node", a: answering{items: []tributary.Item{doc("a", "n"), node}}, ids: []string{"a"}, want: "before its parent n"},
		{name: "node before its parent", a: answering{items: []tributary.Item{tributary.NodeItem(&tributary.HierarchyNode{ID: "m", ParentID: "n"}), node}}, want: "node m before its parent n"},
		{name: "a checkpoint", a: answering{items: []tributary.Item{{Checkpoint: cp}}}, want: "Refetch yielded a checkpoint"},
		{name: "answered twice", a: answering{items: []tributary.Item{doc("a", ""), tributary.DeletionItem("a")}}, ids: []string{"a"}, want: "answered a 2 times"},
		{name: "not answered", a: answering{items: []tributary.Item{doc("a", "")}}, ids: []string{"a", "b"}, want: "did not answer b"},
		{name: "no parent", a: answering{items: []tributary.Item{doc("a", "")}}, ids: []string{"a"}, want: "a without a parent"},
		{name: "an error", a: answering{err: errors.New("boom")}, want: "Refetch: boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := mock.New(mock.Settings{}, mock.Credentials{}, tributary.Env{})
			if err != nil {
				t.Fatal(err)
			}
			tc.a.Connector = m
			rec := &recorder{TB: t}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := CollectRefetch(rec, t.Context(), tc.a, tc.ids...)
				r.Once(rec, tc.ids...)
				r.Parented(rec)
			}()
			wg.Wait()
			got := rec.errors()
			switch {
			case tc.want == "" && got != "":
				t.Errorf("reported %q for a right answer", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("reported %q; want %q", got, tc.want)
			}
		})
	}
}
