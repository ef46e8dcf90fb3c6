package outlineemu

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, s *Server, key, method, body string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://outline.test/api/"+method, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a.body))
	return a
}

func newServer(t *testing.T, o Options) (*Server, *Data) {
	data := Generate(GenerateOptions{Collections: 3, PrivateEvery: 3, Documents: 6, Hidden: true, Seed: 2})
	s := New(data, o)
	s.AddKey("admin", data.Users[0].ID)
	s.AddKey("member", data.Users[1].ID)
	s.AddKey("guest", data.Users[4].ID)
	t.Cleanup(s.Close)
	return s, data
}

func TestErrorsAreOutlines(t *testing.T) {
	s, _ := newServer(t, Options{})
	a := post(t, s, "wrong", "auth.info", `{}`)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, map[string]any{"ok": false, "error": "authentication_required", "status": float64(401), "message": "Authentication required"}, a.body)
	a = post(t, s, "admin", "documents.list", `{"limit":101}`)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, "invalid_request", a.body["error"])
	a = post(t, s, "admin", "documents.info", `{"id":"nope"}`)
	assert.Equal(t, "not_found", a.body["error"])
	a = post(t, s, "member", "events.list", `{}`)
	assert.Equal(t, http.StatusForbidden, a.status, "members name a collection")
	assert.Equal(t, "authorization_error", a.body["error"])
}

func TestListingsPageByOffset(t *testing.T) {
	s, data := newServer(t, Options{})
	col := data.Collections[0]
	a := post(t, s, "admin", "documents.list", `{"collectionId":"`+col.ID+`","limit":4,"offset":4,"sort":"updatedAt","direction":"DESC"}`)
	require.Equal(t, http.StatusOK, a.status)
	p := a.body["pagination"].(map[string]any)
	assert.Equal(t, float64(4), p["offset"])
	assert.Equal(t, float64(4), p["limit"])
	assert.Equal(t, "/api/documents.list?limit=4&offset=8", p["nextPath"])
	assert.Len(t, a.body["data"], 2, "six published documents; drafts, archived and deleted ones left out")
	docs := a.body["data"].([]any)
	assert.GreaterOrEqual(t, docs[0].(map[string]any)["updatedAt"], docs[1].(map[string]any)["updatedAt"])
}

func TestVisibility(t *testing.T) {
	s, data := newServer(t, Options{})
	private := data.Collections[1]
	assert.Equal(t, http.StatusOK, post(t, s, "member", "collections.info", `{"id":"`+private.ID+`"}`).status, "through the Engineering group")
	assert.Equal(t, http.StatusForbidden, post(t, s, "guest", "collections.info", `{"id":"`+private.ID+`"}`).status)
	a := post(t, s, "guest", "collections.list", `{}`)
	assert.Empty(t, a.body["data"], "guests see no open collection")
	var deleted *Document
	for _, d := range data.Documents {
		if !d.DeletedAt.IsZero() {
			deleted = d
		}
	}
	a = post(t, s, "admin", "documents.info", `{"id":"`+deleted.ID+`"}`)
	require.Equal(t, http.StatusOK, a.status, "admins may restore, so they see deleted documents")
	assert.NotNil(t, a.body["data"].(map[string]any)["deletedAt"])
	a = post(t, s, "member", "users.info", `{"id":"`+data.Users[0].ID+`"}`)
	assert.NotContains(t, a.body["data"], "email", "only admins see others' addresses")
}

func TestRateLimitAnswers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newServer(t, Options{RateLimit: true, ListRequests: 2})
		for range 2 {
			require.Equal(t, http.StatusOK, post(t, s, "admin", "documents.list", `{}`).status)
		}
		a := post(t, s, "admin", "documents.list", `{}`)
		assert.Equal(t, http.StatusTooManyRequests, a.status)
		assert.Equal(t, "rate_limit_exceeded", a.body["error"])
		assert.Equal(t, "60", a.header.Get("Retry-After"))
		assert.Equal(t, "2", a.header.Get("RateLimit-Limit"))
		assert.Equal(t, "0", a.header.Get("RateLimit-Remaining"))
		assert.Equal(t, "60", a.header.Get("RateLimit-Reset"))
		assert.Equal(t, http.StatusOK, post(t, s, "admin", "auth.info", `{}`).status, "other methods keep their budget")
	})
}
