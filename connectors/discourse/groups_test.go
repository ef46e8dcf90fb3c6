package discourse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/discourseemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func collectGroups(c *Connector) (map[string]tributary.ExternalGroup, error) {
	out := map[string]tributary.ExternalGroup{}
	for g, err := range c.Groups(context.Background()) {
		if err != nil {
			return out, err
		}
		out[g.ID] = g
	}
	return out, nil
}

// TestGroups: every group comes as group:NAME, the id restricted
// categories' access names, with its members' and owners' addresses,
// lower-cased, from the admin users list; groups, members and users are
// read over several pages; the automatic group everyone is left out.
func TestGroups(t *testing.T) {
	f := newFixture(t, 3, 1)
	f.emu.Update(func(d *discourseemu.Data) {
		bulk := &discourseemu.Group{ID: 500, Name: "bulk"}
		for i := range 1001 {
			u := &discourseemu.User{ID: 1000 + i, Username: fmt.Sprintf("bulk%04d", i), Email: fmt.Sprintf("Bulk%04d@forum.example.test", i)}
			d.Users = append(d.Users, u)
			bulk.Members = append(bulk.Members, u.Username)
		}
		d.Groups = append(d.Groups, bulk, &discourseemu.Group{ID: 0, Name: "everyone", Automatic: true})
		for i := range discourseemu.GroupsPerPage {
			d.Groups = append(d.Groups, &discourseemu.Group{ID: 600 + i, Name: fmt.Sprintf("g%02d", i), Members: []string{"user3"}})
		}
	})
	gs, err := collectGroups(f.connector(t, testKey))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 5+discourseemu.GroupsPerPage {
		t.Errorf("%d groups", len(gs))
	}
	if _, ok := gs["group:everyone"]; ok {
		t.Error("the group everyone was listed")
	}
	if g := gs["group:staff"]; !slices.Equal(g.MemberEmails, []string{"user0@forum.example.test"}) {
		t.Errorf("staff: %+v (system has no address)", g)
	}
	if g := gs["group:support-team"]; g.Name != "Support team" || !slices.Equal(g.MemberEmails, []string{"user1@forum.example.test", "user2@forum.example.test"}) {
		t.Errorf("support-team: %+v", g)
	}
	if g := gs["group:bulk"]; len(g.MemberEmails) != 1001 || g.MemberEmails[1000] != "bulk1000@forum.example.test" {
		t.Errorf("bulk: %d members", len(g.MemberEmails))
	}
	if g := gs["group:g35"]; !slices.Equal(g.MemberEmails, []string{"user3@forum.example.test"}) {
		t.Errorf("a group of the second page: %+v", g)
	}
	if n := f.emu.Count("GET /groups/{name}/members.json"); n != len(gs)+1 {
		t.Errorf("%d member requests for %d groups, one of 1001 members", n, len(gs))
	}
}

// TestGroupsNeedAnAdmin: a key acting as a user who is not an admin cannot
// read addresses (Discourse answers the admin route with 404): the
// listing ends with ErrInsufficientPermissions, and Probe fails group
// sync naming the admin role while indexing passes.
func TestGroupsNeedAnAdmin(t *testing.T) {
	f := newFixture(t, 3, 1)
	c := f.connectorAs(t, testKey, "user1", fast, false)
	if _, err := collectGroups(c); !errors.Is(err, tributary.ErrInsufficientPermissions) {
		t.Fatalf("groups as a member: %v", err)
	}
	rs := c.Probe(context.Background())
	if rs[0].Status != tributary.ProbePassed || rs[2].Capability != tributary.CapGroupSync || rs[2].Status != tributary.ProbeFailed ||
		!slices.Equal(rs[2].Missing, []string{missingAdmin}) {
		t.Errorf("probe as a member: %v", rs)
	}
}

// TestProbe: an admin's key passes every capability; a rejected key fails
// indexing with ErrCredentialExpired; a category whose permissions cannot
// be read fails access sync; a failing server leaves group sync
// indeterminate.
func TestProbe(t *testing.T) {
	f := newFixture(t, 3, 1)
	for _, r := range f.connector(t, testKey).Probe(context.Background()) {
		if r.Status != tributary.ProbePassed {
			t.Errorf("admin: %v (%v)", r, r.Err)
		}
	}
	if rs := f.connector(t, "wrong-key").Probe(context.Background()); rs[0].Status != tributary.ProbeFailed || !errors.Is(rs[0].Err, tributary.ErrCredentialExpired) {
		t.Errorf("rejected key: %v (%v)", rs[0], rs[0].Err)
	}
	f.emu.FailEvery("/c/3/show.json", 1, discourseemu.NotFound)
	f.emu.FailEvery("GET /groups.json", 1, discourseemu.BadGateway)
	rs := f.connector(t, testKey).Probe(context.Background())
	if rs[1].Status != tributary.ProbeFailed || !slices.Equal(rs[1].Missing, []string{missingCategory}) {
		t.Errorf("restricted category unreadable: %v", rs[1])
	}
	if rs[2].Status != tributary.ProbeIndeterminate {
		t.Errorf("groups behind a failing server: %v", rs[2])
	}
}

// TestMalformedGroupListings: a members answer without meta, and a groups
// page that names a next page but repeats the groups listed, end the
// listing with ErrMalformedResponse, never as transient and never looping.
func TestMalformedGroupListings(t *testing.T) {
	for name, members := range map[string]map[string]any{
		"no meta":   {"members": []any{map[string]any{"username": "a"}}},
		"no member": {"members": []any{}, "meta": map[string]any{"total": 5}},
	} {
		t.Run(name, func(t *testing.T) {
			e := emulator.New(emulator.Options{})
			t.Cleanup(e.Close)
			e.Handle("GET /admin/users/list/{flag}", func(w http.ResponseWriter, _ *http.Request) { emulator.WriteJSON(w, 200, []any{}) })
			e.Handle("GET /groups.json", func(w http.ResponseWriter, _ *http.Request) {
				emulator.WriteJSON(w, 200, map[string]any{"groups": []any{map[string]any{"name": "g"}}, "load_more_groups": "/groups?page=1"})
			})
			e.Handle("GET /groups/{name}/members.json", func(w http.ResponseWriter, _ *http.Request) { emulator.WriteJSON(w, 200, members) })
			_, err := collectGroups(malformedConnector(t, e))
			if !errors.Is(err, tributary.ErrMalformedResponse) || errors.Is(err, tributary.ErrTransient) {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("repeated page", func(t *testing.T) {
		e := emulator.New(emulator.Options{})
		t.Cleanup(e.Close)
		e.Handle("GET /admin/users/list/{flag}", func(w http.ResponseWriter, _ *http.Request) { emulator.WriteJSON(w, 200, []any{}) })
		e.Handle("GET /groups.json", func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, 200, map[string]any{"groups": []any{map[string]any{"name": "g"}}, "load_more_groups": "/groups?page=1"})
		})
		e.Handle("GET /groups/{name}/members.json", func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, 200, map[string]any{"members": []any{}, "meta": map[string]any{"total": 0}})
		})
		gs, err := collectGroups(malformedConnector(t, e))
		if !errors.Is(err, tributary.ErrMalformedResponse) || len(gs) != 1 {
			t.Errorf("got %d groups, %v", len(gs), err)
		}
	})
}

func malformedConnector(t *testing.T, e *emulator.Server) *Connector {
	t.Helper()
	s := Settings{BaseURL: testSite}
	s.SetDefaults()
	c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret("k"), Username: "u"},
		tributary.Env{HTTPClient: &http.Client{Transport: e.Transport()}, AllowPrivateNetwork: true}, fast)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
