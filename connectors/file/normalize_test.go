package file

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	r := load(t, c)
	require.NotEmpty(t, r.docs)
	ctx := context.Background()
	links := 0
	for id, d := range r.docs {
		variants := []string{id, strings.Replace(id, "file://share/", "file://share//", 1)}
		if rel, ok := strings.CutPrefix(id, "file://share/"); ok && !strings.Contains(rel, "!/") {
			links++
			variants = append(variants, d.Sections[0].Link)
			if p, err := url.PathUnescape(rel); err == nil {
				variants = append(variants, filepath.Join(tr.root, filepath.FromSlash(p)))
			}
		}
		for _, v := range variants {
			got, err := tributary.NormalizeURL(ctx, c, v)
			if assert.NoError(t, err, v) {
				assert.Equal(t, id, got, v)
			}
		}
	}
	assert.Positive(t, links)
}

func TestNormalizeURLStaysInsideRoots(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	for raw, kind := range map[string]error{
		"file://share/../outside/secret.txt":         tributary.ErrForeignURL,
		"file://share/docs/%2E%2E/%2E%2E/etc/passwd": tributary.ErrForeignURL,
		"file://other/README.md":                     tributary.ErrForeignURL,
		filepath.Join(tr.outside, "secret.txt"):      tributary.ErrForeignURL,
		tr.root + "/../outside/secret.txt":           tributary.ErrForeignURL,
		"file://" + filepath.ToSlash(tr.outside):     tributary.ErrForeignURL,
		"https://example.com/README.md":              tributary.ErrForeignURL,
		"file://share/":                              tributary.ErrNotSupported,
		"file://share/a%zz":                          tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}
