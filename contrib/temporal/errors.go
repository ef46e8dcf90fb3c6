package temporal

import (
	"context"
	"errors"
	"time"

	"github.com/tributary-dev/tributary"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// The types of the application errors that activities and workflows of this
// package fail with. Those that are not retryable end the workflow.
const (
	ErrTypeInvalidConfig           = "tributary.InvalidConfig"
	ErrTypeCredentialExpired       = "tributary.CredentialExpired"
	ErrTypeInsufficientPermissions = "tributary.InsufficientPermissions"
	ErrTypeNotFound                = "tributary.NotFound"
	ErrTypeInvalidCheckpoint       = "tributary.InvalidCheckpoint"
	ErrTypeUnknownSource           = "tributary.UnknownSource"
	ErrTypeNotSupported            = "tributary.NotSupported"
	ErrTypeTooManyFailures         = "tributary.TooManyFailures"
	ErrTypePruneRefused            = "tributary.PruneRefused"
	ErrTypeRateLimited             = "tributary.RateLimited"
	ErrTypeTransient               = "tributary.Transient"
)

// permanent maps the error kinds that retrying cannot fix to their types.
var permanent = []struct {
	kind error
	typ  string
}{
	{tributary.ErrInvalidConfig, ErrTypeInvalidConfig},
	{tributary.ErrCredentialExpired, ErrTypeCredentialExpired},
	{tributary.ErrInsufficientPermissions, ErrTypeInsufficientPermissions},
	{tributary.ErrNotFound, ErrTypeNotFound},
	{tributary.ErrInvalidCheckpoint, ErrTypeInvalidCheckpoint},
	{tributary.ErrUnknownSource, ErrTypeUnknownSource},
	{tributary.ErrNotSupported, ErrTypeNotSupported},
	{tributary.ErrTooManyFailures, ErrTypeTooManyFailures},
}

// nonRetryableTypes lists the types above that end a workflow; activity retry
// policies name them too, so a retry is refused even if an error lost its
// non-retryable flag on the way.
func nonRetryableTypes() []string {
	types := make([]string, 0, len(permanent)+1)
	for _, p := range permanent {
		types = append(types, p.typ)
	}
	return append(types, ErrTypePruneRefused)
}

// classify turns an error from a connector, the sink or the store into the
// error an activity returns: a non-retryable application error for the
// kinds retrying cannot fix, an application error that asks for the
// source's Retry-After delay for rate limits and transient failures, and err
// itself otherwise (Temporal retries it with the policy's backoff).
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	for _, p := range permanent {
		if errors.Is(err, p.kind) {
			return temporalsdk.NewNonRetryableApplicationError(msg, p.typ, nil)
		}
	}
	if refusal, ok := errors.AsType[*tributary.PruneRefusal](err); ok && !retryable(refusal.Err) {
		return temporalsdk.NewNonRetryableApplicationError(msg, ErrTypePruneRefused, nil)
	}
	typ := ErrTypeTransient
	if errors.Is(err, tributary.ErrRateLimited) {
		typ = ErrTypeRateLimited
	}
	return temporalsdk.NewApplicationErrorWithOptions(msg, typ, temporalsdk.ApplicationErrorOptions{
		NextRetryDelay: retryAfter(err),
	})
}

// retryable reports whether a prune listing's error may pass on a retry.
func retryable(err error) bool {
	return errors.Is(err, tributary.ErrTransient) || errors.Is(err, tributary.ErrRateLimited)
}

// retryAfter returns the longest delay any *tributary.Error in err's tree
// asks for, or zero.
func retryAfter(err error) (d time.Duration) {
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if te, ok := e.(*tributary.Error); ok && te.RetryAfter > d {
			d = te.RetryAfter
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return d
}
