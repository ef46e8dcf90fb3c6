package discourse

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURL(t *testing.T) {
	c := newFixture(t, 1, 1).connector(t, testKey)
	for raw, want := range map[string]string{
		testSite + "/t/welcome-to-the-forum/42":                testSite + "/t/42",
		testSite + "/t/welcome-to-the-forum/42/7?u=alice":      testSite + "/t/42",
		testSite + "/t/welcome-to-the-forum/42/7#reply":        testSite + "/t/42",
		testSite + "/t/welcome-to-the-forum/42.json":           testSite + "/t/42",
		testSite + "/t/welcome-to-the-forum/42/print":          testSite + "/t/42",
		testSite + "/t/42":                                     testSite + "/t/42",
		testSite + "/t/42/":                                    testSite + "/t/42",
		testSite + "/t/42/7":                                   testSite + "/t/42",
		testSite + "/t/topic/42":                               testSite + "/t/42",
		"  HTTPS://FORUM.EXAMPLE.TEST/t/welcome/42  ":          testSite + "/t/42",
		"http://forum.example.test/t/welcome-to-the-forum/42/": testSite + "/t/42",
	} {
		got, err := c.NormalizeURL(context.Background(), raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, got, raw)
		n, ok := c.parseTopicID(got)
		require.True(t, ok)
		require.Equal(t, 42, n)
	}
	for raw, kind := range map[string]error{
		"https://meta.discourse.org/t/welcome/42": tributary.ErrForeignURL,
		"ftp://forum.example.test/t/welcome/42":   tributary.ErrForeignURL,
		"::":                                      tributary.ErrForeignURL,
		testSite + "/c/general/5":                 tributary.ErrNotSupported,
		testSite + "/u/alice":                     tributary.ErrNotSupported,
		testSite + "/p/1234":                      tributary.ErrNotSupported,
		testSite + "/t/":                          tributary.ErrNotSupported,
		testSite + "/t/welcome":                   tributary.ErrNotSupported,
		testSite + "/t/welcome/0":                 tributary.ErrNotSupported,
		testSite + "/t/welcome/42/7/9":            tributary.ErrNotSupported,
		testSite + "/t/welcome/-42":               tributary.ErrNotSupported,
		testSite + "/search?q=t":                  tributary.ErrNotSupported,
		testSite:                                  tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		require.Error(t, err, raw)
		require.True(t, errors.Is(err, kind), "%s: %v", raw, err)
	}
}
