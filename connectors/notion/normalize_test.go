package notion

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURL(t *testing.T) {
	c, err := New(Settings{IncludeDatabases: true}, Credentials{Token: tributary.NewSecret("ntn_x")}, tributary.Env{})
	require.NoError(t, err)
	const want = "https://www.notion.so/1d08971af41d4ac58c5f4d8d4c4fffc0"
	for _, u := range []string{
		"https://www.notion.so/Meeting-notes-1d08971af41d4ac58c5f4d8d4c4fffc0",
		"https://www.notion.so/acme/Meeting-notes-1d08971af41d4ac58c5f4d8d4c4fffc0?pvs=4#5a2b",
		"https://notion.so/1d08971af41d4ac58c5f4d8d4c4fffc0",
		"https://acme.notion.site/Meeting-notes-1D08971AF41D4AC58C5F4D8D4C4FFFC0",
		"https://www.notion.so/acme/2f0e8b4fbc0a4e7e9b1f0a9b8c7d6e5f?v=abc&p=1d08971af41d4ac58c5f4d8d4c4fffc0",
		"https://www.notion.so/1d08971a-f41d-4ac5-8c5f-4d8d4c4fffc0",
		want,
	} {
		got, err := c.NormalizeURL(t.Context(), u)
		require.NoError(t, err, u)
		assert.Equal(t, want, got, u)
	}
	_, err = c.NormalizeURL(t.Context(), "https://example.com/1d08971af41d4ac58c5f4d8d4c4fffc0")
	assert.ErrorIs(t, err, tributary.ErrForeignURL)
	_, err = c.NormalizeURL(t.Context(), "https://www.notion.so/acme/settings")
	assert.ErrorIs(t, err, tributary.ErrNotSupported)
}
