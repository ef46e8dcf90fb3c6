package zendesk

import (
	"testing"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// BenchmarkLoad reads an account of 200 articles and 800 tickets with
// three comments each from the in-memory emulator with no pace, reporting
// the connector's own cost and, from its requests a document, what
// Zendesk's 200 requests a minute (Team plan) allow.
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b, zendeskemu.GenerateOptions{Categories: 4, Sections: 5, Articles: 10, Tickets: 800, Comments: 3,
		Seed: 70, Start: past}, zendeskemu.Options{ExportsPerMinute: -1})
	c := f.connector(b, f.settings(), f.env())
	connectortest.BenchLoad(b, c, func() int { return f.emu.Count("*") }, 200.0/60)
}
