package mock_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/connectortest"
)

// slowSource waits a minute before each page, as a connector backing off
// from a rate-limited upstream would.
type slowSource struct{ *mock.Connector }

func (s slowSource) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		timer := time.NewTimer(time.Minute)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			yield(nil, ctx.Err())
			return
		case <-timer.C:
		}
		for d, err := range s.Connector.Load(ctx) {
			if !yield(d, err) {
				return
			}
		}
	}
}

// TestConformanceInBubble runs the kit inside synctest bubbles: a source
// that waits a minute before every load passes in no real time.
func TestConformanceInBubble(t *testing.T) {
	s := fixture()
	connectortest.Run(t, connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return slowSource{open(t, s, "good")} },
		WantIDs:        append(ids(1, 2, 3, 5, 6, 7, 8, 9), "mock://docs/undated"),
		WantFailureIDs: ids(4),
		Requests:       func(c tributary.Connector) int { return c.(slowSource).Requests() },
		Synctest:       true,
	})
}
