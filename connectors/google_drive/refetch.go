package googledrive

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

var _ tributary.Refetcher = (*Connector)(nil)

// maxRefetchReaders bounds the users a service account asks for a file
// the administrator cannot see.
const maxRefetchReaders = 100

// Refetch reads files again by document id: each as the pass of a load
// would read it (its shared drive's, its owner's), with its nodes first.
// A file no reader finds, in the trash, or passed over on purpose is a
// deletion; an id that is not a Drive file URL is a failure.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		var cur string
		answered := false
		watch := func(it tributary.Item, err error) bool {
			if err == nil && (it.Document != nil && it.Document.ID == cur || it.Deletion == cur || it.Failure != nil && it.Failure.DocumentID == cur) {
				answered = true
			}
			return yield(it, err)
		}
		r := c.newRun(tributary.WithValues(ctx, nil), time.Time{}, time.Time{}, false, watch)
		r.refetching = true
		if _, err := r.plan(); err != nil {
			r.Fail(err)
			return
		}
		var readers []string
		for _, id := range ids {
			cur, answered = id, false
			if !r.refetchOne(id, &readers) {
				return
			}
			if !answered && !r.Yield(tributary.DeletionItem(id)) {
				return
			}
		}
	}
}

// parseFileID returns the file id of a document id.
func parseFileID(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, "https://drive.google.com/file/d/")
	fid, ok2 := strings.CutSuffix(rest, "/view")
	return fid, ok && ok2 && driveID.MatchString(fid)
}

// refetchOne answers one id; readers caches the users a service account
// may act as, listed when first needed.
func (r *run) refetchOne(id string, readers *[]string) bool {
	fid, ok := parseFileID(id)
	if !ok {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id,
			tributary.NewError("google_drive: refetch", tributary.ErrForeignURL, errors.New("not the id of a Google Drive file")))))
	}
	admin := ""
	if r.c.client.mode == "service_account" {
		admin = r.c.settings.AdminEmail
	}
	reader := admin
	f, err := r.c.getFile(google.As(r.ctx, admin, ScopeDriveReadonly), fid)
	if hidden(err) && r.c.client.mode == "service_account" {
		if *readers == nil {
			if *readers, err = r.c.userList(r.ctx, admin, ""); err != nil {
				return r.Fail(err)
			}
		}
		err = tributary.NewError("google_drive: refetch", tributary.ErrNotFound, errors.New("no reader sees it"))
		for _, u := range (*readers)[:min(len(*readers), maxRefetchReaders)] {
			if f, err = r.c.getFile(google.As(r.ctx, u, ScopeDriveReadonly), fid); !hidden(err) {
				reader = u
				break
			}
		}
	}
	switch {
	case hidden(err):
		return r.Yield(tributary.DeletionItem(id))
	case err != nil && terminal(err):
		return r.Fail(fmt.Errorf("google_drive: refetch %s: %w", fid, err))
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("google_drive: refetch: %w", err))))
	}
	p := pass{kind: kindFolder, key: fid, reader: reader}
	switch {
	case f.DriveID != "" && r.drives[f.DriveID]:
		p = pass{kind: kindDrive, key: f.DriveID, reader: reader}
		if !r.nodes.has(folderNodeID(f.DriveID)) && !r.driveNode(p) {
			return false
		}
	case f.DriveID == "" && r.users[owner(f)]:
		p = pass{kind: kindUser, key: owner(f), reader: owner(f)}
		if r.c.client.mode != "service_account" {
			p.reader = ""
		}
	}
	return r.file(p, f)
}

// hidden reports an answer that the reader cannot see the file.
func hidden(err error) bool {
	return errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions)
}
