package sharepoint

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// recorder is a sink that keeps what it was given.
type recorder struct {
	mu        sync.Mutex
	docs      map[string]*tributary.Document
	deletions []string
}

func newRecorder() *recorder { return &recorder{docs: map[string]*tributary.Document{}} }

func (s *recorder) Write(_ context.Context, b tributary.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range b.Documents {
		s.docs[d.ID] = d
	}
	s.deletions = append(s.deletions, b.Deletions...)
	return nil
}

// Through the runner and a store that keeps Values: the run after the
// first continues each library's delta, so a file deleted between runs is
// a deletion and a file moved to another folder arrives again under its
// new parent, though neither changed its modification time.
func TestRunsDeliverDeletionsAndMoves(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{Sites: 2, FilesPerDrive: 10, Folders: 3, PagesPerSite: 1, Seed: 9}, graphemu.Options{PageSize: 4})
	c := f.connector(t, f.settings())
	sink := newRecorder()
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Len(t, sink.docs, 22)

	dr := f.data.Drives[1]
	files := dr.Files()
	var folder string
	for _, it := range dr.Items {
		if it.Folder && it.ParentID == dr.Root.ID {
			folder = it.ID
		}
	}
	moved := files[0]
	if moved.ParentID == folder {
		moved = files[1]
	}
	f.emu.Update(func(d *graphemu.Data) {
		d.Delete(dr.ID, files[2].ID)
		d.Move(dr.ID, moved.ID, folder)
	})
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{fileID(dr.ID, files[2].ID)}, sink.deletions)
	require.Equal(t, fileID(dr.ID, folder), sink.docs[fileID(dr.ID, moved.ID)].ParentID)
}
