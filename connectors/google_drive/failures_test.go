package googledrive

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// specialFixture is the conformance fixture with the known failures.
func specialFixture(t *testing.T) (*fixture, Settings) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	f.emu.Update(func(d *googleemu.Data) { addSpecials(d) })
	s := f.settings()
	s.IncludeSharedWithMe = true
	s.FolderIDs = []string{"1ExtFolder"}
	return f, s
}

func failureFor(t *testing.T, fs []*tributary.Failure, id string) *tributary.Failure {
	t.Helper()
	for _, f := range fs {
		if f.DocumentID == id {
			return f
		}
	}
	t.Fatalf("no failure under %s", id)
	return nil
}

// Known failures: a Doc too large to export, a file Drive flags as abuse
// and one whose owner forbids downloads are failures under their own
// document ids, naming Drive's reason, and the run goes on.
func TestUndownloadableFilesAreFailuresUnderTheirIDs(t *testing.T) {
	f, s := specialFixture(t)
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for id, reason := range map[string]string{"1BigDoc": "exportSizeLimitExceeded", "1Malware": "cannotDownloadAbusiveFile",
		"1Locked": "fileNotDownloadable"} {
		fl := failureFor(t, got.Failures, fileID(id))
		require.ErrorIs(t, fl, tributary.ErrInsufficientPermissions)
		require.Contains(t, fl.Error(), reason)
	}
	require.NotEmpty(t, got.Documents)
}

// Known failure: a shortcut loop. A shortcut to a shortcut is not
// followed: each is a failure under its own id, and nothing hangs.
func TestShortcutLoopIsAFailure(t *testing.T) {
	f, s := specialFixture(t)
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	for _, id := range []string{"1LoopA", "1LoopB"} {
		require.Contains(t, failureFor(t, got.Failures, fileID(id)).Error(), "shortcuts are followed once")
	}
}

// Known failure: rate-limit 403s. Drive's userRateLimitExceeded and
// rateLimitExceeded 403s, and its 429, are retried with backoff and never
// become failures or missing permissions.
func TestRateLimit403sAreRetriedNeverFailures(t *testing.T) {
	f, s := specialFixture(t)
	clean := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	f.emu.ResetLog()
	f.emu.FailEveryReason("GET /drive/v3/files", 2, googleemu.UserRateLimitExceeded)
	f.emu.FailEveryReason("GET /drive/v3/files/{id}/export", 3, googleemu.RateLimitExceeded)
	f.emu.FailEveryReason("GET /drive/v3/files/{id}", 5, googleemu.TooManyRequests)
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.ElementsMatch(t, ids(clean.Documents), ids(got.Documents))
	require.Len(t, got.Failures, len(clean.Failures))
	require.Greater(t, f.emu.CountStatus(http.StatusForbidden), 5, "the emulator answered rate-limit 403s")
}

// Known failure: a file seen through several users or drives. A file
// Ana owns and shared with Bo (read through Bo's shared-with-me too) with
// a shortcut to it in a shared drive, a file of one shared drive with a
// shortcut to it in another and its folder listed too, and a partner
// folder reached both as a listed folder and as shared with Ana, are each
// one document.
func TestFileSeenTwiceIsOneDocument(t *testing.T) {
	f, s := specialFixture(t)
	var shared, inDrive *googleemu.File
	f.emu.Update(func(d *googleemu.Data) {
		for _, fl := range d.Files {
			if fl.Owner == d.Users[0].Email && len(fl.Permissions) > 0 && fl.Permissions[0].Type == "user" {
				shared = fl
				break
			}
		}
		d.Add(&googleemu.File{ID: "1ShortToShared", Name: "link", MimeType: googleemu.MimeShortcut, DriveID: d.Drives[0].ID,
			Parent: d.Drives[0].ID, ShortcutTarget: shared.ID, Created: shared.Created, Modified: shared.Modified})
		// A second shared drive holding a shortcut to a file of the first.
		second := &googleemu.SharedDrive{ID: "0ASecondDrive", Name: "Second", Members: d.Drives[0].Members}
		d.Drives = append(d.Drives, second)
		for _, fl := range d.Files {
			if fl.DriveID == d.Drives[0].ID && fl.MimeType != googleemu.MimeFolder && fl.MimeType != googleemu.MimeShortcut && inDrive == nil {
				inDrive = fl
			}
		}
		d.Add(&googleemu.File{ID: "1ShortAcross", Name: "across", MimeType: googleemu.MimeShortcut, DriveID: second.ID,
			Parent: second.ID, ShortcutTarget: inDrive.ID, Created: inDrive.Created, Modified: inDrive.Modified})
	})
	require.NotNil(t, shared)
	// The first drive's folders are listed too: their files are the drive's.
	for _, fl := range f.data.Files {
		if fl.DriveID == f.data.Drives[0].ID && fl.MimeType == googleemu.MimeFolder {
			s.FolderIDs = append(s.FolderIDs, fl.ID)
		}
	}
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	all := ids(got.Documents)
	seen := map[string]int{}
	for _, id := range all {
		seen[id]++
	}
	for id, n := range seen {
		require.Equal(t, 1, n, "%s yielded %d times", id, n)
	}
	require.Equal(t, 1, seen[fileID(shared.ID)])
	require.Equal(t, 1, seen[fileID(inDrive.ID)])
	require.Equal(t, 1, seen[fileID("1ExtFileA")])
}

func ids(docs []*tributary.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

// Sheets come as one table section per sheet, Docs as Markdown text with
// their headings, Slides as text.
func TestGoogleFormatsAreExported(t *testing.T) {
	f, s := specialFixture(t)
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	kinds := map[string]bool{}
	for _, d := range got.Documents {
		switch d.Metadata.Get("mime_type") {
		case googleemu.MimeSheet:
			require.Len(t, d.Sections, 2, "a table per sheet")
			require.Equal(t, tributary.SectionTable, d.Sections[0].Kind)
			require.Equal(t, "Summary", d.Sections[0].Heading)
			require.True(t, strings.HasPrefix(d.Sections[0].Link, "https://docs.google.com/spreadsheets/d/"), d.Sections[0].Link)
		case googleemu.MimeDoc:
			require.Contains(t, d.Sections[len(d.Sections)-1].Text, "More about")
		case googleemu.MimeSlides:
			require.Contains(t, d.Sections[0].Text, "Second slide")
		}
		kinds[d.Metadata.Get("mime_type")] = true
		require.False(t, d.UpdatedAt.IsZero())
		require.False(t, d.CreatedAt.IsZero())
	}
	require.True(t, kinds[googleemu.MimeSheet] && kinds[googleemu.MimeDoc] && kinds[googleemu.MimeSlides] && kinds["text/csv"])
}
