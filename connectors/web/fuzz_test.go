package web

import (
	"bytes"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzParsePage checks that no HTML, however broken, panics the page
// parser or yields invalid UTF-8 or a link that is not absolute http(s).
func FuzzParsePage(f *testing.F) {
	for _, seed := range []string{
		`<html><head><title>T</title><base href="../x/"></head><body><h1 id=a>H</h1><p>t</p></body></html>`,
		`<a href="http://[::1]:80/">x</a><a href="%zz">y</a><a href=" javascript:1">z</a>`,
		`<article><header><h2><a name="n">N</a></h2></header><nav><a href="/n">n</a></nav></article>`,
		`<table><tr><td>a<td>b</table><pre>  code  </pre><script>x</script>`,
		"\xff\xfe<p>bad bytes</p>",
	} {
		f.Add(seed)
	}
	base, _ := url.Parse("http://example.com/dir/page")
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePage([]byte(doc), "", base, true)
		if err != nil {
			return
		}
		for _, l := range p.links {
			if (l.Scheme != "http" && l.Scheme != "https") || l.Host == "" {
				t.Errorf("link %q is not absolute http(s)", l)
			}
			_ = key(l)
		}
		for _, s := range p.sections {
			if !utf8.ValidString(s.Text) || !utf8.ValidString(s.Heading) {
				t.Errorf("invalid UTF-8 in section %q", s)
			}
		}
	})
}

// FuzzParseSitemap checks that no sitemap bytes panic the parser.
func FuzzParseSitemap(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>http://a/b</loc><lastmod>2024-01-02</lastmod></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>http://a/s.xml</loc></sitemap></sitemapindex>`))
	f.Add(gzipped([]byte(`<urlset><url><loc>http://a/c</loc></url></urlset>`)))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := parseSitemap(bytes.NewReader(b))
		if err == nil {
			for _, e := range entries {
				if e.loc == "" {
					t.Error("entry without a location")
				}
			}
		}
	})
}
