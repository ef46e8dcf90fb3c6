package googledrive

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tributary-dev/tributary"
)

// changesKey is the Values key of a pass's Changes API token.
func changesKey(p pass) string { return "changes:" + p.id() }

// tracksChanges reports whether a pass reads the Changes API: drives' and
// users' passes, in a stream (not a slim listing) under a host that keeps
// Values.
func (r *run) tracksChanges(p pass) bool {
	return r.values != nil && !r.slim && (p.kind == kindDrive || p.kind == kindUser)
}

// changeParams are the parameters of the pass's Changes API requests.
func changeParams(p pass) url.Values {
	q := url.Values{"supportsAllDrives": {"true"}}
	if p.kind == kindDrive {
		q.Set("driveId", p.key)
		q.Set("includeItemsFromAllDrives", "true")
	}
	return q
}

// startToken takes a Changes API start page token.
func (r *run) startToken(p pass) (string, error) {
	var st struct {
		StartPageToken string `json:"startPageToken"`
	}
	err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/changes/startPageToken", changeParams(p)), &st)
	if err == nil && (st.StartPageToken == "" || len(st.StartPageToken) > 4096) {
		err = tributary.NewError("google_drive: start page token", tributary.ErrTransient, errors.New("answer without a token"))
	}
	return st.StartPageToken, err
}

// startChanges takes the start token before a full listing of a drive's
// or a user's files, so that the next poll reads the changes made from
// then on; it is kept in the position and stored when the pass ends.
func (r *run) startChanges(p pass, pos *position) bool {
	if !r.tracksChanges(p) || pos.ChangesStart != "" {
		return true
	}
	tok, err := r.startToken(p)
	if err != nil {
		return r.passFailed(p, fmt.Errorf("google_drive: changes of %s: %w", p.id(), err))
	}
	pos.ChangesStart = tok
	return true
}

// changes ends a pass. After a full listing it stores the start token. In
// a poll window it reads the changes since the token the last run stored:
// a file deleted, trashed or moved out of every read drive and My Drive is
// a deletion, and a file of this pass changed without a new modification
// time (moved in, shared, renamed) is yielded again, since no window's
// listing finds it. Files modified in the window were yielded by the
// listing; files modified after it are the next window's.
func (r *run) changes(p pass, pos position) bool {
	if !r.tracksChanges(p) {
		return true
	}
	key := changesKey(p)
	if r.start.IsZero() {
		if pos.ChangesStart != "" {
			r.values.Put(key, []byte(pos.ChangesStart))
		}
		return true
	}
	if pos.Changes == "" {
		stored, err := r.values.Get(r.ctx, []string{key})
		if err != nil {
			return r.Fail(fmt.Errorf("google_drive: read the changes token: %w", err))
		}
		if tok := string(stored[key]); tok != "" && len(tok) <= 4096 {
			pos.Changes = tok
		} else {
			tok, err := r.startToken(p)
			if err != nil {
				return r.passFailed(p, fmt.Errorf("google_drive: changes of %s: %w", p.id(), err))
			}
			r.values.Put(key, []byte(tok))
			return true
		}
	}
	q := changeParams(p)
	q.Set("pageSize", strconv.Itoa(r.c.settings.PageSize))
	q.Set("includeRemoved", "true")
	q.Set("fields", "nextPageToken,newStartPageToken,changes(fileId,removed,driveId,file("+fileFields+"))")
	for {
		q.Set("pageToken", pos.Changes)
		var pg changeList
		err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/changes", q), &pg)
		if badRequest(err) {
			// A token Drive no longer takes: start again from now. The
			// deletions in between are missed; a prune finds them.
			r.c.env.Log().Warn("google_drive: changes token refused; reading changes from now on", "pass", p.id())
			tok, err := r.startToken(p)
			if err != nil {
				return r.passFailed(p, fmt.Errorf("google_drive: changes of %s: %w", p.id(), err))
			}
			r.values.Put(key, []byte(tok))
			return true
		}
		if err != nil {
			return r.passFailed(p, fmt.Errorf("google_drive: changes of %s: %w", p.id(), err))
		}
		for _, ch := range pg.Changes {
			if !r.change(p, ch) {
				return false
			}
		}
		if pg.NextPageToken == "" || pg.NextPageToken == pos.Changes {
			if pg.NewStartPageToken != "" {
				r.values.Put(key, []byte(pg.NewStartPageToken))
			}
			return true
		}
		pos.Changes = pg.NextPageToken
		if !r.Checkpoint(pos) {
			return false
		}
	}
}

// change handles one entry of the Changes API.
func (r *run) change(p pass, ch apiChange) bool {
	if !driveID.MatchString(ch.FileID) {
		return true
	}
	f := ch.File
	if ch.Removed || f == nil {
		return r.removed(p, ch.FileID)
	}
	ours := p.kind == kindDrive && f.DriveID == p.key || p.kind == kindUser && f.DriveID == "" && owner(f) == p.key
	if f.Trashed {
		if !ours {
			return true // its own drive's or owner's pass reports it
		}
		return r.Yield(tributary.DeletionItem(fileID(f.ID)))
	}
	if !ours {
		if f.DriveID != p.key && p.kind == kindDrive && !r.elsewhere(pass{kind: kindFolder}, f) {
			return r.removed(p, ch.FileID) // moved out of every drive read
		}
		return true
	}
	if f.MimeType == mimeFolder || !f.ModifiedTime.Before(r.start) {
		return true
	}
	if f.MimeType == mimeShortcut {
		return r.shortcut(p, f)
	}
	return r.document(p, f)
}

// removed yields the deletion of a file the pass no longer sees, unless
// the file is still there for another pass (moved to another drive that
// is read, or to a user whose My Drive is read).
func (r *run) removed(p pass, id string) bool {
	f, err := r.c.getFile(r.in(p, ScopeDriveReadonly), id)
	switch {
	case err == nil && !f.Trashed && r.elsewhere(pass{kind: kindFolder}, f):
		return true
	case err != nil && !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions):
		if terminal(err) {
			return r.Fail(fmt.Errorf("google_drive: check removed file %s: %w", id, err))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(fileID(id), fileID(id), fmt.Errorf("google_drive: check removed file: %w", err))))
	}
	return r.Yield(tributary.DeletionItem(fileID(id)))
}
