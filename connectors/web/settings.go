package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Mode says how the connector finds pages.
type Mode string

// The modes.
const (
	// ModeSingle fetches the one page at URL.
	ModeSingle Mode = "single"
	// ModeCrawl follows links from URL within its site (same scheme, host
	// and port), breadth first, up to MaxDepth links away and MaxPages
	// pages.
	ModeCrawl Mode = "crawl"
	// ModeSitemap fetches the pages a sitemap lists. URL is the sitemap
	// (plain or gzip-compressed XML, or a sitemap index), or the site's root
	// to use the sitemaps robots.txt names, else /sitemap.xml.
	ModeSitemap Mode = "sitemap"
)

// Limits on settings. MaxPagesLimit bounds memory: a crawl remembers a
// 48-bit fingerprint of every URL it has admitted.
const (
	MaxPagesLimit    = 100_000
	MaxDepthLimit    = 100
	ConcurrencyLimit = 32
	defaultUserAgent = "TributaryBot/1.0 (+https://github.com/tributary-dev/tributary)"
)

// Settings configure the web connector.
type Settings struct {
	// URL is where the crawl starts: the page, the site root or the sitemap.
	URL string `json:"url" jsonschema:"required,format=uri,description=Start URL: the page (single)\\, the site root (crawl) or the sitemap or site root (sitemap)"`
	// Mode is single, crawl or sitemap; crawl by default.
	Mode Mode `json:"mode,omitempty" jsonschema:"enum=single,enum=crawl,enum=sitemap,default=crawl,description=How pages are found"`
	// MaxDepth bounds how many links away from URL a crawl goes (0 = only
	// URL itself). Default 5.
	MaxDepth int `json:"max_depth,omitempty" jsonschema:"minimum=0,maximum=100,default=5,description=Links away from the start URL a crawl follows"`
	// MaxPages bounds the URLs fetched in one run, counting failures and
	// redirects. Default 1000.
	MaxPages int `json:"max_pages,omitempty" jsonschema:"minimum=1,maximum=100000,default=1000,description=Most URLs fetched in one run"`
	// Include, when set, admits only URLs whose path (with its query, if
	// any) matches one of these patterns: "*" matches within a path
	// segment, "**" across segments, as in "/docs/**". The start URL is
	// always fetched.
	Include []string `json:"include,omitempty" jsonschema:"description=Path patterns to crawl (* within a segment\\, ** across segments)"`
	// Exclude refuses URLs whose path matches one of these patterns; it wins
	// over Include.
	Exclude []string `json:"exclude,omitempty" jsonschema:"description=Path patterns never to crawl"`
	// RequestsPerSecond is the politeness rate towards the site, shared by
	// all workers. A larger robots.txt Crawl-delay slows it further. Default 2.
	RequestsPerSecond float64 `json:"requests_per_second,omitempty" jsonschema:"exclusiveMinimum=0,maximum=1000,default=2,description=Most requests per second to the site"`
	// Concurrency is how many pages are fetched at once. A page waiting
	// between two attempts of a request (a 429, a 5xx) does not count
	// while it waits. Default 4.
	Concurrency int `json:"concurrency,omitempty" jsonschema:"minimum=1,maximum=32,default=4,description=Pages fetched at once"`
	// MaxPageBytes caps a page's body; a larger page is a Failure. Default
	// 10 MiB.
	MaxPageBytes int64 `json:"max_page_bytes,omitempty" jsonschema:"minimum=1024,default=10485760,description=Largest page body read\\, in bytes"`
	// Timeout bounds one request with its retries, counted from when the
	// politeness limiter lets it go; each redirect hop has its own. A page
	// that does not answer in time is a Failure. Default 30s.
	Timeout tributary.Duration `json:"timeout,omitempty" jsonschema:"default=30s,description=Time allowed for one request and its retries"`
	// UserAgent is sent with every request and matched against robots.txt
	// groups.
	UserAgent string `json:"user_agent,omitempty" jsonschema:"description=User-Agent header and robots.txt agent name"`
	// IgnoreRobots skips robots.txt. Only for sites you own.
	IgnoreRobots bool `json:"ignore_robots,omitempty" jsonschema:"default=false,description=Ignore robots.txt (only for sites you own)"`
}

// SetDefaults fills in the defaults.
func (s *Settings) SetDefaults() {
	s.Mode = ModeCrawl
	s.MaxDepth = 5
	s.MaxPages = 1000
	s.RequestsPerSecond = 2
	s.Concurrency = 4
	s.MaxPageBytes = 10 << 20
	s.Timeout = tributary.Duration(30e9)
	s.UserAgent = defaultUserAgent
}

// Validate reports every problem with the settings.
func (s *Settings) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, tributary.InvalidField(field, format, args...))
	}
	if _, err := parseStart(s.URL); err != nil {
		bad("url", "%v", err)
	}
	switch s.Mode {
	case ModeSingle, ModeCrawl, ModeSitemap:
	case "":
		s.Mode = ModeCrawl
	default:
		bad("mode", "must be single, crawl or sitemap, not %q", s.Mode)
	}
	if s.MaxDepth < 0 || s.MaxDepth > MaxDepthLimit {
		bad("max_depth", "must be between 0 and %d", MaxDepthLimit)
	}
	if s.MaxPages < 1 || s.MaxPages > MaxPagesLimit {
		bad("max_pages", "must be between 1 and %d", MaxPagesLimit)
	}
	if !(s.RequestsPerSecond > 0 && s.RequestsPerSecond <= 1000) {
		bad("requests_per_second", "must be above 0 and at most 1000")
	}
	if s.Concurrency < 1 || s.Concurrency > ConcurrencyLimit {
		bad("concurrency", "must be between 1 and %d", ConcurrencyLimit)
	}
	if s.MaxPageBytes < 1024 {
		bad("max_page_bytes", "must be at least 1024")
	}
	if s.Timeout <= 0 {
		bad("timeout", "must be positive")
	}
	if strings.TrimSpace(s.UserAgent) == "" {
		s.UserAgent = defaultUserAgent
	}
	for i, p := range s.Include {
		if _, err := compilePattern(p); err != nil {
			bad("include", "pattern %d: %v", i, err)
		}
	}
	for i, p := range s.Exclude {
		if _, err := compilePattern(p); err != nil {
			bad("exclude", "pattern %d: %v", i, err)
		}
	}
	return errors.Join(errs...)
}

// parseStart checks the start URL: absolute http or https with a host, no
// user information.
func parseStart(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("required")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("not a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, errors.New("must be an http or https URL")
	}
	if u.Hostname() == "" {
		return nil, errors.New("must name a host")
	}
	if u.User != nil {
		return nil, errors.New("must not carry a user name or password")
	}
	return u, nil
}

// Credentials are empty: the web connector reads public pages.
type Credentials struct{}
