package hubspotemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func call(t *testing.T, s *Server, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, "http://hubspot.test"+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return resp.StatusCode, v
}

func TestSearchFiltersSortsPagesAndCaps(t *testing.T) {
	d := Generate(GenerateOptions{Deals: 12, Seed: 1})
	s := New(d, Options{SearchCap: 6})
	defer s.Close()
	s.AddToken("t", AllScopes()...)
	from := d.Objects["deals"][3].UpdatedAt.UnixMilli()
	body := `{"filterGroups":[{"filters":[{"propertyName":"hs_lastmodifieddate","operator":"GTE","value":"` + itoa(from) + `"}]}],` +
		`"sorts":[{"propertyName":"hs_lastmodifieddate","direction":"ASCENDING"}],"limit":4}`
	status, v := call(t, s, "POST", "/crm/v3/objects/deals/search", "t", body)
	require.Equal(t, http.StatusOK, status)
	results := v["results"].([]any)
	require.Len(t, results, 4)
	var prev string
	for _, r := range results {
		p := r.(map[string]any)["properties"].(map[string]any)
		at := p["hs_lastmodifieddate"].(string)
		assert.GreaterOrEqual(t, at, prev)
		prev = at
	}
	assert.Equal(t, "4", v["paging"].(map[string]any)["next"].(map[string]any)["after"])

	status, _ = call(t, s, "POST", "/crm/v3/objects/deals/search", "t", `{"limit":4,"after":"6"}`)
	assert.Equal(t, http.StatusBadRequest, status, "past the cap")
	status, _ = call(t, s, "POST", "/crm/v3/objects/deals/search", "t", `{"limit":201}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestScopesAndAuth(t *testing.T) {
	d := Generate(GenerateOptions{Companies: 2, Tickets: 2, Seed: 1})
	s := New(d, Options{})
	defer s.Close()
	s.AddToken("t", ScopeOf("companies"))
	status, v := call(t, s, "GET", "/crm/v3/objects/tickets?limit=1", "t", "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "MISSING_SCOPES", v["category"])
	status, v = call(t, s, "GET", "/crm/v3/objects/companies?limit=1", "nope", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "INVALID_AUTHENTICATION", v["category"])
	status, v = call(t, s, "GET", "/crm/v3/objects/companies?limit=1", "t", "")
	assert.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, v["paging"])
}

func TestRateLimitPolicies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := Generate(GenerateOptions{Companies: 2, Seed: 1})
		s := New(d, Options{TenSecondly: 3, SearchPerSecond: 1})
		defer s.Close()
		s.AddToken("t", AllScopes()...)
		status, _ := call(t, s, "POST", "/crm/v3/objects/companies/search", "t", `{}`)
		require.Equal(t, http.StatusOK, status)
		status, v := call(t, s, "POST", "/crm/v3/objects/companies/search", "t", `{}`)
		require.Equal(t, http.StatusTooManyRequests, status)
		assert.Equal(t, "SECONDLY", v["policyName"])
		time.Sleep(time.Second)
		call(t, s, "GET", "/crm/v3/objects/companies", "t", "")
		call(t, s, "GET", "/crm/v3/objects/companies", "t", "")
		status, v = call(t, s, "GET", "/crm/v3/objects/companies", "t", "")
		require.Equal(t, http.StatusTooManyRequests, status)
		assert.Equal(t, "TEN_SECONDLY_ROLLING", v["policyName"])
		time.Sleep(10 * time.Second)
		status, _ = call(t, s, "GET", "/crm/v3/objects/companies", "t", "")
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestBatchReadsReportMissingInputs(t *testing.T) {
	d := Generate(GenerateOptions{Companies: 1, Notes: 3, Seed: 2})
	s := New(d, Options{})
	defer s.Close()
	s.AddToken("t", AllScopes()...)
	c := d.Objects["companies"][0]
	c.Associations["notes"] = append(c.Associations["notes"], 999999)
	status, v := call(t, s, "POST", "/crm/v4/associations/companies/notes/batch/read", "t", `{"inputs":[{"id":"`+itoa(c.ID)+`"},{"id":"5"}]}`)
	assert.Equal(t, http.StatusMultiStatus, status)
	assert.Len(t, v["results"], 1)
	status, v = call(t, s, "POST", "/crm/v3/objects/notes/batch/read", "t", `{"inputs":[{"id":"999999"}],"properties":["hs_note_body"]}`)
	assert.Equal(t, http.StatusMultiStatus, status)
	assert.Equal(t, "OBJECT_NOT_FOUND", v["errors"].([]any)[0].(map[string]any)["category"])
}
