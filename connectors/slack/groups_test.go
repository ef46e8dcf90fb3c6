package slack_test

import (
	"net/http"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

func openGroups(t *testing.T, ws *slackemu.Workspace, scopes []string) (*slack.Connector, *slackemu.Server) {
	t.Helper()
	srv := slackemu.NewServer(ws, map[string]slackemu.Token{slackemu.BotToken: {UserID: slackemu.BotUser, Scopes: scopes}})
	t.Cleanup(srv.Close)
	c, err := slack.New(slack.Settings{}, slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken)},
		tributary.Env{HTTPClient: srv.Client()})
	require.NoError(t, err)
	return c, srv
}

func groupsOf(t *testing.T, c tributary.Connector) ([]tributary.ExternalGroup, error) {
	t.Helper()
	var out []tributary.ExternalGroup
	for g, err := range tributary.Groups(t.Context(), c) {
		if err != nil {
			return out, err
		}
		out = append(out, g)
	}
	return out, nil
}

func TestGroups(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		ws.AddUser(slackemu.User{ID: "U900000001", Name: "hidden"}) // no address
		ws.AddUserGroup(slackemu.UserGroup{ID: "S000000003", Name: "Old", Handle: "old", Users: []string{"U000000001"}, Disabled: true})
		ws.AddUserGroup(slackemu.UserGroup{ID: "S000000004", Handle: "mixed", Users: []string{"U000000003", "U900000001", slackemu.BotUser}})
		c, _ := openGroups(t, ws, slackemu.BotScopes)
		got, err := groupsOf(t, c)
		require.NoError(t, err)
		assert.Equal(t, []tributary.ExternalGroup{
			{ID: "usergroup:S000000001", Name: "Staff", MemberEmails: []string{
				"user1@example.com", "user2@example.com", "user3@example.com", "user4@example.com", "user5@example.com"}},
			{ID: "usergroup:S000000002", Name: "Leads", MemberEmails: []string{"user1@example.com", "user2@example.com"}},
			{ID: "usergroup:S000000004", Name: "mixed", MemberEmails: []string{"user3@example.com"}},
		}, got, "disabled groups, bots and hidden addresses are left out")
	})
}

func TestGroupsFaults(t *testing.T) {
	without := slices.DeleteFunc(slices.Clone(slackemu.BotScopes), func(s string) bool { return s == "usergroups:read" })
	for _, tc := range []struct {
		name   string
		scopes []string
		fault  string
		want   error
	}{
		{name: "no usergroups:read", scopes: without, want: tributary.ErrInsufficientPermissions},
		{name: "members fail midway", scopes: slackemu.BotScopes, fault: "/api/usergroups.users.list", want: tributary.ErrTransient},
		{name: "users fail", scopes: slackemu.BotScopes, fault: "/api/users.list", want: tributary.ErrTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, srv := openGroups(t, smallWorkspace(), tc.scopes)
				if tc.fault != "" {
					srv.FailEvery(tc.fault, 1, emulator.Fault{Status: http.StatusServiceUnavailable})
				}
				got, err := groupsOf(t, c)
				assert.ErrorIs(t, err, tc.want)
				assert.Empty(t, got)
				assert.NotContains(t, err.Error(), slackemu.BotToken)
			})
		})
	}
}

func TestGroupsOfAFreeWorkspace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		ws.SetPlanWithoutUserGroups(true)
		c, _ := openGroups(t, ws, slackemu.BotScopes)
		got, err := groupsOf(t, c)
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.Equal(t, tributary.ProbePassed, tributary.Probe(t.Context(), c)[2].Status)
	})
}

func TestProbeGroups(t *testing.T) {
	without := slices.DeleteFunc(slices.Clone(slackemu.BotScopes), func(s string) bool { return s == "usergroups:read" })
	for _, tc := range []struct {
		name    string
		scopes  []string
		fault   bool
		want    tributary.ProbeStatus
		missing []string
	}{
		{name: "every scope", scopes: slackemu.BotScopes, want: tributary.ProbePassed},
		{name: "no usergroups:read", scopes: without, want: tributary.ProbeFailed, missing: []string{"usergroups:read"}},
		{name: "server errors", scopes: slackemu.BotScopes, fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, srv := openGroups(t, smallWorkspace(), tc.scopes)
				if tc.fault {
					srv.FailNext("/api/usergroups.list", 1000, emulator.Fault{Status: http.StatusServiceUnavailable})
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				assert.Equal(t, tributary.CapGroupSync, got[2].Capability)
				assert.Equal(t, tc.want, got[2].Status, "group sync: %v", got[2].Err)
				assert.Equal(t, tc.missing, got[2].Missing)
			})
		})
	}
}
