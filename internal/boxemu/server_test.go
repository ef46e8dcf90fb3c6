package boxemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, s *Server, tok, path string, h ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "https://api.box.com"+path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(h); i += 2 {
		req.Header.Set(h[i], h[i+1])
	}
	cl := &http.Client{Transport: s.Transport(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m == nil {
		m = map[string]any{"raw": string(b)}
	}
	return resp, m
}

func TestMarkerPagingFieldsAndOrder(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 3, FilesPerFolder: 2}), Options{})
	defer s.Close()
	s.AddToken("tok")
	var ids []string
	marker := ""
	for range 10 {
		_, m := get(t, s, "tok", "/2.0/folders/0/items?usemarker=true&limit=2&fields=id,type,name,sha1&marker="+url.QueryEscape(marker))
		for _, e := range m["entries"].([]any) {
			e := e.(map[string]any)
			if _, ok := e["modified_at"]; ok {
				t.Fatalf("fields= left modified_at in: %v", e)
			}
			ids = append(ids, e["id"].(string))
		}
		marker, _ = m["next_marker"].(string)
		if marker == "" {
			break
		}
	}
	if len(ids) != 3 {
		t.Fatalf("root lists %v", ids)
	}
	resp, m := get(t, s, "tok", "/2.0/folders/"+ids[0]+"/items?usemarker=true")
	es := m["entries"].([]any)
	if resp.StatusCode != 200 || len(es) != 2 || es[0].(map[string]any)["sha1"] == nil || es[0].(map[string]any)["path_collection"] == nil {
		t.Fatalf("folder items: %d %v", resp.StatusCode, m)
	}
	if resp, _ := get(t, s, "tok", "/2.0/folders/0/items"); resp.StatusCode != 400 {
		t.Errorf("offset paging: %d", resp.StatusCode)
	}
}

func TestContentRedirectsToTheDownloadHost(t *testing.T) {
	d := Generate(GenerateOptions{Folders: 1, FilesPerFolder: 1})
	s := New(d, Options{})
	defer s.Close()
	s.AddToken("tok")
	file := d.Items[len(d.Items)-1]
	resp, _ := get(t, s, "tok", "/2.0/files/"+file.ID+"/content")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "https://dl.boxcloud.com/d/1/") {
		t.Fatalf("content: %d %q", resp.StatusCode, loc)
	}
	u, _ := url.Parse(loc)
	resp, m := get(t, s, "", u.Path)
	if resp.StatusCode != 200 || m["raw"] != string(file.Content) {
		t.Fatalf("download: %d %v", resp.StatusCode, m)
	}
	s.NotReady(file.ID, 1)
	if resp, _ := get(t, s, "tok", "/2.0/files/"+file.ID+"/content"); resp.StatusCode != http.StatusAccepted || resp.Header.Get("Retry-After") == "" {
		t.Errorf("not ready: %d", resp.StatusCode)
	}
}

func TestTokensRotateAndClientCredentials(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 1}), Options{})
	defer s.Close()
	s.AddRefreshToken("r0", "app", "shh")
	s.AddApp("ccg", "pss")
	post := func(form url.Values) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, "https://api.box.com/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	code, m := post(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r0"}, "client_id": {"app"}, "client_secret": {"shh"}})
	if code != 200 || m["refresh_token"] == "r0" || m["access_token"] == nil {
		t.Fatalf("refresh: %d %v", code, m)
	}
	if code, _ := post(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"r0"}, "client_id": {"app"}, "client_secret": {"shh"}}); code != 400 {
		t.Errorf("a used refresh token still works: %d", code)
	}
	if resp, _ := get(t, s, m["access_token"].(string), "/2.0/users/me"); resp.StatusCode != 200 {
		t.Errorf("issued token: %d", resp.StatusCode)
	}
	code, m = post(url.Values{"grant_type": {"client_credentials"}, "client_id": {"ccg"}, "client_secret": {"pss"}, "box_subject_type": {"enterprise"}, "box_subject_id": {"5001"}})
	if code != 200 || m["access_token"] == nil {
		t.Fatalf("ccg: %d %v", code, m)
	}
	if code, _ := post(url.Values{"grant_type": {"client_credentials"}, "client_id": {"ccg"}, "client_secret": {"pss"}, "box_subject_type": {"user"}, "box_subject_id": {"999"}}); code != 400 {
		t.Errorf("ccg for an unknown user: %d", code)
	}
	resp, _ := get(t, s, "nope", "/2.0/users/me")
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("bad token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestScopesGroupsAndCollaborations(t *testing.T) {
	d := Generate(GenerateOptions{Folders: 2, FilesPerFolder: 1})
	s := New(d, Options{})
	defer s.Close()
	s.AddToken("read", ScopeRead)
	s.AddToken("all")
	if resp, m := get(t, s, "read", "/2.0/groups"); resp.StatusCode != 403 || m["code"] != "insufficient_scope" {
		t.Errorf("groups without manage_groups: %d %v", resp.StatusCode, m)
	}
	_, m := get(t, s, "all", "/2.0/groups?limit=1&offset=1")
	if m["total_count"] != float64(2) || len(m["entries"].([]any)) != 1 {
		t.Errorf("groups: %v", m)
	}
	_, m = get(t, s, "all", "/2.0/groups/2001/memberships")
	if len(m["entries"].([]any)) != 2 {
		t.Errorf("memberships: %v", m)
	}
	var shared string
	for _, it := range d.Items {
		if len(it.Collabs) == 3 {
			shared = it.ID
		}
	}
	_, m = get(t, s, "read", "/2.0/folders/"+shared+"/collaborations?limit=2")
	if len(m["entries"].([]any)) != 2 || m["next_marker"] == nil {
		t.Errorf("collaborations: %v", m)
	}
}

func TestEventsAfterChanges(t *testing.T) {
	d := Generate(GenerateOptions{Folders: 2, FilesPerFolder: 2})
	s := New(d, Options{DuplicateEvents: true, StringPositions: true})
	defer s.Close()
	s.AddToken("tok")
	_, m := get(t, s, "tok", "/2.0/events?stream_type=changes&stream_position=now")
	if m["next_stream_position"] != "0" || m["chunk_size"] != float64(0) {
		t.Fatalf("now: %v", m)
	}
	folder := d.Items[1]
	file := d.Items[2]
	s.Move(file.ID, d.Items[4].ID)
	s.Trash(folder.ID)
	_, m = get(t, s, "tok", "/2.0/events?stream_type=changes&stream_position=0&limit=500")
	es := m["entries"].([]any)
	if len(es) != 4 || es[0].(map[string]any)["event_type"] != "ITEM_MOVE" || es[2].(map[string]any)["event_type"] != "ITEM_TRASH" {
		t.Fatalf("events: %v", m)
	}
	if resp, m := get(t, s, "tok", "/2.0/folders/"+folder.ID); resp.StatusCode != 404 || m["code"] != "trashed" {
		t.Errorf("trashed folder: %d %v", resp.StatusCode, m)
	}
	_, m = get(t, s, "tok", "/2.0/folders/"+folder.ID+"/items?usemarker=true")
	if n := len(m["entries"].([]any)); n != 1 {
		t.Errorf("a trashed folder lists %d items", n)
	}
}

func TestRateLimit(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 1}), Options{RatePerMinute: 2, Clock: fixed{}})
	defer s.Close()
	s.AddToken("tok")
	var last *http.Response
	var m map[string]any
	for range 3 {
		last, m = get(t, s, "tok", "/2.0/users/me")
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" || m["code"] != "rate_limit_exceeded" {
		t.Errorf("third request: %d %v %v", last.StatusCode, last.Header, m)
	}
}

type fixed struct{}

func (fixed) Now() time.Time { return Base }

func TestSharedItemsTrashAndQuirks(t *testing.T) {
	d := Generate(GenerateOptions{Folders: 2, FilesPerFolder: 4})
	s := New(d, Options{ShortPages: 1})
	defer s.Close()
	s.AddToken("tok")
	file := d.Items[3]
	if resp, _ := get(t, s, "tok", "/2.0/shared_items", "BoxApi", "shared_link="+SharedLinkURL(file.ID)); resp.StatusCode != 404 {
		t.Errorf("a file without a shared link: %d", resp.StatusCode)
	}
	file.SharedLink = "open"
	_, m := get(t, s, "tok", "/2.0/shared_items?fields=id,type,name,shared_link", "BoxApi", "shared_link="+SharedLinkURL(file.ID))
	if m["id"] != file.ID || m["shared_link"].(map[string]any)["access"] != "open" {
		t.Errorf("shared item: %v", m)
	}
	// Short pages: one entry each, with a marker while more remain.
	_, m = get(t, s, "tok", "/2.0/folders/"+d.Items[1].ID+"/items?usemarker=true&limit=100")
	if len(m["entries"].([]any)) != 1 || m["next_marker"] == nil {
		t.Errorf("short page: %v", m)
	}
	s.RepeatMarkers(true)
	marker := m["next_marker"].(string)
	_, m = get(t, s, "tok", "/2.0/folders/"+d.Items[1].ID+"/items?usemarker=true&marker="+url.QueryEscape(marker))
	if m["next_marker"] != marker {
		t.Errorf("repeated marker: %v", m)
	}
	s.Trash(d.Items[1].ID)
	_, m = get(t, s, "tok", "/2.0/folders/trash/items?usemarker=true")
	if es := m["entries"].([]any); len(es) != 1 || es[0].(map[string]any)["id"] != d.Items[1].ID {
		t.Errorf("trash lists %v; want the trashed folder alone", m)
	}
	if resp, m := get(t, s, "tok", "/2.0/folders/"+d.Items[1].ID+"/trash"); resp.StatusCode != 200 || m["item_status"] != "trashed" {
		t.Errorf("trashed folder: %d %v", resp.StatusCode, m)
	}
	if resp, m := get(t, s, "tok", "/2.0/files/"+file.ID); resp.StatusCode != 404 || m["code"] != "trashed" {
		t.Errorf("a file in a trashed folder: %d %v", resp.StatusCode, m)
	}
}
