package web

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
)

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://Example.COM":                   "http://example.com/",
		"http://example.com:80/a/":             "http://example.com/a",
		"https://example.com:443/a/b/#frag":    "https://example.com/a/b",
		"https://example.com:8443/a":           "https://example.com:8443/a",
		"http://example.com/a/./b/../c/":       "http://example.com/a/c",
		"http://example.com/?":                 "http://example.com/",
		"http://example.com/a?x=1#y":           "http://example.com/a?x=1",
		"http://example.com/a//":               "http://example.com/a",
		"http://user:pw@example.com/a":         "http://example.com/a",
		"http://example.com./a":                "http://example.com/a",
		"http://[::1]:80/a":                    "http://[::1]/a",
		"http://example.com/caf%C3%A9/":        "http://example.com/caf%C3%A9",
		"http://example.com/caf%c3%a9":         "http://example.com/caf%C3%A9",
		"http://example.com/café":              "http://example.com/caf%C3%A9",
		"http://example.com/a%2Fb":             "http://example.com/a%2Fb",
		"http://example.com/docs/#installing/": "http://example.com/docs",
		"http://example.com/index.html":        "http://example.com/",
		"http://example.com/docs/Index.HTM":    "http://example.com/docs",
		"http://example.com/a/default.aspx?x":  "http://example.com/a?x",
		"http://example.com/index.php?p=2":     "http://example.com/?p=2",
		"http://example.com/index.html/":       "http://example.com/index.html",
		"http://example.com/myindex.html":      "http://example.com/myindex.html",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := key(u); got != want {
			t.Errorf("key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFetchURLKeepsTrailingSlash(t *testing.T) {
	u, _ := url.Parse("HTTP://Example.com:80/docs/#x")
	if got := fetchURL(u).String(); got != "http://example.com/docs/" {
		t.Errorf("fetchURL = %q", got)
	}
}

func TestSiteContains(t *testing.T) {
	start, _ := url.Parse("https://Example.com/docs")
	s := siteOf(start)
	for raw, want := range map[string]bool{
		"https://example.com/x":      true,
		"https://EXAMPLE.com:443/x":  true,
		"http://example.com/x":       false,
		"https://www.example.com/x":  false,
		"https://example.com:8443/x": false,
	} {
		u, _ := url.Parse(raw)
		if got := s.contains(u); got != want {
			t.Errorf("contains(%s) = %v", raw, got)
		}
	}
}

func TestPatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"/docs/**", "/docs/a/b", true},
		{"/docs/**", "/docs", false},
		{"/docs/*", "/docs/a", true},
		{"/docs/*", "/docs/a/b", false},
		{"/*.html", "/index.html", true},
		{"/a?c", "/abc", true},
		{"/a.b", "/axb", false},
		{"/search*", "/search?q=x", true},
	} {
		re, err := compilePattern(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(tc.path); got != tc.want {
			t.Errorf("%q on %q = %v", tc.pattern, tc.path, got)
		}
	}
	if _, err := compilePattern("docs/**"); err == nil {
		t.Error("a pattern without a leading slash was accepted")
	}
}

func TestParsePage(t *testing.T) {
	base, _ := url.Parse("http://example.com/dir/page")
	doc := `<html><head><title> The   Title </title><base href="/other/">
<link rel="canonical" href="http://example.com/canon/"><meta name="robots" content="NOINDEX, follow"></head>
<body><nav><a href="nav-link">Navigation words</a></nav>
<div hidden>Hidden words</div><div aria-hidden="true">Aria words</div>
<p>Intro<br>second line</p>
<h2 id="s1">First <em>section</em></h2><p>One</p><ul><li>a</li><li>b</li></ul>
<h3><a name="s2"></a>Second</h3><table><tr><td>c1</td><td>c2</td></tr></table>
<a href="rel">r</a> <a href="#top">top</a> <a href="ftp://x/y">ftp</a> <a href="  /abs  ">abs</a>
<footer><a href="/foot">Footer words</a></footer></body></html>`
	p, err := parsePage([]byte(doc), "", base, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.title != "The Title" || !p.noindex || p.nofollow {
		t.Errorf("title %q noindex %v nofollow %v", p.title, p.noindex, p.nofollow)
	}
	if p.canonical == nil || p.canonical.String() != "http://example.com/canon/" {
		t.Errorf("canonical %v", p.canonical)
	}
	var links []string
	for _, l := range p.links {
		links = append(links, l.String())
	}
	want := []string{"http://example.com/other/nav-link", "http://example.com/other/rel", "http://example.com/abs", "http://example.com/foot"}
	if !slices.Equal(links, want) {
		t.Errorf("links %q, want %q", links, want)
	}
	wantSections := []tributary.Section{
		{Text: "Intro\nsecond line"},
		{Heading: "First section", Link: "#s1", Text: "One\na\nb"},
		{Heading: "Second", Link: "#s2", Text: "c1 c2\nr top ftp abs"},
	}
	for i := range p.sections {
		p.sections[i].Kind = ""
	}
	if !slices.EqualFunc(p.sections, wantSections, func(a, b tributary.Section) bool { return reflect.DeepEqual(a, b) }) {
		t.Errorf("sections\n got %q\nwant %q", p.sections, wantSections)
	}
}

func TestParsePageTitleFallsBackToH1(t *testing.T) {
	base, _ := url.Parse("http://example.com/")
	p, err := parsePage([]byte(`<h1>Only heading</h1><p>text`), "", base, true)
	if err != nil || p.title != "Only heading" {
		t.Errorf("title %q, err %v", p.title, err)
	}
}

func TestSettingsProblems(t *testing.T) {
	reg, err := tributary.Lookup(Source)
	if err != nil {
		t.Fatal(err)
	}
	_, err = reg.Factory(tributary.Params{Settings: json.RawMessage(
		`{"url":"ftp://x","mode":"spider","max_pages":0,"requests_per_second":-1,"include":["docs"],"concurency":2}`)})
	if !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Fatalf("err %v, want ErrInvalidConfig", err)
	}
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	slices.Sort(fields)
	// An unknown field stops decoding before the values are checked.
	if want := []string{"settings.concurency"}; !slices.Equal(fields, want) {
		t.Errorf("problems in %v, want %v", fields, want)
	}
	_, err = reg.Factory(tributary.Params{Settings: json.RawMessage(
		`{"url":"ftp://x","mode":"spider","max_pages":0,"requests_per_second":-1,"include":["docs"]}`)})
	fields = nil
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	slices.Sort(fields)
	want := []string{"settings.include", "settings.max_pages", "settings.mode", "settings.requests_per_second", "settings.url"}
	if !slices.Equal(fields, want) {
		t.Errorf("problems in %v, want %v (%v)", fields, want, err)
	}
	c, err := reg.Factory(tributary.Params{Settings: json.RawMessage(`{"url":"https://example.com"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if w := c.(*Connector); w.s.Mode != ModeCrawl || w.s.MaxPages != 1000 || w.s.RequestsPerSecond != 2 {
		t.Errorf("defaults not applied: %+v", w.s)
	}
	if caps := tributary.CapabilitiesOf(c).String(); caps != "load,poll,slim,checkpoint,refetch,probe,normalize_url" {
		t.Errorf("capabilities %s", caps)
	}
}

func TestParsePagePreformatted(t *testing.T) {
	base, _ := url.Parse("http://example.com/")
	doc := "<p>Run   this:</p><pre>\nfunc main() {\n\tif x {\n\t\treturn  <a href=\"/doc\">y</a>\n\t}\n}\n</pre><p>then   that.</p>"
	p, err := parsePage([]byte(doc), "", base, true)
	if err != nil {
		t.Fatal(err)
	}
	want := "Run this:\nfunc main() {\n\tif x {\n\t\treturn  y\n\t}\n}\nthen that."
	if len(p.sections) != 1 || p.sections[0].Text != want {
		t.Errorf("text %q, want %q", p.sections, want)
	}
	if len(p.links) != 1 || p.links[0].Path != "/doc" {
		t.Errorf("links %v", p.links)
	}
}
