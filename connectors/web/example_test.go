package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/web"
)

// A crawl of a small site served on this machine. Crawling a loopback
// address needs AllowPrivateNetwork; a public site does not.
func ExampleNew() {
	pages := map[string]string{
		"/":      `<title>Home</title><nav><a href="/about">About</a> <a href="/blog/">Blog</a></nav><p>Welcome.</p>`,
		"/about": `<title>About</title><p>We write things. <a href="/#top">Home</a></p>`,
		"/blog/": `<title>Blog</title><h2 id="first">First post</h2><p>Hello.</p>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()

	var s web.Settings
	s.SetDefaults()
	s.URL = srv.URL
	s.RequestsPerSecond = 50
	c, err := web.New(s, web.Credentials{}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range c.Load(context.Background()) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%s %q: %s\n", strings.TrimPrefix(d.ID, srv.URL), d.Title, d.Sections[len(d.Sections)-1].Text)
	}
	// Output:
	// / "Home": Welcome.
	// /about "About": We write things. Home
	// /blog "Blog": Hello.
}

// Opening the connector from the registry with JSON settings, as a host
// does. Problems with the settings are all reported at once, by field.
func Example_registry() {
	_, err := tributary.New(web.Source, tributary.Params{Settings: json.RawMessage(
		`{"url": "ftp://example.com", "mode": "spider", "max_pages": 0}`)})
	for _, p := range tributary.ConfigProblems(err) {
		fmt.Println(p)
	}
	c, err := tributary.New(web.Source, tributary.Params{Settings: json.RawMessage(
		`{"url": "https://example.com/sitemap.xml", "mode": "sitemap", "requests_per_second": 1}`)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Source(), tributary.CapabilitiesOf(c))
	// Output:
	// settings.url: must be an http or https URL
	// settings.mode: must be single, crawl or sitemap, not "spider"
	// settings.max_pages: must be between 1 and 100000
	// web load,poll,slim,checkpoint,refetch,probe,normalize_url
}
