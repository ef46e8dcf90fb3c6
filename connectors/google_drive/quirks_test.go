package googledrive

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// Drive's per-user quota answers 403 userRateLimitExceeded with no
// Retry-After. With the stack's default backoff (in fake time) a drive
// read under a quota of 5 requests a second still arrives whole.
func TestPerUserQuotaStillDeliversEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, googleemu.GenerateOptions{Users: 2, SharedDrives: 1, FilesPerDrive: 30, Folders: 2, Light: true, Seed: 9},
			googleemu.Options{RatePerSecond: 5})
		s := f.settings()
		s.PageSize = 10
		c, err := newConnector(s, f.credentials(), f.env(), httpx.RetryPolicy{MaxAttempts: 20})
		require.NoError(t, err)
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Empty(t, got.Failures)
		require.Len(t, got.Documents, 30)
		require.Positive(t, f.emu.CountStatus(http.StatusForbidden), "the quota was met")
	})
}

// A refusal that is not a rate limit (a file Drive will not hand out) is
// asked once, not retried.
func TestDownloadRefusalIsNotRetried(t *testing.T) {
	f, s := specialFixture(t)
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Equal(t, 1, f.emu.Count("/drive/v3/files/1Malware"), "one download, no retry")
}

// A checkpoint names a page token: resuming from it reads the pages after
// it and none before. A position that names no pass kind is refused as an
// invalid checkpoint.
func TestCheckpointTokenResumesAndBadPositionIsRefused(t *testing.T) {
	f := newFixture(t, googleemu.GenerateOptions{Users: 1, SharedDrives: 1, FilesPerDrive: 12, Light: true, Seed: 2}, googleemu.Options{})
	s := f.settings()
	s.PageSize = 5
	s.IncludeMyDrives = false
	c := f.connector(t, s)
	var cps []tributary.Checkpoint
	all := 0
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Checkpoint != nil {
			cps = append(cps, it.Checkpoint)
		}
		if it.Document != nil {
			all++
		}
	}
	require.Equal(t, 12, all)
	pos, err := decodePosition(cps[0])
	require.NoError(t, err)
	require.NotEmpty(t, pos.Token)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, cps[0])
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 7, "the pages after the first")

	bad, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{Pass: "9:x"})
	require.NoError(t, err)
	require.ErrorIs(t, collect(t.Context(), c, time.Time{}, time.Time{}, bad).Err, tributary.ErrInvalidCheckpoint)
}

// Groups lists every group with its members, nested groups expanded,
// and one group per domain with every active user.
func TestGroupsExpandNestedGroupsAndDomains(t *testing.T) {
	f := newFixture(t, googleemu.GenerateOptions{Users: 4, Seed: 1}, googleemu.Options{})
	f.emu.Update(func(d *googleemu.Data) {
		d.Groups = append(d.Groups, &googleemu.Group{ID: "03grp2", Email: "all-staff@acme.test", Name: "All staff",
			Members: []string{d.Groups[0].Email, d.Users[0].Email}})
		d.Users[3].Suspended = true
	})
	var got []tributary.ExternalGroup
	for g, err := range f.connector(t, f.settings()).Groups(t.Context()) {
		require.NoError(t, err)
		got = append(got, g)
	}
	byID := map[string][]string{}
	for _, g := range got {
		byID[g.ID] = g.MemberEmails
	}
	require.Equal(t, []string{"bo@acme.test", "chen@acme.test", "dara@acme.test"}, byID["group:eng@acme.test"])
	require.Equal(t, []string{"ana@acme.test", "bo@acme.test", "chen@acme.test", "dara@acme.test"}, byID["group:all-staff@acme.test"])
	require.Equal(t, []string{"ana@acme.test", "bo@acme.test", "chen@acme.test"}, byID["domain:acme.test"])
}

// A file moved into a shared drive keeps its modification time, so no
// window lists it: the poll finds it through the Changes API.
func TestPollFindsAFileMovedInThroughTheChangesAPI(t *testing.T) {
	f, c := permissionsFixture(t)
	sink := newRecorder()
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 10}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	outside := &googleemu.File{ID: "1Outsider", Name: "outsider.txt", MimeType: "text/plain", Owner: "ext@partner.test",
		Content: []byte("from outside"), Created: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Modified: time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC)}
	f.emu.Update(func(d *googleemu.Data) {
		d.Files = append(d.Files, outside)
		d.Move(outside.ID, d.Drives[0].ID, d.Drives[0].ID)
	})
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Contains(t, sink.docs, fileID(outside.ID))
	require.Empty(t, sink.deletions)
}

// A listed user the service account may not act as (not in the domain,
// or suspended) fails that user's passes, not the run.
func TestUnknownUserFailsItsPassOnly(t *testing.T) {
	f := newFixture(t, conformanceGen, googleemu.Options{})
	s := f.settings()
	s.MyDriveEmails = []string{"ghost@acme.test", f.data.Users[1].Email}
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	require.Equal(t, "mailto:ghost@acme.test", got.Failures[0].EntityID)
	require.ErrorIs(t, got.Failures[0], tributary.ErrCredentialExpired)
	require.NotEmpty(t, got.Documents)
}

// A page token Drive no longer takes (from an old checkpoint) lists the
// pass again from its start: everything arrives, some twice.
func TestRefusedPageTokenListsThePassAgain(t *testing.T) {
	f := newFixture(t, googleemu.GenerateOptions{Users: 1, SharedDrives: 1, FilesPerDrive: 12, Light: true, Seed: 2}, googleemu.Options{})
	s := f.settings()
	s.PageSize = 5
	s.IncludeMyDrives = false
	c := f.connector(t, s)
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{Pass: "0:" + f.data.Drives[0].ID, Token: "stale-token"})
	require.NoError(t, err)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, cp)
	require.NoError(t, got.Err)
	require.Len(t, got.Documents, 12)
}

// A shared drive the administrator is not a member of is read as one of
// its members, found through the drive's permissions with
// useDomainAdminAccess.
func TestSharedDriveWithoutTheAdministratorIsReadAsAMember(t *testing.T) {
	f := newFixture(t, googleemu.GenerateOptions{Users: 3, SharedDrives: 2, FilesPerDrive: 4, Light: true, Seed: 4}, googleemu.Options{})
	f.emu.Update(func(d *googleemu.Data) { d.Drives[1].Members = []string{d.Users[2].Email} })
	s := f.settings()
	s.IncludeMyDrives = false
	c := f.connector(t, s)
	listed := s
	listed.SharedDriveIDs = []string{f.data.Drives[1].ID}
	require.NoError(t, f.connector(t, listed).Validate(t.Context()))
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Empty(t, got.Failures)
	require.Len(t, got.Documents, 8)
	var names []string
	for _, n := range got.Nodes {
		names = append(names, n.Name)
	}
	require.Contains(t, names, "Team drive 2")

	var failed []string
	for _, fl := range f.data.Files {
		if fl.DriveID == f.data.Drives[1].ID {
			failed = append(failed, fileID(fl.ID))
		}
	}
	again := connectortest.Collect(c.Refetch(t.Context(), failed))
	require.NoError(t, again.Err)
	require.Len(t, again.Documents, len(failed))
}
