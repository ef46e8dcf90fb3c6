// Package web is the Tributary connector for websites: one page, a whole
// site followed link by link, or the pages a sitemap lists.
//
// # Setting it up
//
// The connector needs no credentials: it reads what any visitor can. Give it
// the start URL and a mode:
//
//	{"url": "https://docs.example.com/", "mode": "crawl", "max_depth": 5, "max_pages": 2000,
//	 "include": ["/guide/**"], "exclude": ["/guide/archive/**"]}
//
// The modes:
//
//   - "single" fetches the one page at url.
//   - "crawl" (the default) follows links breadth first within the site of
//     url (the same scheme, host and port), at most max_depth links away
//     and at most max_pages URLs per run (failures, redirects and sitemaps
//     count too). Include and exclude patterns match the path and query of
//     every page but the start URL, sitemap pages too: "*" within a
//     segment, "**" across segments (a crawl of "https://example.com/docs/"
//     covers the whole site unless include says ["/docs/**"]). Links to
//     images, scripts, styles, archives and media are never fetched.
//   - "sitemap" fetches the pages a sitemap lists. url is the sitemap (XML,
//     gzip-compressed or not, or a sitemap index of such sitemaps), or the
//     site's root to use the sitemaps robots.txt names, else /sitemap.xml.
//     Only entries in the sitemap's own site are read.
//
// The connector sends at most requests_per_second requests to the site
// (default 2), fetching up to concurrency pages at once within that rate,
// and slows down further when robots.txt asks for a Crawl-delay. A request
// that fails with a 429, a 500, 502, 503 or 504, or a broken connection is
// tried up to three times, after the wait the server names in Retry-After
// or else a growing backoff; a page waiting so lends its share of
// concurrency to the other pages meanwhile. A server asking for a wait
// longer than timeout fails the page at once as rate limited. It obeys
// robots.txt for its user_agent (ignore_robots is for sites you own), the
// robots meta tag and the X-Robots-Tag header. A site on a private or
// loopback address (an intranet, a local test server) is refused unless the
// host sets tributary.Env.AllowPrivateNetwork.
//
// To try it, examples/web crawls a small site it serves itself (go run
// ./examples/web), or any URL given as its argument.
//
// # Documents
//
// A document's ID is the page's normalised URL: scheme and host in lower
// case, no default port, no fragment, dot segments resolved, and no
// trailing slash except for the root, and no default document name
// (index.html, index.htm, index.php, default.html and the like), so "/a",
// "/a/", "/a/index.html" and "/a#top" are one page, fetched once. A page that redirects within the site (by HTTP or by an immediate
// <meta http-equiv="refresh">) is yielded under the URL it lands on, and a
// page whose <link rel="canonical"> names another URL of the site is
// yielded under that URL; when that URL was already admitted, the page is a
// duplicate and is not yielded again. Redirects off the site are not
// followed; when the start URL itself redirects off the site (say from
// http to https), the run fails with ErrInvalidConfig naming the target, so
// the setting can be corrected.
//
// The text is the page's readable text, read by the same extractor as the
// file connector's HTML files: the page's <main> when it marks one, without
// scripts, styles, navigation (sidebars, tables of contents, breadcrumbs,
// prev/next bars), asides, the page's own header and footer (a header
// inside an article is kept), "Skip to content" links and the permalink
// anchors (¶, #) of headings. Each heading starts a section whose link
// points at the heading's anchor when it has one. Links are followed
// wherever they are, navigation included. The title comes from <title>, else
// the first <h1>; SemanticID is the title, else the URL. Plain-text pages
// are one section. PDFs linked from the site are read too, one section per
// page linked as "#page=N", titled from their information dictionary (with
// the extractor the file connector uses). Text in other encodings is
// decoded to UTF-8. UpdatedAt is the sitemap's lastmod, else the
// Last-Modified header, else a PDF's own modification date, else zero: it
// is never invented.
//
// # Failures and skips
//
// A page that cannot be read is a *tributary.Failure whose DocumentID is
// the page's normalised URL, and the run goes on: a 4xx or 5xx status, a
// timeout or network error, a body over max_page_bytes, a content type that
// is neither HTML, plain text nor PDF, a PDF that is encrypted or has no
// text layer, more than ten redirects. A sitemap that cannot be read is a
// Failure with the sitemap's URL as EntityID. Leaving a URL alone on
// purpose is not a failure: a path robots.txt disallows, a noindex page
// (robots meta tag or X-Robots-Tag; its links are still followed unless it
// also says nofollow), a redirect off the site, a duplicate by redirect or
// canonical URL, a URL beyond max_depth or max_pages (hitting max_pages is
// logged as a warning). robots.txt itself answering a 5xx, or the site
// being unreachable for it, ends the run with a classified error, so the
// run is retried rather than crawling blind; so does an address the
// network guard refuses. A start URL that robots.txt disallows ends the
// run with ErrInvalidConfig, as does one that redirects off the site.
//
// # Polling, slim listings and checkpoints
//
// Poll yields the pages whose UpdatedAt is in the window, and every page
// whose update time is unknown. In sitemap mode a page whose lastmod is
// outside the window is not fetched at all, and a page listed without a
// lastmod is asked for with If-Modified-Since set to the window's start (a
// 304 answer means it did not change). LoadSlim fetches the same pages
// as Load (only fetching tells a page's links, redirects and status) but
// extracts no text, so it admits exactly what Load admits.
//
// When the host keeps tributary.Values (a tributary.Runner over a Store
// that is a tributary.ValueStore, as MemoryStore and sqlitestore are),
// each page yielded leaves a memo there: the ETag and Last-Modified the
// server sent, the id it was yielded under and the in-site links it
// had. The next run asks for the page with If-None-Match and
// If-Modified-Since from the memo; a 304 answer means the sink already has
// the page: it is not yielded again, its id stays taken, and the crawl
// follows the links the memo holds, since the answer has no body. A page
// answered in full with validators is yielded even when its dates lie
// outside the window, so that it leaves a memo: the answer says it changed,
// or it had no memo, and the runner drops it if the sink has it already. A page
// without validators, or with more links than a 64 KiB memo holds, is
// fetched in full each run. The memo is put after the page is yielded, so
// the runner stores it only once the sink has the page: a crash can lose
// a memo (the page is then fetched in full), never keep one for a page the
// sink lacks. Slim listings, and runs that redeliver, send no validators
// and see every page.
//
// Pages are fetched concurrently but committed in the order they were
// found, so a run over an unchanged site yields the same pages in the same
// order, however its answers are timed. While the oldest page not yet
// committed waits on a retry or a slow answer, the crawl goes on fetching
// the pages found after it, up to 1,024 pages ahead of it and until the
// pages waiting for their turn hold 16 MiB of extracted text, links and
// sitemap entries; the fetches under way then (at most four per unit of
// concurrency) still finish, so a page larger than that passes on its own.
// A debug log names the page the crawl waits for when the look-ahead
// fills.
// The memory pages take is therefore bounded whatever the size of the
// site: at most 16 MiB of pages waiting for their turn, plus the pages of
// the fetches under way, of which at most concurrency are being read and
// parsed at a time, each body up to max_page_bytes.
//
// LoadFromCheckpoint yields a checkpoint after every page while the
// crawl is small, at least every 16 pages later, and at its end, holding the
// frontier (the URLs found and not yet committed, as paths) and a 48-bit
// fingerprint of every URL admitted so far, six bytes each: a resumed crawl
// goes on from its frontier and fetches no other admitted URL again. The
// frontier and the fingerprints are bounded by max_pages, not by the size
// of the site. A checkpoint that would exceed tributary.MaxCheckpointSize
// (past about 6,000 admitted URLs when they are short, sooner when they are
// long) is not emitted; the crawl goes on, and a crash resumes from the
// last checkpoint that fitted. Pages fetched ahead but not yet committed
// when a run stops are in its last checkpoint's frontier, and a resumed
// crawl fetches them again. The connector is a tributary.WholePassConnector:
// a tributary.Runner that resumes an interrupted crawl ends the run when
// that crawl is done, rather than starting a second one for a new window.
//
// # Fetching failed pages again
//
// The connector is a tributary.Refetcher: the Runner fetches the pages
// that failed in earlier runs again by id, one request each, through the
// crawl's own path (robots.txt, read once per call, the address guard,
// max_page_bytes, in-site redirects) and reading, so a page comes back as
// the crawl would give it. An id off the site, not in the form of a page
// id, or outside include and exclude is a Failure matching
// tributary.ErrForeignURL; in single mode every id of the site is
// answered from the start URL, and in sitemap mode the sitemaps are read
// once per call, for the pages' lastmod and to tell whether they are
// still listed. A page now under another id (a redirect, meta refresh or
// canonical URL within the site) comes back under that id, followed by a
// deletion of the old one. A page the crawl would no longer yield (410
// Gone, a redirect off the site, noindex, disallowed by robots.txt, no
// longer in the sitemaps) is a deletion; a 404, which a crawl reports as
// a failure, stays a Failure, as do a 403 and a page that keeps failing.
package web
