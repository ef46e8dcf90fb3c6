package bookstackemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

func get(t *testing.T, s *Server, path, auth string, v any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://wiki.test"+path, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := (&http.Client{Transport: s.Transport(), CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if v != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp
}

const admin = "Token " + AdminTokenID + ":" + AdminTokenSecret

type listing struct {
	Data []struct {
		ID        int    `json:"id"`
		UpdatedAt string `json:"updated_at"`
		BookID    int    `json:"book_id"`
	} `json:"data"`
	Total int `json:"total"`
}

func newServer(t *testing.T, o Options) (*Server, *Data) {
	d := Generate(GenerateOptions{Shelves: 2, Books: 3, ChaptersPerBook: 2, PagesPerBook: 6, Tied: 4, Restricted: 2, Seed: 1})
	s := New(d, o)
	t.Cleanup(s.Close)
	return s, d
}

func TestAuthentication(t *testing.T) {
	s, _ := newServer(t, Options{})
	var e struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	for auth, want := range map[string]string{
		"":                                   "No authorization token found on the request",
		"Token nocolon":                      "An authorization token was found on the request but the format appeared incorrect",
		"Token unknown:secret":               "No matching API token was found for the provided authorization token",
		"Token " + AdminTokenID + ":wrong":   "The secret provided for the given used API token is incorrect",
		"Bearer " + AdminTokenID + ":" + "x": "An authorization token was found on the request but the format appeared incorrect",
	} {
		resp := get(t, s, "/api/books", auth, &e)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, auth)
		assert.Equal(t, want, e.Error.Message, auth)
		assert.Equal(t, 401, e.Error.Code)
	}
	s.Update(func(d *Data) { d.Tokens[1].ExpiresAt = Epoch })
	resp := get(t, s, "/api/books", "Token "+ReaderTokenID+":"+ReaderTokenSecret, &e)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, e.Error.Message, "expired")
	s.Update(func(d *Data) { d.Tokens[1].ExpiresAt = time.Time{}; d.Role(ViewerRole).Permissions = ContentViewAll })
	resp = get(t, s, "/api/books", "Token "+ReaderTokenID+":"+ReaderTokenSecret, &e)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, e.Error.Message, "permission to make API calls")
}

func TestListingFiltersSortsAndPages(t *testing.T) {
	s, d := newServer(t, Options{})
	var l listing
	get(t, s, "/api/pages?count=5&offset=5&sort=%2Bid", admin, &l)
	require.Len(t, l.Data, 5)
	assert.Equal(t, 6, l.Data[0].ID)
	assert.Equal(t, len(d.LivePages()), l.Total)

	get(t, s, "/api/pages?count=600", admin, &l)
	assert.Len(t, l.Data, len(d.LivePages()), "count is capped at 500, here above the total")

	// The tied pages come in id order, or the reverse with ShuffleTies.
	q := url.Values{"sort": {"+updated_at"}, "filter[updated_at:eq]": {Epoch.Add(-time.Hour).Format("2006-01-02 15:04:05")}}
	get(t, s, "/api/pages?"+q.Encode(), admin, &l)
	require.Len(t, l.Data, 4)
	assert.Equal(t, []int{1, 2, 3, 4}, idsOf(l))
	assert.Equal(t, "2024-03-01T08:00:00.000000Z", l.Data[0].UpdatedAt)

	shuffled, _ := newServer(t, Options{ShuffleTies: true})
	get(t, shuffled, "/api/pages?"+q.Encode(), admin, &l)
	assert.Equal(t, []int{4, 3, 2, 1}, idsOf(l))

	q = url.Values{"filter[id:gt]": {"10"}, "filter[book_id]": {"2"}, "sort": {"-id"}}
	get(t, s, "/api/pages?"+q.Encode(), admin, &l)
	assert.Equal(t, []int{12, 11}, idsOf(l))

	broken, _ := newServer(t, Options{OffsetTotal: true})
	get(t, broken, "/api/pages?count=5&offset=15", admin, &l)
	assert.Equal(t, len(l.Data), l.Total, "old releases count the page only")
}

func idsOf(l listing) []int {
	var out []int
	for _, d := range l.Data {
		out = append(out, d.ID)
	}
	return out
}

func TestPermissions(t *testing.T) {
	s, d := newServer(t, Options{})
	reader := "Token " + ReaderTokenID + ":" + ReaderTokenSecret
	var l listing
	get(t, s, "/api/pages?count=500", reader, &l)
	assert.Len(t, l.Data, len(d.LivePages())-2, "the restricted pages are hidden from the viewer role")
	last := d.Pages[len(d.Pages)-1]
	assert.Equal(t, []int{AdminRole, EditorRole, SecretRole}, d.PageViewRoles(last.ID))
	assert.Equal(t, http.StatusNotFound, get(t, s, "/api/pages/"+itoa(last.ID), reader, nil).StatusCode)
	assert.Equal(t, http.StatusForbidden, get(t, s, "/api/users", reader, nil).StatusCode)
	assert.Equal(t, http.StatusForbidden, get(t, s, "/api/audit-log", reader, nil).StatusCode)
	assert.Equal(t, http.StatusForbidden, get(t, s, "/api/content-permissions/page/1", reader, nil).StatusCode)

	var perms struct {
		RolePermissions []struct {
			RoleID int  `json:"role_id"`
			View   bool `json:"view"`
		} `json:"role_permissions"`
		Fallback struct {
			Inheriting bool  `json:"inheriting"`
			View       *bool `json:"view"`
		} `json:"fallback_permissions"`
	}
	get(t, s, "/api/content-permissions/page/"+itoa(last.ID), admin, &perms)
	assert.Len(t, perms.RolePermissions, 2)
	assert.False(t, perms.Fallback.Inheriting)
	get(t, s, "/api/content-permissions/page/1", admin, &perms)
	assert.Empty(t, perms.RolePermissions)
	assert.True(t, perms.Fallback.Inheriting)
	assert.Nil(t, perms.Fallback.View)

	var role struct {
		Permissions []string `json:"permissions"`
		Users       []struct {
			ID int `json:"id"`
		} `json:"users"`
	}
	get(t, s, "/api/roles/"+itoa(EditorRole), admin, &role)
	assert.Contains(t, role.Permissions, PermPageViewAll)
	assert.Len(t, role.Users, 1)
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestAuditLogAndLinks(t *testing.T) {
	s, d := newServer(t, Options{})
	s.Update(func(d *Data) { d.DeletePage(3, AdminUser, Epoch.Add(48*time.Hour)) })
	var l struct {
		Data []struct {
			Type       string `json:"type"`
			LoggableID int    `json:"loggable_id"`
			CreatedAt  string `json:"created_at"`
		} `json:"data"`
	}
	get(t, s, "/api/audit-log?filter[type]=page_delete", admin, &l)
	require.Len(t, l.Data, 1)
	assert.Equal(t, 3, l.Data[0].LoggableID)
	assert.Equal(t, http.StatusNotFound, get(t, s, "/api/pages/3", admin, nil).StatusCode)

	resp := get(t, s, "/link/1", "", nil)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "http://wiki.test/books/"+d.Book(1).Slug+"/page/"+d.Page(1).Slug, resp.Header.Get("Location"))
}

func TestRateLimit(t *testing.T) {
	clock := emulator.NewManualClock(Epoch)
	s, _ := newServer(t, Options{RateLimit: true, RequestsPerMinute: 3, Clock: clock})
	for i := range 3 {
		resp := get(t, s, "/api/books", admin, nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "3", resp.Header.Get("X-RateLimit-Limit"))
		assert.Equal(t, itoa(2-i), resp.Header.Get("X-RateLimit-Remaining"))
	}
	clock.Advance(20 * time.Second)
	resp := get(t, s, "/api/books", admin, nil)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "40", resp.Header.Get("Retry-After"))
	assert.Equal(t, itoa(int(Epoch.Add(time.Minute).Unix())), resp.Header.Get("X-RateLimit-Reset"))
	clock.Advance(40 * time.Second)
	assert.Equal(t, http.StatusOK, get(t, s, "/api/books", admin, nil).StatusCode)
}
