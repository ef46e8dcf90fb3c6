package tributary_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/tributary-dev/tributary"
)

// scopedConnector holds a token with some scopes; listing members needs
// "members".
type scopedConnector struct{ scopes map[string]bool }

func (scopedConnector) Source() tributary.DocumentSource { return "scoped" }
func (scopedConnector) Validate(context.Context) error   { return nil }

func (c scopedConnector) Probe(ctx context.Context) []tributary.ProbeResult {
	var groups error
	if !c.scopes["members"] {
		groups = tributary.NewError("scoped: list members", tributary.ErrInsufficientPermissions, nil)
	}
	return []tributary.ProbeResult{
		tributary.ProbeOf(tributary.CapIndexing, c.Validate(ctx)),
		tributary.ProbeOf(tributary.CapGroupSync, groups, "members"),
	}
}

func ExampleProbe() {
	ctx := context.Background()
	for _, r := range tributary.Probe(ctx, scopedConnector{scopes: map[string]bool{"read": true}}) {
		fmt.Println(r)
	}
	// A connector without a Probe method is probed through Validate.
	down := plainConnector{err: tributary.NewError("plain: validate", tributary.ErrTransient, errors.New("HTTP 503"))}
	fmt.Println(tributary.Probe(ctx, down)[0])
	// Output:
	// indexing: passed
	// group_sync: failed (missing members)
	// indexing: indeterminate
}

func TestProbeOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want tributary.ProbeStatus
	}{
		{nil, tributary.ProbePassed},
		{tributary.NewError("x", tributary.ErrCredentialExpired, nil), tributary.ProbeFailed},
		{tributary.NewError("x", tributary.ErrInsufficientPermissions, nil), tributary.ProbeFailed},
		{tributary.NewError("x", tributary.ErrNotFound, nil), tributary.ProbeFailed},
		{tributary.NewError("x", tributary.ErrTransient, fmt.Errorf("HTTP %d", http.StatusBadGateway)), tributary.ProbeIndeterminate},
		{tributary.NewError("x", tributary.ErrRateLimited, nil), tributary.ProbeIndeterminate},
		// A 5xx that also looks like a permission problem is still a 5xx.
		{errors.Join(tributary.ErrTransient, tributary.ErrInsufficientPermissions), tributary.ProbeIndeterminate},
		{context.DeadlineExceeded, tributary.ProbeIndeterminate},
		{errors.New("something odd"), tributary.ProbeIndeterminate},
	} {
		r := tributary.ProbeOf(tributary.CapIndexing, tc.err, "scope")
		if r.Status != tc.want {
			t.Errorf("ProbeOf(%v) = %s, want %s", tc.err, r.Status, tc.want)
		}
		if (len(r.Missing) > 0) != (tc.want == tributary.ProbeFailed) {
			t.Errorf("ProbeOf(%v).Missing = %v", tc.err, r.Missing)
		}
	}
}

func TestProbeFallsBackToValidate(t *testing.T) {
	got := tributary.Probe(context.Background(), plainConnector{err: tributary.NewError("v", tributary.ErrCredentialExpired, nil)})
	if len(got) != 1 || got[0].Capability != tributary.CapIndexing || got[0].Status != tributary.ProbeFailed {
		t.Fatalf("Probe = %v", got)
	}
}
