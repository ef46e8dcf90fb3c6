package bookstack

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

// answerPages serves body for every page listing and leaves the rest to
// the emulator.
type answerPages struct {
	next http.RoundTripper
	body string
}

func (a answerPages) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path != "/api/pages" {
		return a.next.RoundTrip(req)
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(a.body)), Request: req}, nil
}

// Listings that contradict themselves or lack what the connector needs
// never panic: a page without an update time is a failure under its id;
// an answer without its list or total, an item without an id, or a
// listing out of update order ends the run with ErrMalformedResponse.
func TestMalformedListings(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	page := func(id int, updated string) string {
		return `{"id":` + itoa(id) + `,"book_id":1,"chapter_id":0,"name":"P","slug":"p","updated_at":"` + updated + `"}`
	}
	for name, tc := range map[string]struct {
		body    string
		failure string
	}{
		"data not a list":  {body: `{"data":{"id":1},"total":1}`},
		"no total":         {body: `{"data":[]}`},
		"item without id":  {body: `{"data":[{"name":"x"}],"total":1}`},
		"out of order":     {body: `{"data":[` + page(1, "2024-03-02T00:00:00.000000Z") + `,` + page(2, "2024-03-01T00:00:00.000000Z") + `],"total":2}`},
		"no update time":   {body: `{"data":[{"id":9,"book_id":1,"name":"x"}],"total":1}`, failure: pageID(9)},
		"not JSON at all":  {body: `<html>maintenance</html>`},
		"more than a page": {body: `{"data":[` + strings.Repeat(page(1, "2024-03-01T00:00:00.000000Z")+",", 100) + page(2, "2024-03-01T00:00:00.000000Z") + `],"total":101}`},
	} {
		t.Run(name, func(t *testing.T) {
			env := f.env()
			env.HTTPClient = &http.Client{Transport: answerPages{next: f.emu.Transport(), body: tc.body}}
			o := fast
			o.retry.MaxAttempts = 2
			got := collect(t.Context(), f.connector(t, f.settings(), env, o), time.Time{}, time.Time{}, nil)
			if tc.failure != "" {
				require.NoError(t, got.Err)
				require.Len(t, got.Failures, 1)
				assert.Equal(t, tc.failure, got.Failures[0].DocumentID)
				assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
				return
			}
			require.Error(t, got.Err)
			if name != "not JSON at all" {
				assert.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
