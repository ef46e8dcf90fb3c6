package zulip

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

func groupsOf(t *testing.T, c *Connector) map[string]tributary.ExternalGroup {
	t.Helper()
	out := map[string]tributary.ExternalGroup{}
	for g, err := range c.Groups(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out[g.ID] = g
	}
	return out
}

// TestGroupsUseRealAddresses: when the organization shows addresses to
// administrators only, users' email is a fake one; an administrator's
// groups carry the real delivery_email, and a member's carry nobody
// rather than addresses that name no one.
func TestGroupsUseRealAddresses(t *testing.T) {
	f := newFixture(t, smallGen, zulipemu.Options{HideEmails: true})
	admin, err := New(testSettings(), adminCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	org := groupsOf(t, admin)[GroupOrg]
	if !slices.Contains(org.MemberEmails, "user1@example.com") || len(org.MemberEmails) != len(f.data.Users) {
		t.Errorf("admin's org group: %v", org.MemberEmails)
	}
	member, err := New(testSettings(), Credentials{Email: "user101@zulip.invalid", APIKey: tributary.NewSecret("key1")}, f.env())
	if err != nil {
		t.Fatal(err)
	}
	for id, g := range groupsOf(t, member) {
		for _, e := range g.MemberEmails {
			if strings.HasSuffix(e, "@zulip.invalid") {
				t.Errorf("%s lists the fake address %s", id, e)
			}
		}
	}
}
