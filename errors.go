package tributary

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error kinds. Match them with errors.Is; every error a connector returns for
// one of these conditions wraps the kind, usually through *Error.
var (
	// ErrUnknownSource: no connector is registered for the source.
	ErrUnknownSource = errors.New("unknown source")
	// ErrNotSupported: the connector lacks the capability asked for.
	ErrNotSupported = errors.New("not supported")
	// ErrInvalidConfig: settings or credentials are malformed or incomplete.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrInvalidCheckpoint: checkpoint bytes are malformed, too large, or
	// belong to another connector or version.
	ErrInvalidCheckpoint = errors.New("invalid checkpoint")
	// ErrCredentialExpired: the source rejected the credentials (HTTP 401,
	// an OAuth invalid_grant).
	ErrCredentialExpired = errors.New("credentials rejected or expired")
	// ErrInsufficientPermissions: the credentials are valid but may not do
	// what was asked (HTTP 403 without a rate limit).
	ErrInsufficientPermissions = errors.New("insufficient permissions")
	// ErrNotFound: the object does not exist or is hidden (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: the source asked to slow down and retries ran out.
	ErrRateLimited = errors.New("rate limited")
	// ErrTransient: a server error or a network failure that may pass.
	ErrTransient = errors.New("transient failure")
	// ErrMalformedResponse: the source answered, but with something the
	// connector cannot use: an object without a field it needs, or a
	// listing that contradicts itself (a cursor repeated, "more" without a
	// cursor). Asking again at once would get the same answer, so it is not
	// transient and is not retried.
	ErrMalformedResponse = errors.New("malformed response")
)

// Error carries detail about a failed operation. It matches both its Kind and
// its cause with errors.Is and errors.As.
type Error struct {
	// Op names the operation, such as "github: list pull requests".
	Op string
	// Kind is one of the Err* kinds above, or nil.
	Kind error
	// RetryAfter, when positive, is how long the source asked to wait.
	RetryAfter time.Duration
	// Err is the underlying cause, or nil.
	Err error
}

// Error returns "op: kind: cause", omitting empty parts.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	if e.Kind != nil && (e.Err == nil || !errors.Is(e.Err, e.Kind)) {
		add(e.Kind.Error())
	}
	if e.Err != nil {
		add(e.Err.Error())
	}
	if e.RetryAfter > 0 {
		add(fmt.Sprintf("retry after %s", e.RetryAfter))
	}
	return b.String()
}

// Unwrap returns the kind and the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// NewError returns an *Error of the given kind wrapping err.
func NewError(op string, kind, err error) *Error {
	return &Error{Op: op, Kind: kind, Err: err}
}

// Kind returns the first of the package's error kinds that err matches, or
// nil when it matches none.
func Kind(err error) error {
	for _, k := range []error{
		ErrUnknownSource, ErrNotSupported, ErrInvalidConfig, ErrInvalidCheckpoint,
		ErrCredentialExpired, ErrInsufficientPermissions, ErrNotFound,
		ErrRateLimited, ErrTransient, ErrMalformedResponse, ErrForeignURL,
	} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// Failure reports that one document or entity could not be fetched or
// converted. It is non-terminal: a connector yields it as an error (or an
// Item) and carries on; the runner records it and goes on.
//
// DocumentID uses exactly the scheme of the document's own ID, so a backend
// can match the failure to the document it would have received. EntityID is
// for failures that are not one document (a channel, a folder listing).
type Failure struct {
	DocumentID string
	EntityID   string
	Link       string
	// MissedStart and MissedEnd, when set, bound the time range whose
	// documents may be missing because of this failure.
	MissedStart, MissedEnd time.Time
	Message                string
	Err                    error
}

// Error describes the failure.
func (f *Failure) Error() string {
	var b strings.Builder
	b.WriteString("failure")
	switch {
	case f.DocumentID != "":
		b.WriteString(" on document " + f.DocumentID)
	case f.EntityID != "":
		b.WriteString(" on " + f.EntityID)
	}
	if f.Message != "" {
		b.WriteString(": " + f.Message)
	}
	if f.Err != nil {
		b.WriteString(": " + f.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (f *Failure) Unwrap() error { return f.Err }

// AsFailure reports whether err is (or wraps) a *Failure, and returns it.
func AsFailure(err error) (*Failure, bool) {
	return errors.AsType[*Failure](err)
}

// DocumentFailure returns a Failure for the document with the given id.
func DocumentFailure(id, link string, err error) *Failure {
	return &Failure{DocumentID: id, Link: link, Err: err}
}

// EntityFailure returns a Failure for an entity that is not a document.
func EntityFailure(id, link string, err error) *Failure {
	return &Failure{EntityID: id, Link: link, Err: err}
}
