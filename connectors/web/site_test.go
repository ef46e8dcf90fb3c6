package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// testSite is a local website: fixed responses by path, with a count of
// the requests each path received.
type testSite struct {
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
}

func newTestSite() *testSite {
	return &testSite{routes: make(map[string]http.HandlerFunc), hits: make(map[string]int)}
}

func (s *testSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.hits[p]++
	h, ok := s.routes[p]
	if !ok {
		h = s.routes[r.URL.Path]
	}
	for prefix, ph := range s.routes {
		if h == nil && strings.HasSuffix(prefix, "/") && len(prefix) > 1 && strings.HasPrefix(r.URL.Path, prefix) {
			h = ph
		}
	}
	s.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (s *testSite) hitsOf(p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[p]
}

func (s *testSite) handle(p string, h http.HandlerFunc) { s.routes[p] = h }

// page serves an HTML page.
func (s *testSite) page(p, title, body string) {
	s.handle(p, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title></head><body>%s</body></html>", title, body)
	})
}

// raw serves a body with a content type and optional Last-Modified.
func (s *testSite) raw(p, contentType string, body []byte, lastMod time.Time) {
	s.handle(p, func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		if !lastMod.IsZero() {
			w.Header().Set("Last-Modified", lastMod.UTC().Format(http.TimeFormat))
		}
		w.Write(body)
	})
}

func (s *testSite) redirect(from, to string, code int) {
	s.handle(from, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, code) })
}

// serve starts s on a loopback listener.
func (s *testSite) serve(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// handlerTransport serves requests in memory, so tests under synctest need
// no sockets.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	done := make(chan *http.Response, 1)
	go func() {
		rec := httptest.NewRecorder()
		t.h.ServeHTTP(rec, req)
		done <- rec.Result()
	}()
	select {
	case resp := <-done:
		resp.Request = req
		return resp, nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// settings returns defaults for url with a fast rate, as tests want.
func settings(url string, mode Mode) Settings {
	var s Settings
	s.SetDefaults()
	s.URL, s.Mode = url, mode
	s.RequestsPerSecond = 1000
	return s
}

// localEnv allows loopback addresses, as tests need.
var localEnv = tributary.Env{AllowPrivateNetwork: true}

func open(t testing.TB, s Settings, env tributary.Env) *Connector {
	t.Helper()
	c, err := New(s, Credentials{}, env)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// collected is everything a stream yielded.
type collected struct {
	docs        map[string]*tributary.Document
	order       []string
	failures    map[string]*tributary.Failure
	checkpoints []tributary.Checkpoint
	err         error
}

func collect(t testing.TB, items func(func(tributary.Item, error) bool)) collected {
	t.Helper()
	out := collected{docs: map[string]*tributary.Document{}, failures: map[string]*tributary.Failure{}}
	for it, err := range items {
		switch {
		case err != nil:
			out.err = err
		case it.Document != nil:
			if _, dup := out.docs[it.Document.ID]; dup {
				t.Errorf("document %s yielded twice", it.Document.ID)
			}
			out.docs[it.Document.ID] = it.Document
			out.order = append(out.order, it.Document.ID)
		case it.Failure != nil:
			id := it.Failure.DocumentID
			if id == "" {
				id = it.Failure.EntityID
			}
			out.failures[id] = it.Failure
		case len(it.Checkpoint) > 0:
			out.checkpoints = append(out.checkpoints, it.Checkpoint)
		default:
			t.Errorf("empty item")
		}
	}
	return out
}

func stream(c *Connector, cp tributary.Checkpoint) func(func(tributary.Item, error) bool) {
	return c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, cp)
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func join(base string, paths ...string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = base + p
	}
	slices.Sort(out)
	return out
}
