// Command web crawls a website with the Tributary web connector and prints
// one line per page.
//
// With no argument it serves a small site of its own on this machine and
// crawls that, so it runs with no network:
//
//	go run ./examples/web
//
// Give it a URL to crawl a real site (politely: two requests a second by
// default), or a sitemap with -mode sitemap:
//
//	go run ./examples/web -max-pages 50 https://go.dev/doc/
//	go run ./examples/web -mode sitemap https://example.com/sitemap.xml
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/web"
)

func main() {
	mode := flag.String("mode", "crawl", "single, crawl or sitemap")
	maxPages := flag.Int("max-pages", 100, "most URLs fetched")
	maxDepth := flag.Int("max-depth", 3, "links away from the start URL")
	rps := flag.Float64("rps", 2, "requests per second to the site")
	verbose := flag.Bool("v", false, "log skipped pages")
	flag.Parse()

	var s web.Settings
	s.SetDefaults()
	s.Mode, s.MaxPages, s.MaxDepth, s.RequestsPerSecond = web.Mode(*mode), *maxPages, *maxDepth, *rps
	env := tributary.Env{}
	if *verbose {
		env.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if flag.NArg() > 0 {
		s.URL = flag.Arg(0)
	} else {
		srv := httptest.NewServer(demoSite())
		defer srv.Close()
		s.URL = srv.URL + "/"
		s.RequestsPerSecond = 50
		env.AllowPrivateNetwork = true // the demo site is on this machine
		fmt.Fprintf(os.Stderr, "crawling the demo site at %s\n", s.URL)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, s, env); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		if errors.Is(err, tributary.ErrInvalidConfig) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, s web.Settings, env tributary.Env) error {
	c, err := web.New(s, web.Credentials{}, env)
	if err != nil {
		return err
	}
	if err := c.Validate(ctx); err != nil {
		return err
	}
	var pages, failures int
	for d, err := range c.Load(ctx) {
		if f, ok := tributary.AsFailure(err); ok {
			failures++
			fmt.Printf("FAIL  %s: %v\n", f.DocumentID+f.EntityID, f.Err)
			continue
		}
		if err != nil {
			return err
		}
		pages++
		var chars int
		for _, sec := range d.Sections {
			chars += len(sec.Text)
		}
		fmt.Printf("PAGE  %s  %q  %d sections, %d bytes of text\n", d.ID, d.SemanticID, len(d.Sections), chars)
	}
	fmt.Fprintf(os.Stderr, "%d pages, %d failures\n", pages, failures)
	return nil
}

// demoSite is a small site with the kinds of page a crawl meets.
func demoSite() http.Handler {
	pages := map[string]string{
		"/": `<title>Tributary demo</title><nav><a href="/guide/">Guide</a> <a href="/faq">FAQ</a>
<a href="/private/notes">Notes</a></nav><main><h1>Welcome</h1><p>This site is served by the example itself.</p>
<p>See the <a href="/guide/#install">installation guide</a> or an <a href="/old-faq">old link</a>.</p></main>
<footer>Demo footer</footer>`,
		"/guide/": `<title>Guide</title><h2 id="install">Install</h2><p>go get the module.</p>
<h2 id="run">Run</h2><p>Open a connector and range over Load.</p><a href="/missing">a broken link</a>`,
		"/faq":           `<title>FAQ</title><h2 id="why">Why?</h2><p>Because indexes need documents.</p>`,
		"/private/notes": `<title>Private</title><p>robots.txt keeps crawlers out of here.</p>`,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.Handle("/old-faq", http.RedirectHandler("/faq", http.StatusMovedPermanently))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	})
	return mux
}
