package confluence

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault bool
		want  tributary.ProbeStatus
	}{
		{name: "space permissions readable", want: tributary.ProbePassed},
		{name: "server errors", fault: true, want: tributary.ProbeIndeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 1, Pages: 2, Seed: 8}, confluenceemu.Options{})
				c := f.connector(t, f.settings())
				if tc.fault {
					f.emu.FailNext("GET /wiki/rest/api/space/{key}", 1000, emulator.Fault{Status: http.StatusServiceUnavailable})
				}
				got := tributary.Probe(t.Context(), c)
				require.Len(t, got, 3)
				assert.Equal(t, tributary.CapAccessSync, got[1].Capability)
				assert.Equal(t, tc.want, got[1].Status, "access sync: %v", got[1].Err)
			})
		})
	}
}
