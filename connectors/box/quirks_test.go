package box

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/boxemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var smallGen = boxemu.GenerateOptions{Folders: 2, FilesPerFolder: 4, Depth: 2, Seed: 5}

func load(t *testing.T, c *Connector) connectortest.Collected {
	t.Helper()
	return connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
}

func docIDs(got connectortest.Collected) []string {
	var ids []string
	for _, d := range got.Documents {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}

// Box may answer fewer entries than the limit while more remain: a short
// page with a next_marker is not the last.
func TestShortPagesAreNotTheLast(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{ShortPages: 1}, false)
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if want := expectedIDs(f.data, nil, time.Time{}, time.Time{}); !slices.Equal(docIDs(got), want) {
		t.Fatalf("got %v, want %v", docIDs(got), want)
	}
	if n := f.emu.Count("GET /2.0/folders/{id}/items"); n < 16 {
		t.Errorf("only %d listing requests: pages were not one entry each", n)
	}
}

// A next_marker that repeats the marker asked would list forever: the
// walk stops with ErrMalformedResponse.
func TestRepeatedMarkerIsMalformed(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{ShortPages: 2}, false)
	f.emu.RepeatMarkers(true)
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if !errors.Is(got.Err, tributary.ErrMalformedResponse) {
		t.Fatalf("got %v, want ErrMalformedResponse", got.Err)
	}
}

// Past Box's per-minute budget the emulator answers 429 with
// Retry-After; the connector waits it out (in the bubble's time) and
// every document arrives.
func TestRateLimitIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, boxemu.Options{RatePerMinute: 10}, false)
		got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if len(got.Documents) != 16 || f.emu.CountStatus(http.StatusTooManyRequests) == 0 {
			t.Fatalf("%d documents, %d refusals", len(got.Documents), f.emu.CountStatus(http.StatusTooManyRequests))
		}
	})
}

// A file just uploaded answers 202 with Retry-After until it is ready.
func TestDownloadNotReadyIsWaitedFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, boxemu.Options{}, false)
		file := f.data.Items[2].ID
		f.emu.NotReady(file, 2)
		got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
		if got.Err != nil || len(got.Failures) > 0 || len(got.Documents) != 16 {
			t.Fatalf("err %v, failures %v, %d documents", got.Err, got.Failures, len(got.Documents))
		}
		if n := f.emu.CountStatus(http.StatusAccepted); n != 2 {
			t.Errorf("%d answers 202", n)
		}
	})
}

// A download whose bytes do not match the listing's sha1 is fetched
// again, then failed under the file's id; a file whose content is gone
// (404) or refused (403) fails alone.
func TestChecksumAndMissingContentAreFailures(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	bad, gone := f.data.Items[2], f.data.Items[3]
	bad.WrongSHA1 = true
	f.emu.FailNext("/2.0/files/"+gone.ID+"/content", 1, emulator.Fault{Status: http.StatusNotFound})
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	failed := map[string]error{}
	for _, fl := range got.Failures {
		failed[fl.DocumentID] = fl
	}
	if err := failed[fileID(bad.ID)]; !errors.Is(err, errChecksum) {
		t.Errorf("bad sha1: %v", err)
	}
	if err := failed[fileID(gone.ID)]; !errors.Is(err, tributary.ErrNotFound) {
		t.Errorf("content gone: %v", err)
	}
	if len(got.Documents) != 14 {
		t.Errorf("%d documents", len(got.Documents))
	}
	if n := f.emu.Count("GET /d/1/{key}/download"); n < 14+4 {
		t.Errorf("%d downloads: the bad one was not fetched again", n)
	}
}

// Downloads are fetched only from Box's download host (or the one
// configured): a redirect elsewhere is refused and never sent.
func TestDownloadsOnlyFromTheDownloadHost(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{DownloadBase: "https://files.evil.example"}, false)
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if len(got.Documents) != 0 || len(got.Failures) != 16 || !strings.Contains(got.Failures[0].Error(), "files.evil.example") {
		t.Fatalf("%d documents, failures %v", len(got.Documents), got.Failures)
	}
	if n := f.emu.Count("GET /d/1/{key}/download"); n != 0 {
		t.Errorf("%d downloads reached the foreign host", n)
	}
	s := f.settings()
	s.DownloadHost = "files.evil.example"
	if got := load(t, f.connector(t, s, Credentials{}, f.env())); got.Err != nil || len(got.Documents) != 16 {
		t.Errorf("with download_host: %v, %d documents", got.Err, len(got.Documents))
	}
}

// A checkpoint holds the stack of folders with a marker each; resuming
// from one mid-folder yields the rest.
func TestCheckpointIsAFolderStack(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s, Credentials{}, f.env())
	got := load(t, c)
	deepest := 0
	for _, cp := range got.Checkpoints {
		pos, err := decodePosition(cp, 1)
		if err != nil {
			t.Fatal(err)
		}
		deepest = max(deepest, len(pos.Stack))
	}
	if deepest != 3 {
		t.Errorf("the deepest stack holds %d folders; want 3 (root, folder, subfolder)", deepest)
	}
}

// A subfolder Box refuses to list (403) is one failure under the
// folder; the walk goes on with its siblings.
func TestUnlistableFolderIsAFailure(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.emu.FailNext("/2.0/folders/100006/items", 1, emulator.Fault{Status: http.StatusForbidden})
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if len(got.Failures) != 1 || got.Failures[0].EntityID != folderID("100006") || len(got.Documents) != 12 {
		t.Fatalf("failures %v, %d documents", got.Failures, len(got.Documents))
	}
}

// An entry whose id is no Box id ends the walk with
// ErrMalformedResponse rather than a document under a bad id.
func TestMalformedEntryIsClassified(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.emu.Put(&boxemu.Item{ID: "not-a-number", Name: "odd.txt", Parent: "100001", Content: []byte("x"), ModifiedAt: boxemu.Base})
	got := load(t, f.connector(t, f.settings(), Credentials{}, f.env()))
	if !errors.Is(got.Err, tributary.ErrMalformedResponse) {
		t.Fatalf("got %v, want ErrMalformedResponse", got.Err)
	}
}
