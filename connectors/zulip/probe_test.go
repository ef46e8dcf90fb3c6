package zulip

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

func probeStatuses(rs []tributary.ProbeResult) map[tributary.Capability]tributary.ProbeResult {
	out := map[tributary.Capability]tributary.ProbeResult{}
	for _, r := range rs {
		out[r.Capability] = r
	}
	return out
}

// TestProbe: an administrator's key allows everything; a guest's indexes
// and reads subscribers but may not list user groups, which Zulip answers
// with 400 UNAUTHORIZED_PRINCIPAL; a rejected key fails indexing; a server
// error leaves group sync indeterminate.
func TestProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, zulipemu.Options{})
		f.emu.Update(func(d *zulipemu.Data) { d.Users[1].Role = 600 })
		open := func(email, key string) *Connector {
			c, err := New(testSettings(), Credentials{Email: email, APIKey: tributary.NewSecret(key)}, f.env())
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		for capability, r := range probeStatuses(open("user0@example.com", "key0").Probe(context.Background())) {
			if r.Status != tributary.ProbePassed {
				t.Errorf("admin: %s %s: %v", capability, r.Status, r.Err)
			}
		}
		guest := probeStatuses(open("user1@example.com", "key1").Probe(context.Background()))
		if g := guest[tributary.CapGroupSync]; g.Status != tributary.ProbeFailed || !slices.Equal(g.Missing, []string{missingRole}) ||
			!errors.Is(g.Err, tributary.ErrInsufficientPermissions) {
			t.Errorf("guest group sync: %v (%v)", g, g.Err)
		}
		if i := guest[tributary.CapIndexing]; i.Status != tributary.ProbePassed {
			t.Errorf("guest indexing: %v (%v)", i, i.Err)
		}
		if bad := open("user0@example.com", "wrong").Probe(context.Background()); bad[0].Status != tributary.ProbeFailed ||
			!errors.Is(bad[0].Err, tributary.ErrCredentialExpired) {
			t.Errorf("rejected key: %v (%v)", bad[0], bad[0].Err)
		}
		f.emu.FailEvery("GET /api/v1/user_groups", 1, zulipemu.BadGateway)
		if g := probeStatuses(open("user0@example.com", "key0").Probe(context.Background()))[tributary.CapGroupSync]; g.Status != tributary.ProbeIndeterminate {
			t.Errorf("group sync behind a failing server: %v", g)
		}
	})
}

// TestRefetch: a topic comes back after its stream's node, with the
// messages a load gives it; a topic whose messages were all deleted, or
// of a stream the account no longer reads, is a deletion; an id of
// another organization, or that names no topic, is a Failure.
func TestRefetch(t *testing.T) {
	f, c := pollFixture(t)
	loaded := map[string]*tributary.Document{}
	for _, d := range load(t, f, testSettings()).Documents {
		loaded[d.ID] = d
	}
	good := c.topicID(streamOf, "topic 0")
	deleted := c.topicID(streamOf, "topic 1")
	private := c.topicID(12, "topic 0")
	odd := c.topicID(streamOf, "a.b/c d%")
	f.emu.Update(func(d *zulipemu.Data) {
		var ids []int64
		for _, m := range d.Messages {
			if m.StreamID == streamOf && m.Subject == "topic 1" {
				ids = append(ids, m.ID)
			}
		}
		d.Delete(ids...)
		d.Post(streamOf, "a.b/c d%", d.Users[0].ID, "dots and slashes", later)
		st := d.Stream(12)
		st.Subscribers = slices.DeleteFunc(st.Subscribers, func(id int64) bool { return id == d.Users[0].ID })
	})
	foreign := "https://elsewhere.zulipchat.com/#narrow/channel/10/topic/topic.200"
	malformedID := testSite + "/#narrow/channel/x/topic/y"
	got := connectortest.CollectRefetch(t, context.Background(), c, good, deleted, private, odd, foreign, malformedID)
	if a := got.ByID[good]; len(a) != 1 || a[0].Document == nil || a[0].Document.ContentHash() != loaded[good].ContentHash() {
		t.Errorf("refetch of a topic: %+v", a)
	}
	if a := got.ByID[odd]; len(a) != 1 || a[0].Document == nil || a[0].Document.Title != "a.b/c d%" {
		t.Errorf("refetch of a topic with dots, slashes and percent signs: %+v", a)
	}
	for _, id := range []string{deleted, private} {
		if a := got.ByID[id]; len(a) != 1 || a[0].Deletion != id {
			t.Errorf("refetch of %s: %+v, want a deletion", id, a)
		}
	}
	for _, id := range []string{foreign, malformedID} {
		if a := got.ByID[id]; len(a) != 1 || a[0].Failure == nil || !errors.Is(a[0].Failure.Err, tributary.ErrForeignURL) {
			t.Errorf("refetch of %s: %+v, want a foreign-URL failure", id, a)
		}
	}
	if !slices.Equal(got.Nodes, []string{c.streamNodeID(streamOf)}) {
		t.Errorf("nodes %v", got.Nodes)
	}
}
