package connectortest

import (
	"context"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

func (b *broken) Probe(ctx context.Context) []tributary.ProbeResult {
	if b.probe != nil {
		return b.probe(b.Connector, ctx)
	}
	return b.Connector.Probe(ctx)
}

func (b *broken) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	if b.normalize != nil {
		return b.normalize(b.Connector, ctx, rawURL)
	}
	return b.Connector.NormalizeURL(ctx, rawURL)
}

// The broken probes and normalisers, and the checks that catch them.
var (
	probeFailsOnTransient = brokenCase{name: "probe fails on a transient error", check: "Probe",
		b: broken{probe: failEveryError}, want: "Probe with a cancelled context reports indexing as failed"}
	probeIgnoresValidate = brokenCase{name: "probe passes what Validate refuses", check: "Probe",
		want: "Probe with bad credentials reports indexing passed; want failed",
		bad: func(t testing.TB) tributary.Connector {
			return &broken{Connector: openMock(t, "bad"), probe: alwaysPassed}
		}}
	normalizeKeepsFragment = brokenCase{name: "normalised id keeps a fragment", check: "NormalizeURL",
		b: broken{normalize: withFragment}, want: `NormalizeURL("mock://docs/1") = "mock://docs/1#top"`}
	normalizeAcceptsAnything = brokenCase{name: "normaliser accepts a foreign URL", check: "NormalizeURL",
		b: broken{normalize: identity}, want: "want an error matching tributary.ErrForeignURL or ErrNotSupported"}
)

// failEveryError counts any error, a cancelled context included, as a
// missing permission.
func failEveryError(m *mock.Connector, ctx context.Context) []tributary.ProbeResult {
	r := tributary.ProbeResult{Capability: tributary.CapIndexing, Status: tributary.ProbePassed}
	if err := m.Validate(ctx); err != nil {
		r.Status, r.Err = tributary.ProbeFailed, err
	}
	return []tributary.ProbeResult{r}
}

// alwaysPassed reports indexing as passed without asking the source.
func alwaysPassed(*mock.Connector, context.Context) []tributary.ProbeResult {
	return []tributary.ProbeResult{{Capability: tributary.CapIndexing, Status: tributary.ProbePassed}}
}

func withFragment(m *mock.Connector, ctx context.Context, rawURL string) (string, error) {
	id, err := m.NormalizeURL(ctx, rawURL)
	if err != nil {
		return "", err
	}
	return id + "#top", nil
}

func identity(_ *mock.Connector, _ context.Context, rawURL string) (string, error) {
	return strings.TrimSpace(rawURL), nil
}
