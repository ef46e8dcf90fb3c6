package zulipemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"
)

var start = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

type answer struct {
	Result      string `json:"result"`
	Code        string `json:"code"`
	Msg         string `json:"msg"`
	RetryAfter  int    `json:"retry-after"`
	FoundAnchor bool   `json:"found_anchor"`
	FoundOldest bool   `json:"found_oldest"`
	FoundNewest bool   `json:"found_newest"`
	Messages    []struct {
		ID          int64  `json:"id"`
		Subject     string `json:"subject"`
		StreamID    int64  `json:"stream_id"`
		LastMoved   int64  `json:"last_moved_timestamp"`
		EditHistory []struct {
			PrevTopic string `json:"prev_topic"`
			Topic     string `json:"topic"`
		} `json:"edit_history"`
	} `json:"messages"`
}

func (a answer) ids() []int64 {
	var out []int64
	for _, m := range a.Messages {
		out = append(out, m.ID)
	}
	return out
}

func get(t *testing.T, s *Server, email, key, path string, q url.Values) (*http.Response, answer) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://zulip.test/api/v1"+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(email, key)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp, a
}

func messages(anchor string, before, after int, include bool, narrow string) url.Values {
	q := url.Values{"anchor": {anchor}, "num_before": {strconv.Itoa(before)}, "num_after": {strconv.Itoa(after)}, "narrow": {narrow}}
	if !include {
		q.Set("include_anchor", "false")
	}
	return q
}

// TestMessagesNarrowsAndAnchors: a channel narrow keeps one stream's
// messages, a topic narrow one topic's (without case); anchors count
// before and after, include_anchor=false leaves the anchor out, and
// found_oldest and found_newest say whether the ends were reached.
func TestMessagesNarrowsAndAnchors(t *testing.T) {
	d := Generate(GenerateOptions{Users: 2, Streams: 2, Topics: 2, Messages: 3, Start: start})
	s := New(d, Options{})
	defer s.Close()
	var stream10 []int64
	for _, m := range d.Messages {
		if m.StreamID == 10 {
			stream10 = append(stream10, m.ID)
		}
	}
	channel := `[{"operator":"channel","operand":10}]`
	_, a := get(t, s, "user0@example.com", "key0", "/messages", messages("newest", 100, 0, true, channel))
	if !slices.Equal(a.ids(), stream10) || !a.FoundOldest || !a.FoundNewest {
		t.Fatalf("channel narrow: %v (oldest %v newest %v), want %v", a.ids(), a.FoundOldest, a.FoundNewest, stream10)
	}
	mid := stream10[2]
	_, a = get(t, s, "user0@example.com", "key0", "/messages", messages(strconv.FormatInt(mid, 10), 0, 2, false, channel))
	if !slices.Equal(a.ids(), stream10[3:5]) || !a.FoundAnchor || a.FoundNewest {
		t.Errorf("after the anchor: %v (found_anchor %v, found_newest %v), want %v", a.ids(), a.FoundAnchor, a.FoundNewest, stream10[3:5])
	}
	_, a = get(t, s, "user0@example.com", "key0", "/messages", messages(strconv.FormatInt(mid, 10), 1, 1, true, channel))
	if !slices.Equal(a.ids(), stream10[1:4]) {
		t.Errorf("around the anchor: %v, want %v", a.ids(), stream10[1:4])
	}
	_, a = get(t, s, "user0@example.com", "key0", "/messages", messages(strconv.FormatInt(stream10[len(stream10)-1], 10), 0, 10, false, channel))
	if len(a.ids()) != 0 || !a.FoundNewest {
		t.Errorf("after the newest: %v, found_newest %v", a.ids(), a.FoundNewest)
	}
	topic := `[{"operator":"channel","operand":10},{"operator":"topic","operand":"TOPIC 1"}]`
	_, a = get(t, s, "user0@example.com", "key0", "/messages", messages("newest", 100, 0, true, topic))
	if len(a.Messages) != 3 {
		t.Errorf("topic narrow: %d messages, want 3", len(a.Messages))
	}
	for _, m := range a.Messages {
		if m.Subject != "topic 1" || m.StreamID != 10 {
			t.Errorf("topic narrow gave %+v", m)
		}
	}
	resp, a := get(t, s, "user0@example.com", "key0", "/messages", messages("newest", 100, 0, true, `[{"operator":"near","operand":1}]`))
	if resp.StatusCode != http.StatusBadRequest || a.Code != "BAD_NARROW" {
		t.Errorf("unknown operator: %d %+v", resp.StatusCode, a)
	}
	resp, _ = get(t, s, "user0@example.com", "key0", "/messages", messages("newest", 5000, 1, true, channel))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("more than 5000 messages asked: %d", resp.StatusCode)
	}
}

// TestMovesAndDeletions: a moved message keeps its id and tells its move
// in last_moved_timestamp and edit_history; a deleted one is gone.
func TestMovesAndDeletions(t *testing.T) {
	d := Generate(GenerateOptions{Users: 2, Streams: 1, Topics: 2, Messages: 2, Start: start})
	s := New(d, Options{})
	defer s.Close()
	at := start.Add(time.Hour)
	s.Update(func(d *Data) { d.MoveMessages(10, "topic 0", 0, 10, "renamed", at, 100) })
	_, a := get(t, s, "user0@example.com", "key0", "/messages",
		messages("oldest", 0, 10, true, `[{"operator":"channel","operand":10},{"operator":"topic","operand":"renamed"}]`))
	if len(a.Messages) != 2 {
		t.Fatalf("%d moved messages", len(a.Messages))
	}
	for _, m := range a.Messages {
		if m.LastMoved != at.Unix() || len(m.EditHistory) != 1 || m.EditHistory[0].PrevTopic != "topic 0" || m.EditHistory[0].Topic != "renamed" {
			t.Errorf("moved message %+v", m)
		}
	}
	s.Update(func(d *Data) { d.Delete(a.Messages[0].ID) })
	_, b := get(t, s, "user0@example.com", "key0", "/messages",
		messages("oldest", 0, 10, true, `[{"operator":"channel","operand":10},{"operator":"topic","operand":"renamed"}]`))
	if !slices.Equal(b.ids(), a.ids()[1:]) {
		t.Errorf("after a deletion: %v", b.ids())
	}
}

// TestRateLimitHit: past the budget Zulip answers 429 with Retry-After,
// X-RateLimit-* headers and a RATE_LIMIT_HIT body; the budget comes back
// when the window passes.
func TestRateLimitHit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Generate(GenerateOptions{Users: 2, Streams: 1, Start: start}), Options{RequestsPerMinute: 2})
		defer s.Close()
		for range 2 {
			if resp, _ := get(t, s, "user0@example.com", "key0", "/users/me", nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("within the budget: %d", resp.StatusCode)
			}
		}
		resp, a := get(t, s, "user0@example.com", "key0", "/users/me", nil)
		if resp.StatusCode != http.StatusTooManyRequests || a.Code != "RATE_LIMIT_HIT" || a.Result != "error" {
			t.Fatalf("over the budget: %d %+v", resp.StatusCode, a)
		}
		secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || secs <= 0 || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
			t.Errorf("headers %v", resp.Header)
		}
		if resp, _ := get(t, s, "user1@example.com", "key1", "/users/me", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("another user's budget: %d", resp.StatusCode)
		}
		time.Sleep(time.Duration(secs) * time.Second)
		if resp, _ := get(t, s, "user0@example.com", "key0", "/users/me", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("after Retry-After: %d", resp.StatusCode)
		}
	})
}

// TestAuthAndRoles: a wrong key is 401 UNAUTHORIZED; a guest may not list
// user groups (400 UNAUTHORIZED_PRINCIPAL) nor see a private stream it is
// not subscribed to.
func TestAuthAndRoles(t *testing.T) {
	d := Generate(GenerateOptions{Users: 3, Streams: 3, PrivateEvery: 3, Seed: 1, Start: start})
	d.Users[1].Role = 600
	d.Streams[2].Subscribers = []int64{d.Users[0].ID}
	s := New(d, Options{})
	defer s.Close()
	if resp, a := get(t, s, "user0@example.com", "nope", "/users/me", nil); resp.StatusCode != http.StatusUnauthorized || a.Code != "UNAUTHORIZED" {
		t.Errorf("wrong key: %d %+v", resp.StatusCode, a)
	}
	if resp, a := get(t, s, "user1@example.com", "key1", "/user_groups", nil); resp.StatusCode != http.StatusBadRequest || a.Code != "UNAUTHORIZED_PRINCIPAL" {
		t.Errorf("guest user groups: %d %+v", resp.StatusCode, a)
	}
	if resp, _ := get(t, s, "user2@example.com", "key2", "/user_groups", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("member user groups: %d", resp.StatusCode)
	}
	if resp, a := get(t, s, "user1@example.com", "key1", "/streams/12/members", nil); resp.StatusCode != http.StatusBadRequest || a.Code != "BAD_REQUEST" {
		t.Errorf("guest, private stream: %d %+v", resp.StatusCode, a)
	}
}
