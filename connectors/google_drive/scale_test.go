package googledrive

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// scaleRun loads a generated shared drive of files in nested folders and
// reports how many documents came, the largest checkpoint, and how far
// the live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, files int, byFolders bool) connectortest.Measurement {
	f := newFixture(t, googleemu.GenerateOptions{Users: 2, SharedDrives: 1, FilesPerDrive: files, Folders: 40, Light: true, Seed: 3}, googleemu.Options{})
	s := f.settings()
	s.IncludeMyDrives = false
	s.PageSize = 100
	if byFolders {
		// Every folder of the drive, read as listed folders (nested ones
		// by the folder above them), the drive itself not.
		s.IncludeSharedDrives = false
		for _, fl := range f.data.Files {
			if fl.MimeType == googleemu.MimeFolder {
				s.FolderIDs = append(s.FolderIDs, fl.ID)
			}
		}
	}
	// The emulator logs every request (one download per file): that is
	// the fixture's memory, not the connector's, so the log is kept short.
	f.emu.LimitLog(100)
	c := f.connector(t, s)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Known failure: checkpoints and memory that grow with the source. A
// drive of 10,000 files leaves the checkpoint's size and the connector's
// memory where a drive of 1,000 left them: both hold a position (and a
// bounded set of recent folder nodes), never what was seen.
func TestTenThousandFilesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated files; runs without -short and -race")
	}
	small, big := scaleRun(t, 1000, false), scaleRun(t, 10000, false)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("1,000 files: checkpoint %d bytes, heap rise %d KiB; 10,000 files: checkpoint %d bytes, heap rise %d KiB",
		small.MaxCheckpoint, small.HeapRise>>10, big.MaxCheckpoint, big.HeapRise>>10)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20})
}

// The same for folders read recursively: the checkpoint holds the stack of
// folders being walked, which follows the nesting, not the file count.
func TestTenThousandFilesInFoldersKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated files; runs without -short and -race")
	}
	small, big := scaleRun(t, 1000, true), scaleRun(t, 10000, true)
	// Files at the drive's root are in no folder.
	require.Greater(t, small.Documents, 900)
	require.Greater(t, big.Documents, 9000)
	t.Logf("1,000 files: checkpoint %d bytes, heap rise %d KiB; 10,000 files: checkpoint %d bytes, heap rise %d KiB",
		small.MaxCheckpoint, small.HeapRise>>10, big.MaxCheckpoint, big.HeapRise>>10)
	// The slack is a page token in the stack: the smaller drive's folders
	// hold less than a page of files each, so their frames carry none.
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 1024, CheckpointSlack: 48, HeapSlack: 4 << 20})
}
