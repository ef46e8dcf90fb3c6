package httpx_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// cutShort answers with content, but only its first half after the
// first good answers: the header still gives the whole length.
func cutShort(content string, calls *atomic.Int32, broken func(n int32) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		if broken(n) {
			io.WriteString(w, content[:len(content)/2])
			return
		}
		io.WriteString(w, content)
	})
}

func getReq(t *testing.T, ctx context.Context) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://files.test/f?sig=s3cr3t", nil)
	require.NoError(t, err)
	return req
}

func TestDoBodyCutShortFetchedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := cutShort("the whole content", &calls, func(n int32) bool { return n <= 2 })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		start := time.Now()
		resp, b, err := c.DoBody(getReq(t, t.Context()), 1<<10, nil)
		require.NoError(t, err)
		assert.Equal(t, "the whole content", string(b))
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, int32(3), calls.Load())
		assert.Equal(t, 1500*time.Millisecond, time.Since(start), "the policy's backoff: 0.5s, 1s")
	})
}

func TestDoBodyBrokenEveryTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := cutShort("the whole content", &calls, func(int32) bool { return true })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		_, b, err := c.DoBody(getReq(t, t.Context()), 1<<10, nil)
		require.ErrorIs(t, err, tributary.ErrTransient)
		assert.Nil(t, b)
		assert.Contains(t, err.Error(), "body cut short: 8 of 17 bytes")
		assert.NotContains(t, err.Error(), "s3cr3t", "the URL's query is redacted")
		assert.Equal(t, int32(5), calls.Load(), "fetched up to the policy's attempts")
	})
}

func TestDoBodyVerify(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Sum", "good")
			if calls.Add(1) == 1 {
				io.WriteString(w, "stale copy")
				return
			}
			io.WriteString(w, "good")
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		verify := func(resp *http.Response, b []byte) error {
			if string(b) != resp.Header.Get("X-Sum") {
				return errors.New("does not match its checksum")
			}
			return nil
		}
		_, b, err := c.DoBody(getReq(t, t.Context()), 1<<10, verify)
		require.NoError(t, err)
		assert.Equal(t, "good", string(b))
		assert.Equal(t, int32(2), calls.Load())

		// A refusal that never passes ends as ErrTransient naming it.
		_, _, err = c.DoBody(getReq(t, t.Context()), 1<<10, func(*http.Response, []byte) error { return errors.New("never right") })
		require.ErrorIs(t, err, tributary.ErrTransient)
		assert.Contains(t, err.Error(), "never right")
	})
}

func TestDoBodyOverLimit(t *testing.T) {
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, strings.Repeat("a", 100))
	})
	c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
	require.NoError(t, err)
	_, _, err = c.DoBody(getReq(t, t.Context()), 99, nil)
	require.ErrorIs(t, err, httpx.ErrBodyTooLarge)
	assert.Equal(t, int32(1), calls.Load(), "a body over the limit is not fetched again")

	_, b, err := c.DoBody(getReq(t, t.Context()), 100, nil)
	require.NoError(t, err)
	assert.Len(t, b, 100, "a body of exactly the limit is whole")

	// The client's own cap counts the same.
	capped, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), MaxBodyBytes: 50})
	require.NoError(t, err)
	_, _, err = capped.DoBody(getReq(t, t.Context()), 1<<10, nil)
	require.ErrorIs(t, err, httpx.ErrBodyTooLarge)
}

func TestDoBodyReadErrorFetchedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		rt := fnTransport(func(req *http.Request) (*http.Response, error) {
			body := io.NopCloser(io.MultiReader(strings.NewReader("part"), errReader{io.ErrUnexpectedEOF}))
			if calls.Add(1) > 1 {
				body = io.NopCloser(strings.NewReader("whole"))
			}
			return &http.Response{StatusCode: http.StatusOK, Body: body, ContentLength: -1, Header: http.Header{}, Request: req}, nil
		})
		c, err := httpx.New(httpx.Options{Env: envFor(rt)})
		require.NoError(t, err)
		_, b, err := c.DoBody(getReq(t, t.Context()), 1<<10, nil)
		require.NoError(t, err)
		assert.Equal(t, "whole", string(b))
		assert.Equal(t, int32(2), calls.Load())
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestDoBodyOnlyIdempotentSentTwice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := cutShort("the whole content", &calls, func(n int32) bool { return n == 1 })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		post := func(ctx context.Context) *http.Request {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://files.test/download", nil)
			require.NoError(t, err)
			return req
		}
		_, _, err = c.DoBody(post(t.Context()), 1<<10, nil)
		require.ErrorIs(t, err, tributary.ErrTransient)
		assert.Equal(t, int32(1), calls.Load(), "a POST not marked idempotent is sent once")

		calls.Store(0)
		_, b, err := c.DoBody(post(httpx.Idempotent(t.Context())), 1<<10, nil)
		require.NoError(t, err)
		assert.Equal(t, "the whole content", string(b))
		assert.Equal(t, int32(2), calls.Load())
	})
}

func TestDoBodyStatusAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			http.NotFound(w, r)
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		_, _, err = c.DoBody(getReq(t, t.Context()), 1<<10, nil)
		require.ErrorIs(t, err, tributary.ErrNotFound, "a status error is Do's")
		assert.Equal(t, int32(1), calls.Load())

		// A context cancelled during the backoff ends the wait with its error.
		calls.Store(0)
		ctx, cancel := context.WithCancel(t.Context())
		broken := cutShort("the whole content", &calls, func(int32) bool { return true })
		c, err = httpx.New(httpx.Options{Env: envFor(handlerTransport{broken})})
		require.NoError(t, err)
		time.AfterFunc(200*time.Millisecond, cancel)
		_, _, err = c.DoBody(getReq(t, ctx), 1<<10, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, int32(1), calls.Load())
	})
}
