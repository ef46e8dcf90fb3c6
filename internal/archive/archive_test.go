package archive

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEntryName(t *testing.T) {
	for _, bad := range []string{"../x", "a/../../x", "/etc/passwd", "..\\x", "C:\\x", "a/..", ""} {
		_, err := EntryName(bad)
		assert.ErrorIs(t, err, ErrUnsafeEntry, "%q", bad)
	}
	for in, want := range map[string]string{"a/b.txt": "a/b.txt", "./a//b.txt": "a/b.txt", "a\\b.txt": "a/b.txt", "a/./b": "a/b"} {
		got, err := EntryName(in)
		assert.NoError(t, err)
		assert.Equal(t, want, got)
	}
}
