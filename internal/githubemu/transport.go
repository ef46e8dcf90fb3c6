package githubemu

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"syscall"
)

// Transport returns a RoundTripper that serves requests from s in memory,
// with no network: tests under testing/synctest use it so that waits for
// Retry-After and backoff pass in fake time. Faults behave as over a
// network: a reset fails the round trip with ECONNRESET and a truncated
// body fails its read with io.ErrUnexpectedEOF.
func (s *Server) Transport() http.RoundTripper { return memTransport{h: s} }

type memTransport struct{ h http.Handler }

func (t memTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.Host = req.URL.Host
	in.RemoteAddr = "192.0.2.1:4711"
	w := &memWriter{header: http.Header{}}
	if aborted := serve(t.h, w, in); aborted && !w.wrote {
		return nil, &resetError{}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	body := io.Reader(bytes.NewReader(w.body.Bytes()))
	if n, err := strconv.Atoi(w.header.Get("Content-Length")); err == nil && n > w.body.Len() {
		body = io.MultiReader(body, errReader{io.ErrUnexpectedEOF})
	}
	return &http.Response{
		Status: strconv.Itoa(w.status) + " " + http.StatusText(w.status), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: w.header,
		Body: io.NopCloser(body), ContentLength: -1, Request: req,
	}, nil
}

// serve runs the handler and reports whether it aborted the connection.
func serve(h http.Handler, w *memWriter, r *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, r)
	return false
}

// resetError is what a client sees when the server drops the connection.
type resetError struct{}

func (*resetError) Error() string          { return "read: connection reset by peer" }
func (*resetError) Unwrap() error          { return syscall.ECONNRESET }
func (*resetError) Timeout() bool          { return false }
func (*resetError) Temporary() bool        { return true }
func (e *resetError) Is(target error) bool { return errors.Is(syscall.ECONNRESET, target) }

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// memWriter records a response.
type memWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *memWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.wrote = true
	return w.body.Write(b)
}

// Flush is a no-op: the whole answer is handed over at once. A handler
// that tries to hijack the connection finds it unsupported and aborts,
// which the transport turns into a reset or a truncated body.
func (w *memWriter) Flush() {}
