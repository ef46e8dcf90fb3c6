package graphemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// teamsClient signs an app with the roles in and returns a client.
func teamsClient(t *testing.T, s *Server, d *Data, roles ...string) *client {
	t.Helper()
	s.AddApp("teams-app", "secret", roles...)
	c := newClient(t, s)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"teams-app"}, "client_secret": {"secret"}, "scope": {GraphScope}}
	st, m, _ := c.do("POST", "https://login.microsoftonline.com/"+d.TenantID+"/oauth2/v2.0/token", form)
	if st != http.StatusOK {
		t.Fatalf("token: %d %v", st, m)
	}
	c.token = m["access_token"].(string)
	return c
}

const root = "https://graph.microsoft.com/v1.0"

func values(m map[string]any) []map[string]any {
	var out []map[string]any
	for _, v := range m["value"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

func TestTeamsAndChannels(t *testing.T) {
	d := GenerateTeams(TeamsOptions{Teams: 2, Channels: 3, Threads: 2, Replies: 2, Seed: 3})
	s := New(d, Options{PageSize: 1})
	defer s.Close()
	c := teamsClient(t, s, d, ChannelReadBasicAll)
	if st, m, _ := c.do("GET", root+"/teams", nil); st != http.StatusForbidden || !strings.Contains(m["error"].(map[string]any)["message"].(string), TeamReadBasicAll) {
		t.Fatalf("teams without Team.ReadBasic.All: %d %v", st, m)
	}
	c = teamsClient(t, s, d, TeamReadBasicAll, ChannelReadBasicAll)
	st, m, _ := c.do("GET", root+"/teams?$top=5", nil)
	if st != http.StatusOK || len(values(m)) != 1 || m["@odata.nextLink"] == nil {
		t.Fatalf("teams page: %d %v", st, m)
	}
	_, m, _ = c.do("GET", m["@odata.nextLink"].(string), nil)
	if len(values(m)) != 1 || m["@odata.nextLink"] != nil {
		t.Fatalf("second teams page: %v", m)
	}
	team := d.Teams[0]
	_, m, _ = c.do("GET", root+"/teams/"+team.ID+"/channels", nil)
	kinds := map[string]int{}
	for _, ch := range values(m) {
		kinds[ch["membershipType"].(string)]++
	}
	if len(values(m)) != 4 || kinds["private"] != 1 || kinds["shared"] != 1 || kinds["standard"] != 2 {
		t.Fatalf("channels: %v", kinds)
	}
	// The second team sees the first's shared channel in allChannels only.
	other := d.Teams[1]
	_, own, _ := c.do("GET", root+"/teams/"+other.ID+"/channels", nil)
	_, all, _ := c.do("GET", root+"/teams/"+other.ID+"/allChannels", nil)
	if len(values(all)) != len(values(own))+1 {
		t.Fatalf("allChannels %d, channels %d", len(values(all)), len(values(own)))
	}
	private := team.Channels[1]
	if st, _, _ := c.do("GET", root+"/teams/"+team.ID+"/channels/"+private.ID+"/members", nil); st != http.StatusForbidden {
		t.Fatalf("members without ChannelMember.Read.All: %d", st)
	}
	c = teamsClient(t, s, d, ChannelMemberReadAll)
	st, m, _ = c.do("GET", root+"/teams/"+team.ID+"/channels/"+private.ID+"/members?$top=10", nil)
	if st != http.StatusOK || len(values(m)) != 1 || values(m)[0]["email"] == "" || m["@odata.nextLink"] == nil {
		t.Fatalf("members: %d %v", st, m)
	}
}

func TestMessageDelta(t *testing.T) {
	d := GenerateTeams(TeamsOptions{Threads: 7, Replies: 3, Seed: 5})
	s := New(d, Options{})
	defer s.Close()
	c := teamsClient(t, s, d, ChannelMessageReadAll)
	team, ch := d.Teams[0], d.Teams[0].Channels[0]
	base := root + "/teams/" + team.ID + "/channels/" + ch.ID + "/messages"
	if st, _, _ := c.do("GET", base+"/delta?$top=51", nil); st != http.StatusBadRequest {
		t.Fatalf("$top over 50: %d", st)
	}
	read := func(link string) (ids []string, delta string) {
		for pages := 0; link != ""; pages++ {
			st, m, _ := c.do("GET", link, nil)
			if st != http.StatusOK || pages > 20 {
				t.Fatalf("delta: %d %v", st, m)
			}
			for _, v := range values(m) {
				if v["replyToId"] != nil {
					t.Fatalf("a reply in the delta: %v", v)
				}
				ids = append(ids, v["id"].(string))
			}
			link, _ = m["@odata.nextLink"].(string)
			delta, _ = m["@odata.deltaLink"].(string)
		}
		return ids, delta
	}
	ids, delta := read(base + "/delta?$top=3")
	if len(ids) != 7 || delta == "" {
		t.Fatalf("first round: %v %q", ids, delta)
	}
	if again, _ := read(delta); len(again) != 0 {
		t.Fatalf("nothing changed, yet %v", again)
	}
	// A reply is no change of its root; an edit and a deletion are.
	d.Reply(team.ID, ch.ID, ch.Messages[0].ID, &Message{From: d.Users[0].ID, HTML: "<p>late</p>"})
	d.EditMessage(team.ID, ch.ID, ch.Messages[1].ID, "", "<p>edited</p>")
	d.DeleteMessage(team.ID, ch.ID, ch.Messages[2].ID, "")
	changed, delta2 := read(delta)
	if strings.Join(changed, ",") != ch.Messages[1].ID+","+ch.Messages[2].ID {
		t.Fatalf("changes: %v", changed)
	}
	_, m, _ := c.do("GET", base+"/"+ch.Messages[2].ID, nil)
	if m["deletedDateTime"] == nil || m["body"].(map[string]any)["content"] != "" {
		t.Fatalf("deleted message: %v", m)
	}
	// A first round filtered by lastModifiedDateTime.
	after := ch.Messages[4].Modified.Format("2006-01-02T15:04:05Z")
	filtered, _ := read(base + "/delta?$filter=" + url.QueryEscape("lastModifiedDateTime gt "+after))
	for _, id := range filtered {
		if ch.Message(id).Modified.Format("2006-01-02T15:04:05Z") <= after {
			t.Fatalf("%s is not after %s", id, after)
		}
	}
	d.ExpireMessageDeltaTokens(team.ID, ch.ID)
	if st, _, _ := c.do("GET", delta2, nil); st != http.StatusGone {
		t.Fatalf("expired token: %d", st)
	}
	ch.NoDelta = true
	if st, _, _ := c.do("GET", base+"/delta", nil); st != http.StatusBadRequest {
		t.Fatalf("untracked channel: %d", st)
	}
}

func TestRepliesAndBatch(t *testing.T) {
	d := GenerateTeams(TeamsOptions{Threads: 3, Seed: 2})
	team, ch := d.Teams[0], d.Teams[0].Channels[0]
	for i := range 3 {
		d.Reply(team.ID, ch.ID, ch.Messages[0].ID, &Message{From: d.Users[0].ID, Created: ch.Messages[0].Created.Add(timeHours(i + 1)), HTML: "<p>r</p>"})
	}
	s := New(d, Options{PageSize: 2})
	defer s.Close()
	c := teamsClient(t, s, d, ChannelMessageReadAll)
	base := root + "/teams/" + team.ID + "/channels/" + ch.ID + "/messages/" + ch.Messages[0].ID + "/replies"
	_, m, _ := c.do("GET", base, nil)
	got := values(m)
	if len(got) != 2 || got[0]["createdDateTime"].(string) < got[1]["createdDateTime"].(string) || m["@odata.nextLink"] == nil {
		t.Fatalf("replies are listed newest first, two a page: %v", m)
	}
	s.FailNextCode("GET /v1.0/teams/{team}/channels/{channel}/messages/{message}/replies", 1, Throttled)
	body := `{"requests":[{"id":"1","method":"GET","url":"/teams/` + team.ID + `/channels/` + ch.ID + `/messages/` + ch.Messages[0].ID + `/replies"},` +
		`{"id":"2","method":"GET","url":"/teams/` + team.ID + `/channels/` + ch.ID + `/messages/` + ch.Messages[1].ID + `/replies"}]}`
	req, _ := http.NewRequest("POST", root+"/$batch", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans struct {
		Responses []struct {
			ID      string            `json:"id"`
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
		} `json:"responses"`
	}
	if err := decodeJSON(resp, &ans); err != nil || len(ans.Responses) != 2 {
		t.Fatalf("batch: %v %+v", err, ans)
	}
	if r := ans.Responses[0]; r.Status != http.StatusTooManyRequests || r.Headers["Retry-After"] == "" {
		t.Fatalf("throttled request in a batch: %+v", r)
	}
	if ans.Responses[1].Status != http.StatusOK {
		t.Fatalf("second request: %+v", ans.Responses[1])
	}
}

func timeHours(n int) time.Duration { return time.Duration(n) * time.Hour }

func decodeJSON(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
