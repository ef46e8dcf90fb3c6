package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxSitemapBytes and maxSitemapEntries cap one sitemap after
// decompression, as the sitemaps protocol does (50 MB, 50,000 URLs):
// entries past the count are dropped, so a sitemap's memory is bounded.
const (
	maxSitemapBytes   = 50 << 20
	maxSitemapEntries = 50_000
)

// sitemapEntry is one <url> or <sitemap> of a sitemap.
type sitemapEntry struct {
	loc     string
	lastmod time.Time
	index   bool // a child sitemap of a sitemap index
}

// parseSitemap reads a sitemap or sitemap index, plain or gzip-compressed
// (recognised by its magic bytes, whatever the content type says).
func parseSitemap(r io.Reader) ([]sitemapEntry, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	lr := &io.LimitedReader{R: r, N: maxSitemapBytes + 1}
	entries, err := decodeSitemap(xml.NewDecoder(lr))
	if lr.N <= 0 {
		return nil, fmt.Errorf("sitemap larger than %d bytes", maxSitemapBytes)
	}
	return entries, err
}

func decodeSitemap(dec *xml.Decoder) ([]sitemapEntry, error) {
	dec.Strict = false
	var out []sitemapEntry
	var root string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("xml: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		name := strings.ToLower(se.Name.Local)
		switch {
		case root == "":
			if name != "urlset" && name != "sitemapindex" {
				return nil, fmt.Errorf("not a sitemap: root element <%s>", se.Name.Local)
			}
			root = name
		case name == "url" || name == "sitemap":
			var v struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			}
			if err := dec.DecodeElement(&v, &se); err != nil {
				return out, fmt.Errorf("xml: %w", err)
			}
			if len(out) == maxSitemapEntries {
				return out, nil
			}
			if loc := strings.TrimSpace(v.Loc); loc != "" {
				out = append(out, sitemapEntry{loc: loc, lastmod: parseLastMod(v.LastMod), index: name == "sitemap"})
			}
		}
	}
	if root == "" {
		return nil, errors.New("not a sitemap: no root element")
	}
	return out, nil
}

// lastModLayouts are the W3C datetime forms the sitemaps protocol allows.
var lastModLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02",
	"2006-01", "2006",
}

// parseLastMod reads a <lastmod> value; unknown forms give the zero time.
func parseLastMod(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range lastModLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
