package file

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/unicode/norm"
)

func TestEscapePath(t *testing.T) {
	for in, want := range map[string]string{
		"docs/a b.md":               "docs/a b.md",
		"100% done!.txt":            "100%25 done%21.txt",
		"q?#.txt":                   "q%3F%23.txt",
		"tab\there":                 "tab%09here",
		"bad\xffbyte":               "bad%FFbyte",
		norm.NFD.String("café.txt"): "café.txt",
		"日本語/ファイル.txt":              "日本語/ファイル.txt",
	} {
		assert.Equal(t, want, escapePath(in), "%q", in)
	}
	// "!/" only ever separates an archive from its entry.
	assert.NotEqual(t, docID("r", "a.zip!/b"), entryID(docID("r", "a.zip"), "b"))
}

func TestEntryName(t *testing.T) {
	for _, bad := range []string{"../x", "a/../../x", "/etc/passwd", "..\\x", "C:\\x", "a/..", ""} {
		_, err := entryName(bad)
		assert.ErrorIs(t, err, ErrUnsafeEntry, "%q", bad)
	}
	for in, want := range map[string]string{"a/b.txt": "a/b.txt", "./a//b.txt": "a/b.txt", "a\\b.txt": "a/b.txt", "a/./b": "a/b"} {
		got, err := entryName(in)
		assert.NoError(t, err)
		assert.Equal(t, want, got)
	}
}
