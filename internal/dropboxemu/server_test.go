package dropboxemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, s *Server, path, body string, h map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "https://api.dropboxapi.com"+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer tok")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	if m == nil {
		m = map[string]any{"raw": string(b)}
	}
	return resp, m
}

func TestListingCursorsAndChanges(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 2, FilesPerFolder: 3}), Options{})
	defer s.Close()
	s.AddToken("tok")
	var paths []string
	resp, m := post(t, s, "/2/files/list_folder", `{"path":"","recursive":true,"limit":4}`, nil)
	for resp.StatusCode == 200 {
		for _, e := range m["entries"].([]any) {
			paths = append(paths, e.(map[string]any)["path_lower"].(string))
		}
		if m["has_more"] != true {
			break
		}
		resp, m = post(t, s, "/2/files/list_folder/continue", `{"cursor":"`+m["cursor"].(string)+`"}`, nil)
	}
	if resp.StatusCode != 200 || len(paths) != 2*2+2*2*3+1 {
		t.Fatalf("status %d, %d entries: %v", resp.StatusCode, len(paths), paths)
	}
	for i := 1; i < len(paths); i++ {
		if paths[i-1] >= paths[i] {
			t.Fatalf("not parents first: %q before %q", paths[i-1], paths[i])
		}
	}
	cur := m["cursor"].(string)
	s.Delete(false, "/Folder 1")
	_, m = post(t, s, "/2/files/list_folder/continue", `{"cursor":"`+cur+`"}`, nil)
	es := m["entries"].([]any)
	if len(es) != 1 || es[0].(map[string]any)[".tag"] != "deleted" || es[0].(map[string]any)["path_lower"] != "/folder 1" {
		t.Fatalf("changes: %v", m)
	}
	s.ResetCursors()
	resp, m = post(t, s, "/2/files/list_folder/continue", `{"cursor":"`+cur+`"}`, nil)
	if resp.StatusCode != 409 || !strings.HasPrefix(m["error_summary"].(string), "reset/") {
		t.Fatalf("after reset: %d %v", resp.StatusCode, m)
	}
}

func TestErrorsAndContent(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 1, FilesPerFolder: 3, Team: true}), Options{})
	defer s.Close()
	s.AddToken("tok")
	if resp, _ := post(t, s, "/2/files/list_folder", `{"path":"/nowhere","recursive":true}`, nil); resp.StatusCode != 409 {
		t.Errorf("missing folder: %d", resp.StatusCode)
	}
	if resp, _ := post(t, s, "/2/files/download", "", map[string]string{"Dropbox-API-Arg": `{"path":"/Folder 0/note 0.txt"}`}); resp.StatusCode != 200 ||
		!strings.Contains(resp.Header.Get("Dropbox-API-Result"), `"content_hash"`) {
		t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, m := post(t, s, "/2/files/download", "", map[string]string{"Dropbox-API-Arg": `{"path":"/Folder 0/Roadmap.paper"}`}); resp.StatusCode != 409 {
		t.Errorf("paper download: %d %v", resp.StatusCode, m)
	}
	if resp, _ := post(t, s, "/2/files/export", "", map[string]string{"Dropbox-API-Arg": `{"path":"/Folder 0/Roadmap.paper","export_format":"markdown"}`}); resp.StatusCode != 200 {
		t.Errorf("export: %d", resp.StatusCode)
	}
	_, m := post(t, s, "/2/files/list_folder", `{"path":"","recursive":true}`, map[string]string{"Dropbox-API-Path-Root": `{".tag":"root","root":"2002"}`})
	if es, _ := m["entries"].([]any); len(es) != 4 {
		t.Errorf("team space: %v", m)
	}
	if resp, _ := post(t, s, "/2/files/list_folder", `{"path":"","recursive":true}`, map[string]string{"Dropbox-API-Path-Root": `{".tag":"root","root":"9"}`}); resp.StatusCode != 422 {
		t.Errorf("bad root: %d", resp.StatusCode)
	}
	s.ExpireToken("tok")
	if resp, m := post(t, s, "/2/users/get_current_account", "null", nil); resp.StatusCode != 401 || !strings.HasPrefix(m["error_summary"].(string), "expired_access_token") {
		t.Errorf("expired: %d %v", resp.StatusCode, m)
	}
	s.AddRefreshToken("rt", "app", "sec")
	req, _ := http.NewRequest(http.MethodPost, "https://api.dropboxapi.com/oauth2/token", bytes.NewBufferString("grant_type=refresh_token&refresh_token=rt&client_id=app&client_secret=sec"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client().Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestContentHash(t *testing.T) {
	// Dropbox's published example value for the empty file.
	if got := ContentHash(nil); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty: %s", got)
	}
}

// A deleted folder is one deleted entry in the changes; listing its path
// with include_deleted reports what it held as deleted, a deleted file's
// path answers not_folder and without include_deleted it is not_found.
func TestDeletedFolderListing(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 2, FilesPerFolder: 2}), Options{})
	defer s.Close()
	s.AddToken("tok")
	s.Delete(false, "/Folder 1")
	resp, m := post(t, s, "/2/files/list_folder", `{"path":"/Folder 1","recursive":true,"include_deleted":true}`, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	var got []string
	for _, e := range m["entries"].([]any) {
		e := e.(map[string]any)
		if e[".tag"] != "deleted" {
			t.Errorf("live entry %v", e)
		}
		got = append(got, e["path_lower"].(string))
	}
	if len(got) != 5 || got[0] != "/folder 1/note 0.txt" {
		t.Errorf("entries %v", got)
	}
	if resp, m := post(t, s, "/2/files/list_folder", `{"path":"/Folder 1","recursive":true}`, nil); resp.StatusCode != 409 || !strings.HasPrefix(m["error_summary"].(string), "path/not_found/") {
		t.Errorf("without include_deleted: %d %v", resp.StatusCode, m)
	}
	if resp, m := post(t, s, "/2/files/list_folder", `{"path":"/Folder 1/note 0.txt","recursive":true,"include_deleted":true}`, nil); resp.StatusCode != 409 || !strings.HasPrefix(m["error_summary"].(string), "path/not_folder/") {
		t.Errorf("a deleted file: %d %v", resp.StatusCode, m)
	}
	s.Put(&Entry{Path: "/Folder 1", Folder: true})
	if _, m := post(t, s, "/2/files/list_folder", `{"path":"/Folder 1","recursive":true,"include_deleted":true}`, nil); len(m["entries"].([]any)) != 5 {
		t.Errorf("re-created folder: %v", m)
	}
}

// A team token calls user endpoints only with a member selected, and
// team endpoints only with a team token.
func TestTeamTokens(t *testing.T) {
	s := New(Generate(GenerateOptions{Folders: 1, FilesPerFolder: 1, Team: true}), Options{})
	defer s.Close()
	s.AddTeamToken("tok")
	if resp, m := post(t, s, "/2/users/get_current_account", "null", nil); resp.StatusCode != 400 || !strings.Contains(m["raw"].(string), "Dropbox-API-Select-User") {
		t.Errorf("no member selected: %d %v", resp.StatusCode, m)
	}
	resp, m := post(t, s, "/2/users/get_current_account", "null", map[string]string{"Dropbox-API-Select-User": "dbmid:AABo00000000000002"})
	if resp.StatusCode != 200 || m["email"] != "bo@acme.test" {
		t.Errorf("member selected: %d %v", resp.StatusCode, m)
	}
	if resp, _ := post(t, s, "/2/users/get_current_account", "null", map[string]string{"Dropbox-API-Select-Admin": "dbmid:AABo00000000000002"}); resp.StatusCode != 400 {
		t.Errorf("a member who is no admin selected as admin: %d", resp.StatusCode)
	}
	resp, m = post(t, s, "/2/team/groups/list", `{"limit":1}`, nil)
	if resp.StatusCode != 200 || m["has_more"] != true || len(m["groups"].([]any)) != 1 {
		t.Fatalf("groups: %d %v", resp.StatusCode, m)
	}
	resp, m = post(t, s, "/2/team/groups/list/continue", `{"cursor":"`+m["cursor"].(string)+`"}`, nil)
	if resp.StatusCode != 200 || m["has_more"] != false || m["groups"].([]any)[0].(map[string]any)["group_id"] != "g:everyone" {
		t.Errorf("groups continued: %d %v", resp.StatusCode, m)
	}
	resp, m = post(t, s, "/2/team/groups/members/list", `{"group":{".tag":"group_id","group_id":"g:everyone"},"limit":2}`, nil)
	if resp.StatusCode != 200 || m["has_more"] != true || len(m["members"].([]any)) != 2 {
		t.Errorf("group members: %d %v", resp.StatusCode, m)
	}
	if resp, _ := post(t, s, "/2/team/groups/members/list", `{"group":{".tag":"group_id","group_id":"g:none"}}`, nil); resp.StatusCode != 409 {
		t.Errorf("unknown group: %d", resp.StatusCode)
	}
	s.AddToken("user")
	req := map[string]string{"Authorization": "Bearer user"}
	if resp, _ := post(t, s, "/2/team/groups/list", `{}`, req); resp.StatusCode != 400 {
		t.Errorf("a user token on a team endpoint: %d", resp.StatusCode)
	}
}
