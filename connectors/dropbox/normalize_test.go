package dropbox

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 2, Seed: 3}, dropboxemu.Options{}, false)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	note := idOf("/folder 0/note 0.txt")
	for _, raw := range []string{
		"https://www.dropbox.com/home/Folder%200/note%200.txt",
		"https://www.dropbox.com/home/folder%200/NOTE%200.TXT",
		"https://www.dropbox.com/home/Folder%200?preview=note+0.txt",
		"https://www.dropbox.com/home/Folder%200/?preview=note%200.txt&role=personal",
		"  https://dropbox.com/home/Folder%200/note%200.txt  ",
	} {
		got, err := c.NormalizeURL(context.Background(), raw)
		require.NoError(t, err, raw)
		require.Equal(t, note, got, raw)
	}
	for raw, kind := range map[string]error{
		"https://www.box.com/home/Folder%200/note%200.txt":       tributary.ErrForeignURL,
		"file:///home/Folder%200/note%200.txt":                   tributary.ErrForeignURL,
		"https://www.dropbox.com/scl/fi/abc123/note.txt?rlkey=x": tributary.ErrNotSupported,
		"https://www.dropbox.com/s/abc123/note.txt?dl=0":         tributary.ErrNotSupported,
		"https://www.dropbox.com/home/Folder%200":                tributary.ErrNotSupported,
		"https://www.dropbox.com/home":                           tributary.ErrNotSupported,
		"https://www.dropbox.com/homework/x":                     tributary.ErrNotSupported,
		"https://www.dropbox.com/home/Folder%200/../x":           tributary.ErrNotSupported,
		"https://www.dropbox.com/home/Folder%200?preview=a/b":    tributary.ErrNotSupported,
		"https://www.dropbox.com/home/Folder%200/missing.txt":    tributary.ErrNotFound,
		"https://www.dropbox.com/account/security":               tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		require.Error(t, err, raw)
		require.True(t, errors.Is(err, kind), "%s: %v", raw, err)
	}

	// Under a configured folder, files outside it are not this
	// connector's.
	s := f.settings()
	s.Path = "/Folder 1"
	scoped := f.connector(t, s, Credentials{}, f.env())
	_, err := scoped.NormalizeURL(context.Background(), "https://www.dropbox.com/home/Folder%200/note%200.txt")
	require.ErrorIs(t, err, tributary.ErrForeignURL)
	got, err := scoped.NormalizeURL(context.Background(), "https://www.dropbox.com/home/Folder%201/Sub/Plan%201.md")
	require.NoError(t, err)
	require.Equal(t, idOf("/folder 1/sub/plan 1.md"), got)
}
