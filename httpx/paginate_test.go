package httpx_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// collect ranges over seq and returns every item and the final error.
func collect[T any](seq func(func(httpx.Page[T], error) bool)) ([]T, []string, error) {
	var items []T
	var next []string
	for p, err := range seq {
		if err != nil {
			return items, next, err
		}
		items = append(items, p.Items...)
		next = append(next, p.Next)
	}
	return items, next, nil
}

func TestCursorRepeatingStops(t *testing.T) {
	calls := 0
	fetch := func(_ context.Context, cursor string) ([]int, string, error) {
		calls++
		switch cursor {
		case "":
			return []int{1, 2}, "a", nil
		case "a":
			return []int{3, 4}, "b", nil
		default:
			return []int{5, 6}, "a", nil // loops back
		}
	}
	items, _, err := collect(httpx.Cursor(t.Context(), "", httpx.Limits{}, fetch))
	assert.ErrorIs(t, err, httpx.ErrPagination)
	assert.Equal(t, []int{1, 2, 3, 4}, items)
	assert.Equal(t, 3, calls)

	// The same cursor straight back.
	same := func(_ context.Context, cursor string) ([]int, string, error) { return []int{len(cursor)}, "x", nil }
	_, _, err = collect(httpx.Cursor(t.Context(), "x", httpx.Limits{}, same))
	assert.ErrorIs(t, err, httpx.ErrPagination)
}

func TestCursorEmptyPagesContinue(t *testing.T) {
	fetch := func(_ context.Context, cursor string) ([]string, string, error) {
		switch cursor {
		case "":
			return nil, "c1", nil
		case "c1":
			return []string{"a"}, "c2", nil
		case "c2":
			return nil, "c3", nil
		}
		return []string{"b"}, "", nil
	}
	items, next, err := collect(httpx.Cursor(t.Context(), "", httpx.Limits{}, fetch))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, items)
	assert.Equal(t, []string{"c1", "c2", "c3", ""}, next)
}

func TestPageNumberIgnoringParameterStops(t *testing.T) {
	// An API that ignores ?page= serves page 1 forever.
	fetch := func(context.Context, int) ([]int, bool, error) { return []int{1, 2, 3}, true, nil }
	items, _, err := collect(httpx.PageNumber(t.Context(), 1, httpx.Limits{}, fetch))
	assert.ErrorIs(t, err, httpx.ErrPagination)
	assert.Equal(t, []int{1, 2, 3}, items)
}

func TestShortPageIsNotLastUnlessSaid(t *testing.T) {
	data := [][]int{{1, 2, 3}, {4}, {5, 6, 7}, {}}
	fetch := func(_ context.Context, page int) ([]int, bool, error) { return data[page-1], true, nil }
	items, _, err := collect(httpx.PageNumber(t.Context(), 1, httpx.Limits{PageSize: 3}, fetch))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7}, items, "a short page in the middle loses nothing")

	items, _, err = collect(httpx.PageNumber(t.Context(), 1, httpx.Limits{PageSize: 3, ShortPageIsLast: true}, fetch))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 3, 4}, items, "documented rule applied")
}

func TestOffsetAndPageCap(t *testing.T) {
	fetch := func(_ context.Context, off int) ([]int, bool, error) {
		if off >= 10 {
			return nil, false, nil
		}
		return []int{off, off + 1}, true, nil
	}
	items, next, err := collect(httpx.Offset(t.Context(), 0, httpx.Limits{}, fetch))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, items)
	assert.Equal(t, "2", next[0])

	_, _, err = collect(httpx.Offset(t.Context(), 0, httpx.Limits{MaxPages: 3}, fetch))
	assert.ErrorIs(t, err, httpx.ErrPagination)
}

func TestPaginatorStopsOnBreakAndError(t *testing.T) {
	calls := 0
	fetch := func(_ context.Context, page int) ([]int, bool, error) {
		calls++
		if page == 3 {
			return nil, false, fmt.Errorf("boom")
		}
		return []int{page}, true, nil
	}
	seq := httpx.PageNumber(t.Context(), 1, httpx.Limits{}, fetch)
	assert.Zero(t, calls, "no work before iteration")
	for range seq {
		break
	}
	assert.Equal(t, 1, calls)
	_, _, err := collect(seq)
	assert.EqualError(t, err, "boom")
	assert.Equal(t, 4, calls, "ranging twice fetches twice")
}

func TestLinkPagination(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		if page < 3 {
			w.Header().Add("Link", fmt.Sprintf(`<https://api.test/items?page=%d>; rel="next", <https://api.test/items?page=3>; rel="last"`, page+1))
		}
		if r.URL.Query().Get("evil") != "" {
			w.Header().Set("Link", `<https://evil.test/steal>; rel="next"`)
		}
		fmt.Fprintf(w, `[{"n":%d},{"n":%d}]`, 2*page-1, 2*page)
	})
	c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), Auth: httpx.Bearer(tributary.NewSecret("t0ken-value"))})
	require.NoError(t, err)
	type item struct{ N int }
	all := func(b *[]item) []item { return *b }
	items, next, err := collect(httpx.Link(t.Context(), c, "https://api.test/items", httpx.Limits{}, all))
	require.NoError(t, err)
	assert.Equal(t, []item{{1}, {2}, {3}, {4}, {5}, {6}}, items)
	assert.Equal(t, []string{"https://api.test/items?page=2", "https://api.test/items?page=3", ""}, next)

	_, _, err = collect(httpx.Link(t.Context(), c, "https://api.test/items?evil=1", httpx.Limits{}, all))
	assert.ErrorIs(t, err, httpx.ErrPagination)
	assert.ErrorIs(t, err, tributary.ErrMalformedResponse, "led astray, not transient")
	assert.NotErrorIs(t, err, tributary.ErrTransient)

	// Within keeps the listing under an API root on the same host.
	_, _, err = collect(httpx.Link(t.Context(), c, "https://api.test/items", httpx.Limits{Within: "https://api.test/v3/"}, all))
	assert.ErrorIs(t, err, httpx.ErrPagination)
	assert.ErrorIs(t, err, tributary.ErrMalformedResponse)
	assert.ErrorContains(t, err, "leaves the API root https://api.test/v3/")
	_, _, err = collect(httpx.Link(t.Context(), c, "https://api.test/items", httpx.Limits{Within: "https://api.test/"}, all))
	assert.NoError(t, err)
}

func TestNextLink(t *testing.T) {
	base, _ := url.Parse("https://api.test/v1/items?page=1")
	tests := map[string]string{
		`<https://api.test/v1/items?page=2>; rel="next"`:       "https://api.test/v1/items?page=2",
		`<https://x/1>; rel="prev", <https://x/3>; rel="next"`: "https://x/3",
		`</v1/items?page=5>; rel=next`:                         "https://api.test/v1/items?page=5",
		`<https://x/9>; rel="next last"`:                       "https://x/9",
		`<https://x/1>; rel="first"`:                           "",
		`garbage`:                                              "",
		`<https://x/2>; title="a"; REL="Next"`:                 "https://x/2",
	}
	for in, want := range tests {
		h := http.Header{"Link": {in}}
		assert.Equal(t, want, httpx.NextLink(h, base), in)
	}
}
