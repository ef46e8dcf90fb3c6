package mediawiki

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

func loadIDs(t *testing.T, c *Connector) (connectortest.Collected, error) {
	t.Helper()
	got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
	return got, got.Err
}

// TestMaxLagWaits: a maxlag answer (200 with Retry-After) is waited out
// and the request sent again with maxlag, as the Wikipedia preset sends.
func TestMaxLagWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 5, Seed: 1}, mediawikiemu.Options{})
		s := f.settings()
		s.BaseURL, s.UserAgent = testAPI, "TributaryTest/1.0 (ops@example.org)"
		c, err := newConnector(SourceWikipedia, s, Credentials{}, f.env(), fast)
		if err != nil {
			t.Fatal(err)
		}
		f.emu.LagNext(3)
		start := time.Now()
		got, err := loadIDs(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.IDs()) != 5 {
			t.Errorf("got %d documents, want 5", len(got.IDs()))
		}
		if waited := time.Since(start); waited < 15*time.Second {
			t.Errorf("waited %v, want three Retry-After waits of 5s", waited)
		}
		for _, r := range f.emu.Requests() {
			if !strings.Contains(r.Query, "maxlag=5") || r.Header.Get("User-Agent") != s.UserAgent {
				t.Fatalf("request without maxlag or User-Agent: %s %v", r.Query, r.Header.Get("User-Agent"))
			}
		}
		f.emu.LagNext(100)
		if _, err := loadIDs(t, c); !errors.Is(err, tributary.ErrRateLimited) {
			t.Errorf("endless lag: %v, want ErrRateLimited", err)
		}
	})
}

func TestRateLimitedWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 3, Seed: 2}, mediawikiemu.Options{RetryAfter: 2})
		c := f.connector(t, f.settings(), Credentials{})
		f.emu.RateLimitNext(2)
		got, err := loadIDs(t, c)
		if err != nil || len(got.IDs()) != 3 {
			t.Fatalf("got %d, %v", len(got.IDs()), err)
		}
	})
}

// TestPropContinuation: with one category per answer, every batch comes
// back in many answers; the pages are yielded once with all categories.
func TestPropContinuation(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 6, Categories: 4, Seed: 3}, mediawikiemu.Options{MaxCategories: 1})
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s, Credentials{})
	got, err := loadIDs(t, c)
	if err != nil {
		t.Fatal(err)
	}
	want := expectedIDs(f.data, []int{0}, time.Time{}, time.Time{})
	if len(got.Documents) != len(want) {
		t.Fatalf("got %d documents, want %d", len(got.Documents), len(want))
	}
	cats := 0
	for _, p := range f.data.Pages {
		if p.NS == 0 && !p.Redirect {
			cats += len(p.Categories)
		}
	}
	n := 0
	for _, d := range got.Documents {
		n += len(d.Metadata["category"])
	}
	if n != cats {
		t.Errorf("got %d categories, want %d", n, cats)
	}
	if f.emu.Count("*") == 0 || !strings.Contains(strings.Join(queries(f.emu), " "), "clcontinue=") {
		t.Error("no prop continuation happened")
	}
}

func queries(e *mediawikiemu.Server) []string {
	var out []string
	for _, r := range e.Requests() {
		out = append(out, r.Query)
	}
	return out
}

// TestPrivateWikiNeedsLogin: anonymous reads of a private wiki fail with
// ErrInsufficientPermissions; a wrong bot password with
// ErrCredentialExpired; a lost session is renewed.
func TestPrivateWikiNeedsLogin(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 3, Seed: 4}, mediawikiemu.Options{Private: true})
	if err := f.connector(t, f.settings(), Credentials{}).Validate(context.Background()); !errors.Is(err, tributary.ErrInsufficientPermissions) {
		t.Errorf("anonymous: %v", err)
	}
	bad := f.credentials()
	bad.Password = tributary.NewSecret("nope")
	err := f.connector(t, f.settings(), bad).Validate(context.Background())
	if !errors.Is(err, tributary.ErrCredentialExpired) || strings.Contains(err.Error(), "nope") {
		t.Errorf("bad password: %v", err)
	}
	c := f.connector(t, f.settings(), f.credentials())
	if err := c.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.emu.EndSessions()
	if got, err := loadIDs(t, c); err != nil || len(got.IDs()) != 3 {
		t.Errorf("after the session ended: %d, %v", len(got.IDs()), err)
	}
}

// TestWikipediaPreset: the preset needs a contact User-Agent and a
// language, and builds the wiki's URL.
func TestWikipediaPreset(t *testing.T) {
	_, err := NewWikipedia(Settings{Language: "de", UserAgent: "bot"}, Credentials{}, tributary.Env{})
	if !errors.Is(err, tributary.ErrInvalidConfig) || !strings.Contains(err.Error(), "user_agent") {
		t.Errorf("no contact: %v", err)
	}
	c, err := NewWikipedia(Settings{Language: "de", UserAgent: "Bot/1 (https://example.org/bot)"}, Credentials{}, tributary.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if c.settings.BaseURL != "https://de.wikipedia.org/w/api.php" || c.settings.MaxLag != 5 || c.Source() != SourceWikipedia {
		t.Errorf("preset: %+v", c.settings)
	}
	if _, err := New(Settings{BaseURL: "https://wiki.example.org/index.php?x=1"}, Credentials{Username: "a"}, tributary.Env{}); !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Errorf("bad settings: %v", err)
	}
}

func TestWikitextSections(t *testing.T) {
	wt := "{{Infobox|a={{b}}}}\n'''River''' is a [[Topic|subject]].<ref>x</ref>\n== History ==\nSee [https://e.org the map] and [[Nile]].\n" +
		"[[File:M.png|thumb|x]]\n{| \n! A !! B\n|}\n[[Category:C]]\n{{unclosed"
	got := wikitextSections(wt)
	if len(got) != 2 || got[0].Text != "River is a subject." || got[1].Heading != "History" || got[1].Anchor != "History" ||
		got[1].Text != "See the map and Nile.\n\nA\tB" {
		t.Errorf("got %#v", got)
	}
}

// TestParsedHTML: content "html" reads action=parse and splits the
// rendered page at headings, linked to their anchors.
func TestParsedHTML(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 3, Seed: 7}, mediawikiemu.Options{})
	s := f.settings()
	s.Content = ContentHTML
	c := f.connector(t, s, Credentials{})
	got, err := loadIDs(t, c)
	if err != nil || len(got.Documents) != 3 {
		t.Fatalf("%d documents, %v", len(got.Documents), err)
	}
	d := got.Documents[0]
	var headed bool
	for _, sec := range d.Sections {
		if sec.Heading == "Part 1" && sec.Link == d.ID+"#Part_1" && strings.Contains(sec.Text, "near the map") {
			headed = true
		}
		if strings.Contains(sec.Text, "edit]") || strings.Contains(sec.Text, "{{") {
			t.Errorf("chrome or markup in the text: %q", sec.Text)
		}
	}
	if !headed {
		t.Errorf("no Part 1 section: %+v", d.Sections)
	}
	if n := f.emu.Count("GET " + mediawikiemu.APIPath); n == 0 {
		t.Log("no requests counted")
	}
}

// TestLoginAfterBrokenPost: a login whose POST is answered with a server
// error starts again with a new token.
func TestLoginAfterBrokenPost(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 2, Seed: 8}, mediawikiemu.Options{Private: true})
	f.emu.FailNext("POST "+mediawikiemu.APIPath, 2, mediawikiemu.BadGateway)
	c := f.connector(t, f.settings(), f.credentials())
	if err := c.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// answerFunc serves canned answers for a wiki that misbehaves.
type answerFunc func(r *http.Request) string

func (f answerFunc) RoundTrip(r *http.Request) (*http.Response, error) {
	body := f(r)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// TestRepeatedContinue: a listing whose continue token comes back the
// same ends with ErrMalformedResponse rather than looping.
func TestRepeatedContinue(t *testing.T) {
	rt := answerFunc(func(r *http.Request) string {
		if r.URL.Query().Get("meta") == "siteinfo" {
			return `{"batchcomplete":true,"query":{"general":{"server":"https://wiki.test","articlepath":"/wiki/$1"},"namespaces":{}}}`
		}
		return `{"batchcomplete":true,"continue":{"gapcontinue":"B","continue":"gapcontinue||"},"query":{"pages":[{"pageid":1,"ns":0,"title":"A","revisions":[{"revid":1,"user":"U","timestamp":"2026-01-01T00:00:00Z"}]}]}}`
	})
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testAPI
	c, err := newConnector(Source, s, Credentials{}, tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: rt}}, fast)
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadIDs(t, c)
	if !errors.Is(err, tributary.ErrMalformedResponse) || len(got.Documents) > 2 {
		t.Errorf("%d documents, %v", len(got.Documents), err)
	}
}
