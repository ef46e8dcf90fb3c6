package mediawiki

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: 10, Redirects: 2, Seed: 3}, mediawikiemu.Options{})
	s := f.settings()
	c := f.connector(t, s, Credentials{})
	page := f.data.Pages[1] // a main-namespace article
	require.Zero(t, page.NS)
	want := "https://wiki.test/wiki/" + strings.ReplaceAll(page.Title, " ", "_")
	var redirect, help *mediawikiemu.Page
	for _, p := range f.data.Pages {
		switch {
		case p.Redirect && redirect == nil:
			redirect = p
		case p.NS == 12 && help == nil:
			help = p
		}
	}
	require.NotNil(t, redirect)
	require.NotNil(t, help)
	under := strings.ReplaceAll(page.Title, " ", "_")
	lower := strings.ToLower(under[:1]) + under[1:]
	for _, in := range []string{
		want,
		want + "#History",
		"https://wiki.test/wiki/" + strings.ReplaceAll(page.Title, " ", "%20") + "?action=history",
		"https://wiki.test/wiki/" + lower,
		"http://WIKI.test/wiki/" + under,
		"https://wiki.m.test/wiki/" + under,
		"https://wiki.test/w/index.php?title=" + under + "&oldid=3",
		"https://wiki.test/w/index.php?curid=" + strconv.Itoa(page.ID),
		"https://wiki.test/w/index.php/" + under,
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}

	target := redirect.RedirectTarget()
	require.NotEmpty(t, target)
	got, err := c.NormalizeURL(t.Context(), "https://wiki.test/wiki/"+strings.ReplaceAll(redirect.Title, " ", "_"))
	require.NoError(t, err)
	assert.Equal(t, "https://wiki.test/wiki/"+strings.ReplaceAll(target, " ", "_"), got, "a redirect leads to the page read")

	helpURL := "https://wiki.test/wiki/" + strings.ReplaceAll(help.Title, " ", "_")
	for in, kind := range map[string]error{
		helpURL:                                      tributary.ErrNotSupported, // namespace 12 is not read
		"https://wiki.test/wiki/Special:Search":      tributary.ErrNotSupported,
		"https://wiki.test/w/api.php":                tributary.ErrNotSupported,
		"https://wiki.test/w/index.php?curid=999999": tributary.ErrNotSupported,
		"https://wiki.test/w/index.php":              tributary.ErrNotSupported,
		"https://wiki.test/wiki/A%7CB":               tributary.ErrNotSupported,
		"https://other.test/wiki/" + under:           tributary.ErrForeignURL,
		"ftp://wiki.test/wiki/" + under:              tributary.ErrForeignURL,
		"not a url at all":                           tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, kind, in)
	}

	s.Namespaces = []int{0, 12}
	c = f.connector(t, s, Credentials{})
	got, err = c.NormalizeURL(t.Context(), helpURL+"?action=edit")
	require.NoError(t, err)
	assert.Equal(t, helpURL, got)
}
