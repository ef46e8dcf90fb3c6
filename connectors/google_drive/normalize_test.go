package googledrive

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

func TestNormalizeURL(t *testing.T) {
	c := newFixture(t, googleemu.GenerateOptions{Seed: 1}, googleemu.Options{}).connector(t, Settings{AdminEmail: "ana@acme.test", IncludeMyDrives: true})
	want := "https://drive.google.com/file/d/1AbC_d-9/view"
	for _, in := range []string{
		"https://drive.google.com/file/d/1AbC_d-9/view?usp=sharing",
		"https://drive.google.com/file/d/1AbC_d-9/edit#heading=x",
		"https://drive.google.com/u/1/file/d/1AbC_d-9/view",
		"https://drive.google.com/open?id=1AbC_d-9",
		"https://drive.google.com/uc?id=1AbC_d-9&export=download",
		"https://docs.google.com/document/d/1AbC_d-9/edit?usp=drivesdk",
		"https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0",
		"https://docs.google.com/presentation/u/0/d/1AbC_d-9/edit",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for in, kind := range map[string]error{
		"https://drive.google.com/drive/folders/1Fold": tributary.ErrNotSupported,
		"https://docs.google.com/forms/d/1F/edit":      tributary.ErrNotSupported,
		"https://drive.google.com/open":                tributary.ErrNotSupported,
		"https://example.com/file/d/1AbC/view":         tributary.ErrForeignURL,
		"ftp://drive.google.com/file/d/1AbC/view":      tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		require.ErrorIs(t, err, kind, in)
	}
}
