package notion

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

func TestProbe(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 2, Plain: true, Seed: 30}, notionemu.Options{})
	c := f.connector(t, f.settings())
	got := c.Probe(t.Context())
	require.Len(t, got, 1)
	assert.Equal(t, tributary.CapIndexing, got[0].Capability)
	assert.Equal(t, tributary.ProbePassed, got[0].Status)

	// An integration without "Read content": Notion answers 403.
	f.emu.FailNext("/v1/search", 1, emulator.Fault{Status: http.StatusForbidden})
	got = c.Probe(t.Context())
	assert.Equal(t, tributary.ProbeFailed, got[0].Status)
	assert.Equal(t, []string{"Read content"}, got[0].Missing)

	// A server error says nothing about permissions.
	f.emu.FailNext("/v1/users/me", 8, notionemu.BadGateway)
	got = c.Probe(t.Context())
	assert.Equal(t, tributary.ProbeIndeterminate, got[0].Status)
}

// Without the capability to read users, documents come without owners
// and the users are asked for once.
func TestNoUserCapabilityLeavesOwnersOut(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 5, Plain: true, Seed: 31}, notionemu.Options{NoUserInfo: true})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 5)
	for _, d := range got.Documents {
		assert.Empty(t, d.PrimaryOwners)
	}
	assert.Equal(t, 1, f.emu.Count("GET /v1/users/{id}"))
}

// With user information but not e-mail addresses, owners carry names.
func TestHiddenEmailsLeaveNames(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 3, Plain: true, Seed: 32}, notionemu.Options{HideEmails: true})
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		require.Len(t, d.PrimaryOwners, 1)
		assert.NotEmpty(t, d.PrimaryOwners[0].DisplayName)
		assert.Empty(t, d.PrimaryOwners[0].Email)
	}
}
