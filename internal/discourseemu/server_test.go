package discourseemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

func get(t *testing.T, s *Server, user, path string, v any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://forum.test"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Api-Key", "k")
	req.Header.Set("Api-Username", user)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// TestGroupsAndMembers: /groups.json pages 36 groups at a time and names
// the next page while there is one; members.json pages by offset and
// limit, capped at 1000, with the total in meta and the owners apart.
func TestGroupsAndMembers(t *testing.T) {
	d := Generate(1, 1)
	big := &Group{ID: 99, Name: "big"}
	for i := range 1200 {
		big.Members = append(big.Members, fmt.Sprintf("m%04d", i))
	}
	d.Groups = append(d.Groups, big)
	for i := range GroupsPerPage {
		d.Groups = append(d.Groups, &Group{ID: 100 + i, Name: fmt.Sprintf("g%02d", i)})
	}
	s := New(d)
	s.AddKey("k")
	defer s.Close()
	var page struct {
		Groups []struct {
			Name string `json:"name"`
		} `json:"groups"`
		Total    int    `json:"total_rows_groups"`
		LoadMore string `json:"load_more_groups"`
	}
	get(t, s, "user1", "/groups.json?page=0", &page)
	if len(page.Groups) != GroupsPerPage || page.LoadMore != "/groups?page=1" || page.Total != len(d.Groups) {
		t.Errorf("first page: %d groups, more %q, total %d", len(page.Groups), page.LoadMore, page.Total)
	}
	page.LoadMore = ""
	get(t, s, "user1", "/groups.json?page=1", &page)
	if len(page.Groups) != len(d.Groups)-GroupsPerPage || page.LoadMore != "" {
		t.Errorf("last page: %d groups, more %q", len(page.Groups), page.LoadMore)
	}
	var ms struct {
		Members []struct {
			Username string `json:"username"`
		} `json:"members"`
		Owners []struct {
			Username string `json:"username"`
		} `json:"owners"`
		Meta struct{ Total, Limit, Offset int } `json:"meta"`
	}
	get(t, s, "user1", "/groups/big/members.json?offset=0&limit=5000", &ms)
	if len(ms.Members) != MembersLimit || ms.Meta.Total != 1200 || ms.Meta.Limit != MembersLimit {
		t.Errorf("first members page: %d, meta %+v", len(ms.Members), ms.Meta)
	}
	get(t, s, "user1", "/groups/big/members.json?offset=1000&limit=1000", &ms)
	if len(ms.Members) != 200 || ms.Members[0].Username != "m1000" {
		t.Errorf("second members page: %d from %v", len(ms.Members), ms.Members[:1])
	}
	get(t, s, "user1", "/groups/support-team/members.json", &ms)
	if len(ms.Members) != 2 || len(ms.Owners) != 1 || ms.Owners[0].Username != "user2" {
		t.Errorf("support-team: %+v", ms)
	}
	if status := get(t, s, "user1", "/groups/nope/members.json", nil); status != http.StatusNotFound {
		t.Errorf("unknown group: %d", status)
	}
}

// TestAdminUsersList: an admin reads the users, 100 a page from page 1,
// with addresses under show_emails=true; anyone else gets 404, as
// Discourse answers admin routes.
func TestAdminUsersList(t *testing.T) {
	d := Generate(1, 1)
	for i := range 150 {
		d.Users = append(d.Users, &User{ID: 100 + i, Username: fmt.Sprintf("u%03d", i), Email: fmt.Sprintf("u%03d@x.test", i)})
	}
	s := New(d)
	s.AddKey("k")
	defer s.Close()
	var users []struct {
		Username string `json:"username"`
		Email    string `json:"email"`
	}
	get(t, s, "system", "/admin/users/list/active.json?show_emails=true&page=1", &users)
	if len(users) != UsersPerPage || users[1].Email == "" {
		t.Errorf("first page: %d users, %+v", len(users), users[:2])
	}
	users = nil
	get(t, s, "system", "/admin/users/list/active.json?page=2", &users)
	if len(users) != len(d.Users)-UsersPerPage || users[0].Email != "" {
		t.Errorf("second page without show_emails: %d users, %+v", len(users), users[:1])
	}
	if status := get(t, s, "user1", "/admin/users/list/active.json?show_emails=true&page=1", nil); status != http.StatusNotFound {
		t.Errorf("a member on an admin route: %d", status)
	}
}
