package tributary

import (
	"context"
	"errors"
	"strings"
)

// Capability names something a connector's credentials may or may not
// allow, as a Prober reports it.
type Capability string

// Capabilities a probe reports on.
const (
	// CapIndexing: reading the documents (Load, Poll, the checkpoint
	// stream).
	CapIndexing Capability = "indexing"
	// CapAccessSync: reading who may see each document (ExternalAccess).
	CapAccessSync Capability = "access_sync"
	// CapGroupSync: listing the source's groups and their members.
	CapGroupSync Capability = "group_sync"
)

// ProbeStatus is the outcome of probing one capability.
type ProbeStatus string

// Probe outcomes.
const (
	// ProbePassed: the credentials allow the capability.
	ProbePassed ProbeStatus = "passed"
	// ProbeFailed: the source answered that the credentials do not allow
	// it (rejected credentials, a missing scope or permission).
	ProbeFailed ProbeStatus = "failed"
	// ProbeIndeterminate: the probe could not tell: a timeout, a server
	// error, a rate limit, a network failure. It is never reported as
	// ProbeFailed.
	ProbeIndeterminate ProbeStatus = "indeterminate"
)

// ProbeResult is what a probe found for one capability.
type ProbeResult struct {
	Capability Capability  `json:"capability"`
	Status     ProbeStatus `json:"status"`
	// Missing names the scopes or permissions the credentials lack, in
	// the source's own words ("repo", "channels:history", "BROWSE_PROJECTS"),
	// when the status is ProbeFailed and the source says.
	Missing []string `json:"missing,omitempty"`
	// Err is why the status is not ProbePassed, or nil.
	Err error `json:"-"`
}

// String reads like "access_sync: failed (missing read:org)".
func (r ProbeResult) String() string {
	s := string(r.Capability) + ": " + string(r.Status)
	if len(r.Missing) > 0 {
		s += " (missing " + strings.Join(r.Missing, ", ") + ")"
	}
	return s
}

// Prober reports, per capability, whether the connector's credentials allow
// it. Where Validate answers "do the credentials work", Probe answers "for
// what": a token may read documents and still lack the scope that lists a
// repository's collaborators.
type Prober interface {
	Connector
	// Probe returns one result per capability the connector offers, in the
	// order of the Cap* constants. It sends a few cheap requests, never a
	// listing. A timeout, a 5xx or a rate limit gives ProbeIndeterminate,
	// never ProbeFailed. Cancelling ctx makes every unfinished capability
	// ProbeIndeterminate.
	Probe(ctx context.Context) []ProbeResult
}

// Probe reports what the credentials of c allow: through its Probe method,
// or else from Validate, as one result for CapIndexing.
func Probe(ctx context.Context, c Connector) []ProbeResult {
	if p, ok := c.(Prober); ok {
		return p.Probe(ctx)
	}
	return []ProbeResult{ProbeOf(CapIndexing, c.Validate(ctx))}
}

// ProbeOf classifies the outcome err of a probe of capability: nil passes;
// rejected credentials, missing permissions, a configured object not found
// and bad configuration fail; anything else (a timeout, a server error, a
// rate limit, a cancelled context) is indeterminate. missing names what the
// credentials lack when it fails.
func ProbeOf(capability Capability, err error, missing ...string) ProbeResult {
	r := ProbeResult{Capability: capability, Status: ProbePassed, Err: err}
	switch {
	case err == nil:
		r.Missing = nil
		return r
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrTransient), errors.Is(err, ErrRateLimited):
		r.Status = ProbeIndeterminate
	case errors.Is(err, ErrCredentialExpired), errors.Is(err, ErrInsufficientPermissions),
		errors.Is(err, ErrNotFound), errors.Is(err, ErrInvalidConfig):
		r.Status = ProbeFailed
		r.Missing = missing
	default:
		r.Status = ProbeIndeterminate
	}
	return r
}
