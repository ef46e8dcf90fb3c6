package asana

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, asanaemu.Options{})
	c := f.connector(t, f.settings(), fast)
	want := TaskID("1204000000000007")
	for _, in := range []string{
		want,
		"https://app.asana.com/0/1203000000000001/1204000000000007",
		"https://app.asana.com/0/1203000000000001/1204000000000007/f",
		"https://app.asana.com/0/1203000000000001/1204000000000007?focus=true",
		"https://APP.asana.com/0/1203000000000001/1204000000000007/f#comments",
		"https://app.asana.com/1/1200000000000001/project/1203000000000001/task/1204000000000007",
		"https://app.asana.com/1/1200000000000001/project/1203000000000001/task/1204000000000007?focus=true",
		"https://app.asana.com/1/1200000000000001/task/1204000000000007",
		"https://app.asana.com/0/1203000000000001/1204000000000001/1204000000000007/f",
		"  https://app.asana.com/0/0/1204000000000007  ",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for in, kind := range map[string]error{
		"https://app.asana.com/0/1203000000000001/list":                     tributary.ErrNotSupported,
		"https://app.asana.com/1/1200000000000001/project/1203000000000001": tributary.ErrNotSupported,
		"https://app.asana.com/0/search/123":                                tributary.ErrNotSupported,
		"https://app.asana.com/0/0/0":                                       tributary.ErrNotSupported,
		"https://app.asana.com/0/1/abc":                                     tributary.ErrNotSupported,
		"https://asana.com/0/0/1204000000000007":                            tributary.ErrForeignURL,
		"https://example.com/0/0/1204000000000007":                          tributary.ErrForeignURL,
		"mailto:ada@example.com":                                            tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		require.ErrorIs(t, err, kind, in)
	}
}
