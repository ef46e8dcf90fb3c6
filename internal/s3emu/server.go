// Package s3emu serves the S3 API in process for tests, examples and
// benchmarks of the blob connector: github.com/johannesboyne/gofakes3 over
// its in-memory backend, behind internal/emulator, so the emulator's fault
// schedule (503 SlowDown, resets, truncated bodies), request log and
// in-memory transport apply to a real S3 implementation rather than to a
// hand-written mock.
package s3emu

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Test credentials the emulator accepts unless Options names others.
const (
	AccessKeyID     = "AKIAEMULATOR000001"
	SecretAccessKey = "emulator-secret-key-0001"
)

// SlowDown is S3's answer when a prefix takes too many requests: 503 with
// code SlowDown.
var SlowDown = emulator.Fault{Status: http.StatusServiceUnavailable}

// Options configure a Server. Every field may be left zero.
type Options struct {
	// AccessKeyIDs are the access keys accepted; empty means AccessKeyID.
	// Signatures are not verified, only the key named in them.
	AccessKeyIDs []string
	// Latency delays every answer (see emulator.Options.Latency).
	Latency time.Duration
}

// Server is an in-process S3 service. It is safe for concurrent use.
type Server struct {
	*emulator.Server
	backend *s3mem.Backend
	clock   *clock
	putMu   sync.Mutex // Put sets the clock and stores under it
}

// New returns a Server with no buckets.
func New(o Options) *Server {
	keys := o.AccessKeyIDs
	if len(keys) == 0 {
		keys = []string{AccessKeyID}
	}
	clk := &clock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	backend := s3mem.New(s3mem.WithTimeSource(clk))
	fake := gofakes3.New(backend, gofakes3.WithTimeSource(clk), gofakes3.WithTimeSkewLimit(0),
		gofakes3.WithLogger(gofakes3.DiscardLog()))
	s := &Server{Server: emulator.New(emulator.Options{Auth: accessKeys(keys), Unauthorized: invalidAccessKey, Latency: o.Latency}),
		backend: backend, clock: clk}
	s.Handle("/", fake.Server().ServeHTTP)
	return s
}

// CreateBucket adds an empty bucket.
func (s *Server) CreateBucket(name string) {
	if err := s.backend.CreateBucket(name); err != nil {
		panic(fmt.Sprintf("s3emu: create bucket %s: %v", name, err))
	}
}

// Put stores an object whose LastModified is modified, in listings and in
// the Last-Modified header of its GetObject and HeadObject answers (as S3
// gives it; gofakes3 keeps it in the object's metadata).
func (s *Server) Put(bucket, key string, body []byte, modified time.Time) {
	s.putMu.Lock()
	defer s.putMu.Unlock()
	s.clock.set(modified.UTC())
	meta := map[string]string{"Last-Modified": modified.UTC().Format(http.TimeFormat)}
	if _, err := s.backend.PutObject(bucket, key, meta, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		panic(fmt.Sprintf("s3emu: put %s/%s: %v", bucket, key, err))
	}
}

// Delete removes an object.
func (s *Server) Delete(bucket, key string) {
	if _, err := s.backend.DeleteObject(bucket, key); err != nil {
		panic(fmt.Sprintf("s3emu: delete %s/%s: %v", bucket, key, err))
	}
}

// accessKeys accepts a request signed with Signature Version 4 (in the
// Authorization header) by one of keys; the principal is the key.
func accessKeys(keys []string) emulator.Auth {
	return func(r *http.Request) (string, bool) {
		const scheme = "AWS4-HMAC-SHA256 "
		h := r.Header.Get("Authorization")
		if !strings.HasPrefix(h, scheme) {
			return "", false
		}
		for part := range strings.SplitSeq(h[len(scheme):], ",") {
			cred, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential=")
			if !ok {
				continue
			}
			key, _, _ := strings.Cut(cred, "/")
			for _, k := range keys {
				if key == k {
					return key, true
				}
			}
		}
		return "", false
	}
}

// invalidAccessKey answers as S3 does for an unknown access key.
func invalidAccessKey(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+
		`<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>`)
}

// clock is the time gofakes3 stamps objects with, set by Put.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
