package connectortest

import (
	"context"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// slimOpensAccess lists document 2 as public, which Load does not say.
func slimOpensAccess(m *mock.Connector, ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		for s, err := range m.LoadSlim(ctx, start, end) {
			if s.ID == mock.SampleID(2) {
				s.ExternalAccess = &tributary.ExternalAccess{Public: true}
			}
			if !yield(s, err) {
				return
			}
		}
	}
}
