package mediawikiemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

func get(t *testing.T, s *Server, q url.Values) map[string]any {
	t.Helper()
	q.Set("format", "json")
	q.Set("formatversion", "2")
	resp, err := s.Client().Get("https://wiki.test" + APIPath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

// TestContinueProtocol: the allpages listing continues by title, and prop
// continuation repeats the generator's batch with the same gapcontinue.
func TestContinueProtocol(t *testing.T) {
	s := New(Generate(GenerateOptions{Pages: 7, Categories: 4, Seed: 3}), Options{MaxCategories: 1})
	defer s.Close()
	seen := 0
	cont := map[string]any{}
	for range 20 {
		q := url.Values{"action": {"query"}, "list": {"allpages"}, "aplimit": {"3"}}
		for k, v := range cont {
			q.Set(k, v.(string))
		}
		m := get(t, s, q)
		seen += len(m["query"].(map[string]any)["allpages"].([]any))
		c, ok := m["continue"].(map[string]any)
		if !ok {
			break
		}
		cont = c
	}
	if seen != 7 {
		t.Errorf("listed %d pages, want 7", seen)
	}
	q := url.Values{"action": {"query"}, "generator": {"allpages"}, "gaplimit": {"3"}, "prop": {"categories"}, "cllimit": {"max"}}
	m := get(t, s, q)
	c, _ := m["continue"].(map[string]any)
	if m["batchcomplete"] == true || c["clcontinue"] == nil || c["gapcontinue"] != nil {
		t.Errorf("first answer of a batch: %v", m)
	}
}

func TestMaxLagAnswer(t *testing.T) {
	s := New(Generate(GenerateOptions{Pages: 1}), Options{})
	defer s.Close()
	s.LagNext(1)
	resp, err := s.Client().Get("https://wiki.test" + APIPath + "?action=query&meta=siteinfo&format=json&maxlag=5")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Retry-After") != "5" || resp.Header.Get("MediaWiki-API-Error") != "maxlag" {
		t.Errorf("maxlag answer: %d %v", resp.StatusCode, resp.Header)
	}
}
