package extract_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/extract"
)

// The fixtures are shaped like the pages of three documentation
// generators: a Sphinx page (classic theme: related bars above and below,
// a sidebar, ¶ permalinks, a skip link), a Material for MkDocs page
// (header, tabs, two sidebars, # permalinks, a prev/next footer) and a
// godoc page (top bar, search form, ¶ permalinks, a footer).
var docPages = []struct {
	file     string
	title    string
	headings []string
	links    []string // section links, in order
	keep     []string // phrases of the content
	drop     []string // phrases of the chrome
	follow   []string // links a crawler still finds
}{{
	file:     "sphinx.html",
	title:    "Logging HOWTO — Widget 3.2 documentation",
	headings: []string{"Logging HOWTO", "When to use logging", "A simple example"},
	links:    []string{"#logging-howto", "#when-to-use-logging", "#a-simple-example"},
	keep: []string{"Ada Example", "emitting log records from a widget application.",
		"These are debug(), info() and warning().", "Report events during normal operation",
		"logging.warning('Watch out!')  # will print a message"},
	drop: []string{"¶", "Skip to main content", "Navigation", "previous", "modules", "Table of Contents",
		"Previous topic", "Next topic", "Show Source", "Quick search", "Copyright", "Created using",
		"Widget 3.2 documentation"},
	follow: []string{"#main-content", "../genindex.html", "sockets.html", "descriptor.html", "../_sources/howto/logging.rst.txt"},
}, {
	file:     "mkdocs.html",
	title:    "Configuration - Gizmo",
	headings: []string{"Configuration", "The config file", "Environment variables"},
	links:    []string{"#configuration", "#the-config-file", "#environment-variables"},
	keep: []string{"Gizmo reads its settings", "listen: \":8080\"\nworkers: 4", "Note\nPaths in the file",
		"GIZMO_WORKERS overrides workers."},
	drop: []string{"Skip to content", "#", "Search", "Home", "User Guide", "Installation", "Deploying",
		"Table of contents", "Previous", "Next", "Material for MkDocs", "Last update", "Back to top"},
	follow: []string{"../installation/", "../deploying/", "#the-config-file"},
}, {
	file:     "godoc.html",
	title:    "ring - Go Documentation Server",
	headings: []string{"Package ring", "Overview ▹", "Overview ▾", "Index ▾", "Package files", "type Ring", "func New"},
	links:    []string{"", "", "", "", "", "#Ring", "#New"},
	keep: []string{"Package ring implements operations on circular lists.",
		"type Ring struct {\n    Value any // for use by client; untouched by this library",
		"func New(n int) *Ring\nNew creates a ring of n elements."},
	drop: []string{"¶", "Go Documentation Server", "Packages", "Search",
		"Build version", "Terms of Service", "Privacy Policy"},
	follow: []string{"/pkg/", "#New", "/src/container/ring/ring.go?s=499:557#L4", "/doc/tos.html"},
}}

// TestHTMLDocumentationPages checks that a documentation page gives its
// content, under its headings with deep links, without its navigation
// and chrome, and that every link is still there for a crawler.
func TestHTMLDocumentationPages(t *testing.T) {
	for _, tc := range docPages {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("testdata/html/" + tc.file)
			require.NoError(t, err)
			d, err := extract.HTML(b, "", extract.HTMLOptions{Sections: true})
			require.NoError(t, err)
			assert.Equal(t, tc.title, d.Title)
			var headings, links, texts []string
			for _, s := range d.Sections {
				if s.Heading != "" || s.Text != "" {
					headings, links = append(headings, s.Heading), append(links, s.Link)
				}
				texts = append(texts, s.Heading, s.Text)
			}
			assert.Equal(t, tc.headings, headings)
			assert.Equal(t, tc.links, links)
			all := strings.Join(texts, "\n")
			checkReadable(t, all, tc.keep, tc.drop)
			for _, l := range tc.follow {
				assert.Contains(t, d.Links, l)
			}

			// One section: the same text, headings on lines of their own.
			d, err = extract.HTML(b, "", extract.HTMLOptions{})
			require.NoError(t, err)
			require.Len(t, d.Sections, 1)
			one := d.Sections[0].Text
			checkReadable(t, one, tc.keep, tc.drop)
			for _, h := range tc.headings {
				assert.Contains(t, strings.Split(one, "\n"), h)
			}
		})
	}
}

func checkReadable(t *testing.T, text string, keep, drop []string) {
	t.Helper()
	for _, k := range keep {
		assert.Contains(t, text, k)
	}
	for _, bad := range drop {
		for line := range strings.SplitSeq(text, "\n") {
			if strings.Contains(line, bad) && !slices.ContainsFunc(keep, func(k string) bool { return strings.Contains(k, line) }) {
				t.Errorf("chrome %q kept in line %q", bad, line)
			}
		}
	}
}

// TestHTMLPageAnchors keeps links into the page that are words, and drops
// the ones that are chrome: permalinks however they are drawn, and skip
// links.
func TestHTMLPageAnchors(t *testing.T) {
	page := `<a href="#content" class="visually-hidden-focusable">Skip navigation</a>
<h2 id="a">Install <a href="#a" aria-label="Permalink">§</a></h2>
<h2 id="b"><a class="anchor" href="#b"><svg viewBox="0 0 16 16"><path d="M0"/></svg></a>Use</h2>
<p>See <a href="#a">the install steps</a> and <a href="#b">🔗</a>.</p>`
	d, err := extract.HTML([]byte(page), "", extract.HTMLOptions{Sections: true})
	require.NoError(t, err)
	require.Len(t, d.Sections, 2)
	assert.Equal(t, "Install", d.Sections[0].Heading)
	assert.Equal(t, "", d.Sections[0].Text, "the skip link is chrome")
	assert.Equal(t, "Use", d.Sections[1].Heading)
	assert.Equal(t, "See the install steps and .", d.Sections[1].Text)
}

// TestHTMLEmptyMain reads the whole page when its <main> holds no text,
// as on a page that scripts fill in.
func TestHTMLEmptyMain(t *testing.T) {
	d, err := extract.HTML([]byte(`<nav>Menu</nav><main> <div id="app"></div> </main><p>Fallback text.</p>`), "", extract.HTMLOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Fallback text.", d.Sections[0].Text)
}

// BenchmarkHTML extracts the documentation fixtures, as the web connector
// does (sections) and as the file connector does (one section).
func BenchmarkHTML(b *testing.B) {
	for _, tc := range docPages {
		page, err := os.ReadFile("testdata/html/" + tc.file)
		require.NoError(b, err)
		for _, o := range []extract.HTMLOptions{{Sections: true}, {}} {
			name := tc.file + "/one"
			if o.Sections {
				name = tc.file + "/sections"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					if _, err := extract.HTML(page, "", o); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestHTMLTooDeep fails a page nested deeper than the parser's bound with
// ErrUndecodable, naming the problem once.
func TestHTMLTooDeep(t *testing.T) {
	_, err := extract.HTML([]byte(strings.Repeat("<div>", 10_000)+"x"), "", extract.HTMLOptions{})
	require.ErrorIs(t, err, extract.ErrUndecodable)
	assert.Equal(t, 1, strings.Count(err.Error(), "html:"), err.Error())
}
