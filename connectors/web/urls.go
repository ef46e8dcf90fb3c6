package web

import (
	"errors"
	"hash/fnv"
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// site is the origin a crawl stays in: scheme, host and port.
type site struct {
	scheme string // "http" or "https"
	host   string // lower-case host with a non-default port, as in URL.Host
}

// siteOf returns the site of an absolute URL.
func siteOf(u *url.URL) site {
	scheme := strings.ToLower(u.Scheme)
	return site{scheme: scheme, host: normalHost(scheme, u.Host)}
}

// String returns the origin, such as "https://example.com".
func (s site) String() string { return s.scheme + "://" + s.host }

// contains reports whether u is in the site.
func (s site) contains(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, s.scheme) && normalHost(s.scheme, u.Host) == s.host
}

// normalHost lower-cases the host and drops the scheme's default port.
func normalHost(scheme, host string) string {
	host = strings.ToLower(host)
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return strings.TrimSuffix(host, ".")
	}
	h = strings.TrimSuffix(h, ".")
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port == "" {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return net.JoinHostPort(h, port)
}

// fetchURL returns the form of u the connector requests: absolute, scheme
// and host lower-cased, default port and fragment dropped, dot segments
// resolved. The path keeps its trailing slash, since servers may tell
// "/docs" and "/docs/" apart (and relative links do).
func fetchURL(u *url.URL) *url.URL {
	v := *u
	v.Scheme = strings.ToLower(v.Scheme)
	v.Host = normalHost(v.Scheme, v.Host)
	v.Fragment, v.RawFragment = "", ""
	v.User = nil
	v.ForceQuery = false
	if v.Path == "" {
		v.Path, v.RawPath = "/", ""
	}
	if strings.Contains(v.Path, "/.") {
		v.Path = resolveDots(v.Path)
		v.RawPath = ""
	}
	if v.RawPath != "" && strings.EqualFold(v.RawPath, (&url.URL{Path: v.Path}).EscapedPath()) {
		v.RawPath = "" // "%c3%a9" and "%C3%A9" are one path
	}
	return &v
}

// resolveDots removes "." and ".." segments, keeping a trailing slash.
func resolveDots(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// defaultDocuments are the names under which servers answer for a
// folder: "/docs/index.html" is the page "/docs/" is.
var defaultDocuments = map[string]bool{
	"index.html": true, "index.htm": true, "index.xhtml": true, "index.shtml": true,
	"index.php": true, "default.html": true, "default.htm": true, "default.asp": true,
	"default.aspx": true,
}

// key returns the normalised URL that identifies a page: the fetch form
// without a default document's name and with the trailing slash of a
// non-root path removed. It is the document id, so the same page reached
// as "/a", "/a/", "/a/index.html" or "/a#top" has one id.
func key(u *url.URL) string {
	v := fetchURL(u)
	if dir, name := path.Split(v.Path); defaultDocuments[strings.ToLower(name)] {
		v.Path, v.RawPath = dir, ""
	}
	if len(v.Path) > 1 && strings.HasSuffix(v.Path, "/") {
		v.Path = strings.TrimRight(v.Path, "/")
		if v.Path == "" {
			v.Path = "/"
		}
		v.RawPath = ""
	}
	return v.String()
}

// fingerprint hashes a key to the 48 bits a checkpoint stores.
func fingerprint(k string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(k))
	return h.Sum64() & (1<<48 - 1)
}

// pathOf returns the path and query of u matched by patterns.
func pathOf(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// compilePattern turns a path pattern into a regular expression: "**"
// matches anything, "*" anything but "/", "?" one character but "/". A
// pattern must start with "/".
func compilePattern(p string) (*regexp.Regexp, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, errors.New(`must start with "/"`)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// filter decides which in-site URLs a crawl admits by path.
type filter struct {
	include, exclude []*regexp.Regexp
}

func newFilter(s Settings) filter {
	var f filter
	for _, p := range s.Include {
		if re, err := compilePattern(p); err == nil {
			f.include = append(f.include, re)
		}
	}
	for _, p := range s.Exclude {
		if re, err := compilePattern(p); err == nil {
			f.exclude = append(f.exclude, re)
		}
	}
	return f
}

// admits reports whether u passes the patterns.
func (f filter) admits(u *url.URL) bool {
	p := pathOf(u)
	for _, re := range f.exclude {
		if re.MatchString(p) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, re := range f.include {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// skippedExtensions are links that are never pages: fetching them would
// only produce non-text failures.
var skippedExtensions = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true,
	".ico": true, ".bmp": true, ".tif": true, ".tiff": true, ".avif": true,
	".css": true, ".js": true, ".mjs": true, ".map": true, ".json": true, ".woff": true,
	".woff2": true, ".ttf": true, ".otf": true, ".eot": true,
	".zip": true, ".gz": true, ".tgz": true, ".bz2": true, ".xz": true, ".7z": true, ".rar": true,
	".tar": true, ".exe": true, ".dmg": true, ".msi": true, ".deb": true, ".rpm": true, ".apk": true,
	".mp3": true, ".mp4": true, ".m4a": true, ".m4v": true, ".mov": true, ".avi": true,
	".webm": true, ".ogg": true, ".wav": true, ".flac": true, ".mkv": true,
}

// looksLikeAsset reports whether a link's path ends in an extension that is
// never a page (images, scripts, archives, media).
func looksLikeAsset(u *url.URL) bool {
	return skippedExtensions[strings.ToLower(path.Ext(u.Path))]
}
