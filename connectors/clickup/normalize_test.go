package clickup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	c := f.connector(t, f.settings(), fast)
	var custom *clickupemu.Task
	for _, k := range f.tasks() {
		if k.CustomID != "" {
			custom = k
			break
		}
	}
	require.NotNil(t, custom)
	team := clickupemu.DefaultTeam
	for in, want := range map[string]string{
		"https://app.clickup.com/t/86abc12":                             TaskID("86abc12"),
		"https://app.clickup.com/t/86abc12/":                            TaskID("86abc12"),
		"https://APP.clickup.com/t/86abc12?comment=90150001#x":          TaskID("86abc12"),
		"https://app.clickup.com/t/" + team + "/" + custom.CustomID:     TaskID(custom.ID),
		"https://app.clickup.com/" + team + "/v/li/901500?p=86abc12":    TaskID("86abc12"),
		"https://app.clickup.com/" + team + "/v/b/6-901500-2?p=86abc12": TaskID("86abc12"),
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"https://example.com/t/86abc12", "ftp://app.clickup.com/t/1", "not a url"} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, tributary.ErrForeignURL, in)
	}
	for _, in := range []string{"https://app.clickup.com/" + team + "/home", "https://app.clickup.com/t/86-abc",
		"https://app.clickup.com/" + team + "/v/li/901500?p=a-b"} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, tributary.ErrNotSupported, in)
	}
	_, err := c.NormalizeURL(t.Context(), "https://app.clickup.com/t/"+team+"/NOPE-1")
	assert.ErrorIs(t, err, tributary.ErrNotFound, "an unknown custom id")

	s := f.settings()
	s.Workspaces = []string{"42"}
	_, err = f.connector(t, s, fast).NormalizeURL(t.Context(), "https://app.clickup.com/t/"+team+"/"+custom.CustomID)
	assert.ErrorIs(t, err, tributary.ErrForeignURL, "a workspace the settings do not read")
}
