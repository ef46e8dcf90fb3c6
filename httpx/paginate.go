package httpx

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// ErrPagination is the cause of a listing stopped because the API led it
// astray: a cursor or a page came back again, a next link left the API, or
// the page cap was reached. Such errors also match
// tributary.ErrMalformedResponse: asking again would be led astray again.
var ErrPagination = errors.New("pagination stopped")

// astray returns a listing error with cause ErrPagination.
func astray(format string, args ...any) error {
	return tributary.NewError("", tributary.ErrMalformedResponse,
		fmt.Errorf(format+": %w", append(args, ErrPagination)...))
}

// DefaultMaxPages is the page cap when Limits.MaxPages is zero.
const DefaultMaxPages = 100_000

// Limits guard a paginated listing.
type Limits struct {
	// MaxPages stops the listing with ErrPagination after this many pages;
	// zero means DefaultMaxPages.
	MaxPages int
	// ShortPageIsLast ends the listing on a page with fewer than PageSize
	// items. Set it only when the API documents that rule: many APIs
	// return short pages in the middle of a listing (after filtering
	// out deleted or hidden items), and trusting a short page then loses
	// the rest silently.
	ShortPageIsLast bool
	// PageSize is the page size asked for, used by ShortPageIsLast.
	PageSize int
	// Within, when set, is the URL prefix (an API root with its trailing
	// slash) that every next link Link follows must start with, so that
	// the credentials never leave the API; a link outside it stops the
	// listing with ErrPagination.
	Within string
}

// Page is one page of a listing.
type Page[T any] struct {
	// Items are the page's items, in the API's order.
	Items []T
	// At is the position that fetched this page: a cursor, a page number,
	// an offset or a URL, as text.
	At string
	// Next is the position of the following page, empty on the last page.
	// A connector stores it in its checkpoint to resume after this page.
	Next string
}

// Cursor lists pages of a cursor API from start ("" for the first page).
// fetch returns a page's items and the next cursor, empty when there is no
// next page. A page may be empty and still have a next cursor (Slack does
// this); the listing goes on.
func Cursor[T any](ctx context.Context, start string, lim Limits,
	fetch func(ctx context.Context, cursor string) (items []T, next string, err error)) iter.Seq2[Page[T], error] {
	return paginate(ctx, start, lim, func(ctx context.Context, at string) ([]T, string, error) {
		items, next, err := fetch(ctx, at)
		if err != nil || lim.short(len(items)) {
			return items, "", err
		}
		return items, next, nil
	})
}

// PageNumber lists pages numbered from first. fetch returns a page's items
// and whether the API says more pages follow (return true when the API does
// not say); the listing ends when fetch says no more or a page is empty.
func PageNumber[T any](ctx context.Context, first int, lim Limits,
	fetch func(ctx context.Context, page int) (items []T, more bool, err error)) iter.Seq2[Page[T], error] {
	return paginate(ctx, strconv.Itoa(first), lim, func(ctx context.Context, at string) ([]T, string, error) {
		n, err := strconv.Atoi(at)
		if err != nil {
			return nil, "", fmt.Errorf("page number %q: %w", at, ErrPagination)
		}
		items, more, err := fetch(ctx, n)
		if err != nil || !more || len(items) == 0 || lim.short(len(items)) {
			return items, "", err
		}
		return items, strconv.Itoa(n + 1), nil
	})
}

// Offset lists pages by item offset from start. fetch returns the items at
// offset and whether more follow (true when the API does not say); the next
// offset is offset plus the number of items received.
func Offset[T any](ctx context.Context, start int, lim Limits,
	fetch func(ctx context.Context, offset int) (items []T, more bool, err error)) iter.Seq2[Page[T], error] {
	return paginate(ctx, strconv.Itoa(start), lim, func(ctx context.Context, at string) ([]T, string, error) {
		off, err := strconv.Atoi(at)
		if err != nil {
			return nil, "", fmt.Errorf("offset %q: %w", at, ErrPagination)
		}
		items, more, err := fetch(ctx, off)
		if err != nil || !more || len(items) == 0 || lim.short(len(items)) {
			return items, "", err
		}
		return items, strconv.Itoa(off + len(items)), nil
	})
}

// Link lists pages by following the RFC 8288 Link header's rel="next"
// (GitHub, GitLab), starting at rawURL. Each body is decoded as JSON into a
// B and items picks the page's items from it (for an API answering with a
// bare array, B is []T and items returns *b). A next link to another host
// stops the listing with ErrPagination, so credentials never follow it.
func Link[B, T any](ctx context.Context, c *Client, rawURL string, lim Limits, items func(*B) []T) iter.Seq2[Page[T], error] {
	return paginate(ctx, rawURL, lim, func(ctx context.Context, at string) ([]T, string, error) {
		var body B
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, at, nil)
		if err != nil {
			return nil, "", c.fail(tributary.ErrInvalidConfig, errors.New(c.redact(err.Error())))
		}
		h, err := c.DoJSON(req, &body)
		if err != nil {
			return nil, "", err
		}
		page := items(&body)
		next := NextLink(h, req.URL)
		if next == "" || lim.short(len(page)) {
			return page, "", nil
		}
		if u, err := url.Parse(next); err != nil || u.Host != req.URL.Host {
			return nil, "", astray("next link %s leaves %s", c.redact(next), req.URL.Host)
		}
		if lim.Within != "" && !strings.HasPrefix(next, lim.Within) {
			return nil, "", astray("next link %s leaves the API root %s", c.redact(next), lim.Within)
		}
		return page, next, nil
	})
}

func (l Limits) short(n int) bool { return l.ShortPageIsLast && l.PageSize > 0 && n < l.PageSize }

// paginate runs the guarded loop: step fetches the page at a position and
// names the next one ("" to stop).
func paginate[T any](ctx context.Context, start string, lim Limits,
	step func(ctx context.Context, at string) ([]T, string, error)) iter.Seq2[Page[T], error] {
	maxPages := lim.MaxPages
	if maxPages <= 0 {
		maxPages = DefaultMaxPages
	}
	return func(yield func(Page[T], error) bool) {
		seen := map[[32]byte]bool{sha256.Sum256([]byte(start)): true}
		var last [32]byte
		at := start
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(Page[T]{At: at}, err)
				return
			}
			if n > maxPages {
				yield(Page[T]{At: at}, astray("more than %d pages", maxPages))
				return
			}
			items, next, err := step(ctx, at)
			if err != nil {
				yield(Page[T]{At: at}, err)
				return
			}
			if err := checkPage(items, next, &last, seen); err != nil {
				yield(Page[T]{At: at}, err)
				return
			}
			if !yield(Page[T]{Items: items, At: at, Next: next}, nil) || next == "" {
				return
			}
			at = next
		}
	}
}

// checkPage stops a listing whose next position was seen before or whose
// page repeats the previous non-empty page item for item.
func checkPage[T any](items []T, next string, last *[32]byte, seen map[[32]byte]bool) error {
	if next != "" {
		key := sha256.Sum256([]byte(next))
		if seen[key] {
			return astray("the API returned position %q again", shorten(next))
		}
		seen[key] = true
	}
	if len(items) == 0 {
		return nil
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil // items that do not encode cannot be compared
	}
	sum := sha256.Sum256(b)
	if sum == *last {
		return astray("the API returned the same page twice")
	}
	*last = sum
	return nil
}

func shorten(s string) string {
	s = RedactString(s)
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// NextLink returns the target of the rel="next" link in h's Link headers
// (RFC 8288), resolved against base, or "".
func NextLink(h http.Header, base *url.URL) string {
	for _, v := range h.Values("Link") {
		for v != "" {
			open := strings.IndexByte(v, '<')
			end := strings.IndexByte(v, '>')
			if open < 0 || end < open {
				break
			}
			target := v[open+1 : end]
			rest := v[end+1:]
			params, after, _ := strings.Cut(rest, ",")
			if hasRel(params, "next") {
				u, err := base.Parse(strings.TrimSpace(target))
				if err != nil {
					return ""
				}
				return u.String()
			}
			v = after
		}
	}
	return ""
}

func hasRel(params, rel string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for r := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(val), `"`)) {
			if strings.EqualFold(r, rel) {
				return true
			}
		}
	}
	return false
}
