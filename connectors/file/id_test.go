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
