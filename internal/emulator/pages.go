package emulator

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PageParams describe a page-number API, such as GitHub's ?page=2&per_page=50.
type PageParams struct {
	Page, Size  string // query parameter names; "page" and "per_page" when empty
	DefaultSize int    // page size when the request names none; 30 when zero
	MaxSize     int    // larger sizes are clamped to it; 100 when zero
	First       int    // number of the first page; 1 when zero
}

func (p PageParams) norm() PageParams {
	p.Page = cmp.Or(p.Page, "page")
	p.Size = cmp.Or(p.Size, "per_page")
	p.DefaultSize = cmp.Or(p.DefaultSize, 30)
	p.MaxSize = cmp.Or(p.MaxSize, 100)
	p.First = cmp.Or(p.First, 1)
	return p
}

// PageOf returns the page of items that r asks for, its number, and whether
// more pages follow. A malformed page or size is an error for a 400 answer.
func PageOf[T any](r *http.Request, items []T, p PageParams) (page []T, number int, more bool, err error) {
	p = p.norm()
	size, err := intParam(r, p.Size, p.DefaultSize, 1)
	if err != nil {
		return nil, 0, false, err
	}
	size = min(size, p.MaxSize)
	number, err = intParam(r, p.Page, p.First, p.First)
	if err != nil {
		return nil, 0, false, err
	}
	start := (number - p.First) * size
	page, more = window(items, start, size)
	return page, number, more, nil
}

// LinkPage is PageOf that also sets an RFC 8288 Link header with next,
// prev, first and last links, as GitHub does.
func LinkPage[T any](w http.ResponseWriter, r *http.Request, items []T, p PageParams) ([]T, error) {
	p = p.norm()
	page, n, more, err := PageOf(r, items, p)
	if err != nil {
		return nil, err
	}
	size, _ := intParam(r, p.Size, p.DefaultSize, 1)
	size = min(size, p.MaxSize)
	last := p.First + max((len(items)-1)/size, 0)
	link := func(num int, rel string) string {
		u := requestURL(r)
		q := u.Query()
		q.Set(p.Page, strconv.Itoa(num))
		u.RawQuery = q.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u, rel)
	}
	var links []string
	if more {
		links = append(links, link(n+1, "next"), link(last, "last"))
	}
	if n > p.First {
		links = append(links, link(p.First, "first"), link(n-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	return page, nil
}

// OffsetParams describe an offset API, such as Jira's ?startAt=50&maxResults=50.
type OffsetParams struct {
	Start, Size string // "start" and "limit" when empty
	DefaultSize int    // 25 when zero
	MaxSize     int    // 100 when zero
}

// OffsetOf returns the items from the offset that r asks for, the offset,
// the page size used, and whether more follow.
func OffsetOf[T any](r *http.Request, items []T, p OffsetParams) (page []T, start, size int, more bool, err error) {
	p.Start = cmp.Or(p.Start, "start")
	p.Size = cmp.Or(p.Size, "limit")
	size, err = intParam(r, p.Size, cmp.Or(p.DefaultSize, 25), 1)
	if err != nil {
		return nil, 0, 0, false, err
	}
	size = min(size, cmp.Or(p.MaxSize, 100))
	start, err = intParam(r, p.Start, 0, 0)
	if err != nil {
		return nil, 0, 0, false, err
	}
	page, more = window(items, start, size)
	return page, start, size, more, nil
}

// CursorParams describe a cursor API, such as Slack's ?cursor=...&limit=200.
type CursorParams struct {
	Cursor, Size string // "cursor" and "limit" when empty
	DefaultSize  int    // 100 when zero
	MaxSize      int    // 1000 when zero
}

// CursorOf returns the items at the cursor r names and the opaque cursor of
// the next page, empty on the last page. An unknown cursor is an error for a
// 400 answer (Slack says invalid_cursor).
func CursorOf[T any](r *http.Request, items []T, p CursorParams) (page []T, next string, err error) {
	p.Cursor = cmp.Or(p.Cursor, "cursor")
	p.Size = cmp.Or(p.Size, "limit")
	size, err := intParam(r, p.Size, cmp.Or(p.DefaultSize, 100), 1)
	if err != nil {
		return nil, "", err
	}
	size = min(size, cmp.Or(p.MaxSize, 1000))
	start := 0
	if c := r.FormValue(p.Cursor); c != "" {
		if start, err = decodeCursor(c); err != nil {
			return nil, "", err
		}
	}
	page, more := window(items, start, size)
	if more {
		next = EncodeCursor(start + len(page))
	}
	return page, next, nil
}

// EncodeCursor returns the opaque cursor CursorOf uses for an offset, for
// emulators that build cursors themselves.
func EncodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, fmt.Errorf("invalid_cursor")
	}
	s, ok := strings.CutPrefix(string(b), "offset:")
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 {
		return 0, fmt.Errorf("invalid_cursor")
	}
	return n, nil
}

// window returns items[start:start+size] within bounds and whether any
// item follows.
func window[T any](items []T, start, size int) ([]T, bool) {
	if start >= len(items) {
		return []T{}, false
	}
	end := min(start+size, len(items))
	return items[start:end], end < len(items)
}

func intParam(r *http.Request, name string, def, least int) (int, error) {
	v := r.FormValue(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, fmt.Errorf("invalid %s %q", name, v)
	}
	return n, nil
}

func requestURL(r *http.Request) *url.URL {
	u := *r.URL
	u.Host = r.Host
	u.Scheme = "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		u.Scheme = "https"
	}
	return &u
}
