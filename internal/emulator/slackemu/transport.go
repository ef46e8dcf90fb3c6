package slackemu

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
)

// Client returns an HTTP client whose transport calls the server in
// process, with no network: tests under testing/synctest use it so that
// every wait is on the bubble's fake clock. Resets and truncated bodies
// reach the client as they would over a network: a connection error, and a
// body that ends early with io.ErrUnexpectedEOF.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcess{s}}
}

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	// A server reads the body before it answers; so does this one.
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	rec := httptest.NewRecorder()
	aborted := serve(t.h, rec, req)
	if aborted && !rec.Flushed {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	resp = rec.Result()
	resp.Request = req
	if aborted {
		want, _ := strconv.Atoi(rec.Header().Get("Content-Length"))
		resp.ContentLength = int64(want)
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(rec.Body.Bytes()), errReader{io.ErrUnexpectedEOF}))
	}
	return resp, nil
}

// serve runs the handler and reports whether it aborted the connection.
func serve(h http.Handler, w *httptest.ResponseRecorder, req *http.Request) (aborted bool) {
	defer func() {
		if r := recover(); r != nil {
			err, ok := r.(error)
			if !ok || !errors.Is(err, http.ErrAbortHandler) {
				panic(r)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, req)
	return false
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
