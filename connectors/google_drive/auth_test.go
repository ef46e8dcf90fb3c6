package googledrive

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// One user's OAuth consent reads that user's My Drive and the shared
// drives the user belongs to, refreshing the access token once at Google's
// token endpoint.
func TestOAuthConsentReadsTheUsersDrive(t *testing.T) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	f.emu.AddRefreshToken("client-1.apps.googleusercontent.com", "client-secret-1", "1//refresh-ana", f.admin(), googleemu.ScopeDriveReadonly)
	s := f.settings()
	s.AdminEmail = ""
	cr := Credentials{ClientID: "client-1.apps.googleusercontent.com", ClientSecret: tributary.NewSecret("client-secret-1"),
		RefreshToken: tributary.NewSecret("1//refresh-ana")}
	c, err := newConnector(s, cr, f.env(), fastRetry)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	var want []string
	for _, fl := range f.data.Files {
		if fl.MimeType != googleemu.MimeFolder && (fl.DriveID != "" || fl.Owner == f.admin()) {
			want = append(want, fileID(fl.ID))
		}
	}
	slices.Sort(want)
	require.Equal(t, want, ids(got.Documents))
	require.Equal(t, 1, f.emu.TokensIssued())

	cr.RefreshToken = tributary.NewSecret("1//revoked")
	c, err = newConnector(s, cr, f.env(), fastRetry)
	require.NoError(t, err)
	require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrCredentialExpired)
}

// A delegation that lacks a scope fails the capability that needs it,
// naming the scope, and leaves the others passing.
func TestProbeNamesTheScopeTheDelegationLacks(t *testing.T) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	key := f.emu.AddServiceAccount("narrow@emulated-project.iam.gserviceaccount.com", DefaultTokenURI, googleemu.ScopeDriveReadonly, googleemu.ScopeUserReadonly)
	c, err := newConnector(f.settings(), Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}, f.env(), fastRetry)
	require.NoError(t, err)
	res := tributary.Probe(t.Context(), c)
	require.Len(t, res, 3)
	require.Equal(t, tributary.ProbePassed, res[0].Status, "%v", res[0].Err)
	require.Equal(t, tributary.ProbePassed, res[1].Status, "%v", res[1].Err)
	require.Equal(t, tributary.CapGroupSync, res[2].Capability)
	require.Equal(t, tributary.ProbeFailed, res[2].Status)
	require.Equal(t, []string{ScopeGroupReadonly}, res[2].Missing)
	require.ErrorIs(t, res[2].Err, tributary.ErrInsufficientPermissions)

	// Server errors are indeterminate, never failures; the delegation's
	// refusal comes from the token endpoint, which still answers.
	f.emu.FailEveryReason("*", 1, googleemu.BackendError)
	res = tributary.Probe(t.Context(), c)
	require.Equal(t, tributary.ProbeIndeterminate, res[0].Status, "%v", res[0].Err)
	require.Equal(t, tributary.ProbeIndeterminate, res[1].Status, "%v", res[1].Err)
	require.Equal(t, tributary.ProbeFailed, res[2].Status)
}

// Secrets never reach errors: a refused key names the account and scope,
// never the key or a token.
func TestErrorsCarryNoSecrets(t *testing.T) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	s := f.settings()
	s.AdminEmail = "nobody@acme.test"
	c := f.connector(t, s)
	err := c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	require.NotContains(t, err.Error(), "PRIVATE KEY")
	require.Contains(t, err.Error(), "nobody@acme.test")
}

// Connectors sharing a credentials provider (workers of one user's
// consent) refresh the access token once between them, and the provider
// holds the new one.
func TestSharedCredentialsRefreshOnce(t *testing.T) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	f.emu.AddRefreshToken("client-1.apps.googleusercontent.com", "client-secret-1", "1//refresh-ana", f.admin(), googleemu.ScopeDriveReadonly)
	s := f.settings()
	s.AdminEmail = ""
	raw := json.RawMessage(`{"client_id":"client-1.apps.googleusercontent.com","client_secret":"client-secret-1","refresh_token":"1//refresh-ana"}`)
	shared := tributary.NewMemoryCredentials(raw)
	var cr Credentials
	require.NoError(t, json.Unmarshal(raw, &cr))
	env := f.env()
	env.Credentials = shared
	for range 3 {
		c, err := newConnector(s, cr, env, fastRetry)
		require.NoError(t, err)
		require.NoError(t, c.Validate(t.Context()))
	}
	require.Equal(t, 1, f.emu.TokensIssued(), "the second and third connector take the token the first refreshed")
	now, err := shared.Credentials(t.Context())
	require.NoError(t, err)
	var held struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ClientID     string `json:"client_id"`
	}
	require.NoError(t, json.Unmarshal(now, &held))
	require.NotEmpty(t, held.AccessToken)
	require.Equal(t, "1//refresh-ana", held.RefreshToken)
	require.Equal(t, "client-1.apps.googleusercontent.com", held.ClientID, "the other fields stay")
}
