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

func TestProbe(t *testing.T) {
	without := func(scope string) []string {
		return slices.DeleteFunc(slices.Clone(slackemu.BotScopes), func(s string) bool { return s == scope })
	}
	for _, tc := range []struct {
		name    string
		scopes  []string
		fault   bool
		want    tributary.ProbeStatus
		missing []string
		// indexFails: Validate needs the scope too.
		indexFails bool
	}{
		{name: "every scope", scopes: slackemu.BotScopes, want: tributary.ProbePassed},
		{name: "no users:read", scopes: without("users:read"), want: tributary.ProbeFailed, missing: []string{"users:read"}, indexFails: true},
		{name: "no users:read.email", scopes: without("users:read.email"), want: tributary.ProbeFailed, missing: []string{"users:read.email"}},
		{name: "server errors", scopes: slackemu.BotScopes, fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := slackemu.NewServer(smallWorkspace(), map[string]slackemu.Token{
					slackemu.BotToken: {UserID: slackemu.BotUser, Scopes: tc.scopes}})
				t.Cleanup(srv.Close)
				c, err := slack.New(slack.Settings{}, slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken)},
					tributary.Env{HTTPClient: srv.Client()})
				require.NoError(t, err)
				if tc.fault {
					srv.FailNext("/api/users.list", 1000, emulator.Fault{Status: http.StatusServiceUnavailable})
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				wantIndex := tributary.ProbePassed
				if tc.indexFails {
					wantIndex = tributary.ProbeFailed
				}
				assert.Equal(t, wantIndex, got[0].Status, "indexing: %v", got[0].Err)
				assert.Equal(t, tributary.CapAccessSync, got[1].Capability)
				assert.Equal(t, tc.want, got[1].Status, "access sync: %v", got[1].Err)
				assert.Equal(t, tc.missing, got[1].Missing)
			})
		})
	}
}
