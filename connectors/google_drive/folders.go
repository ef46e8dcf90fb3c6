package googledrive

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
)

// step is what one step of a folder walk did.
type step int

const (
	stepStop    step = iota // the stream ends
	stepFiles               // the folder's files are read; its subfolders are next
	stepDescend             // a subfolder was pushed
	stepDone                // the folder is done (or failed): pop it
)

// folderPass reads a folder and everything under it, depth first: a
// folder's files, then each subfolder in turn. The position holds the
// stack of folders being walked, so it grows with depth (at most
// maxDepth), never with the number of files or folders.
func (r *run) folderPass(p pass, pos position) bool {
	if len(pos.Stack) == 0 {
		nested, err := r.nestedInListed(p)
		if err != nil {
			return r.passFailed(p, err)
		}
		if nested {
			return true // a listed folder above it reads it
		}
		if !r.slim && !r.ensureNode(p, p.key) {
			return false
		}
		pos.Stack = []frame{{Folder: p.key}}
	}
	for len(pos.Stack) > 0 {
		top := &pos.Stack[len(pos.Stack)-1]
		var st step
		if !top.Folders {
			st = r.folderFiles(p, &pos)
		} else {
			st = r.subfolders(p, &pos)
		}
		switch st {
		case stepStop:
			return false
		case stepDone:
			done := pos.Stack[len(pos.Stack)-1].Folder
			pos.Stack = pos.Stack[:len(pos.Stack)-1]
			if len(pos.Stack) > 0 {
				pos.Stack[len(pos.Stack)-1].After = done
				if !r.Checkpoint(pos) {
					return false
				}
			}
		}
	}
	return true
}

// nestedInListed reports a listed folder that lies under another listed
// folder, whose pass reads it.
func (r *run) nestedInListed(p pass) (bool, error) {
	listed := map[string]bool{}
	for _, id := range r.c.settings.FolderIDs {
		listed[id] = id != p.key
	}
	cur := p.key
	for range maxDepth {
		f, err := r.c.getFile(r.in(p, ScopeDriveReadonly), cur)
		if err != nil {
			return false, fmt.Errorf("google_drive: read folder %s: %w", cur, err)
		}
		if cur == p.key && f.MimeType != mimeFolder {
			return false, tributary.NewError("google_drive: read folder "+cur, tributary.ErrNotFound, errors.New("not a folder"))
		}
		if len(f.Parents) == 0 || f.Parents[0] == f.DriveID {
			return false, nil
		}
		cur = f.Parents[0]
		if listed[cur] {
			return true, nil
		}
	}
	return false, nil
}

// folderFiles reads the files (not subfolders) of the folder on top of the
// stack, then turns it to its subfolders.
func (r *run) folderFiles(p pass, pos *position) step {
	top := &pos.Stack[len(pos.Stack)-1]
	q := r.listParams(p, r.query("'"+top.Folder+"' in parents"))
	for {
		if top.Token != "" {
			q.Set("pageToken", top.Token)
		}
		var pg fileList
		err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/files", q), &pg)
		if badRequest(err) && top.Token != "" {
			top.Token = "" // refused: list the folder's files again
			q.Del("pageToken")
			continue
		}
		if err != nil {
			return r.folderFailed(top.Folder, fmt.Errorf("google_drive: list folder %s: %w", top.Folder, err))
		}
		if !r.page(p, pg.Files) {
			return stepStop
		}
		if pg.NextPageToken == "" || pg.NextPageToken == top.Token {
			top.Token, top.Folders = "", true
			return stepFiles
		}
		top.Token = pg.NextPageToken
		if !r.Checkpoint(*pos) {
			return stepStop
		}
	}
}

// subfolders pushes the next subfolder of the folder on top of the stack
// that is not done yet, or reports the folder done.
func (r *run) subfolders(p pass, pos *position) step {
	top := &pos.Stack[len(pos.Stack)-1]
	q := r.listParams(p, "'"+top.Folder+"' in parents and trashed = false and mimeType = '"+mimeFolder+"'")
	q.Set("fields", "nextPageToken,files(id,name,parents,driveId,mimeType)")
	for {
		if top.Token != "" {
			q.Set("pageToken", top.Token)
		}
		var pg fileList
		err := r.c.client.get(r.in(p, ScopeDriveReadonly), join(r.c.client.drive, "/files", q), &pg)
		if badRequest(err) && top.Token != "" {
			top.Token, top.After = "", "" // refused: walk the subfolders again
			q.Del("pageToken")
			continue
		}
		if err != nil {
			return r.folderFailed(top.Folder, fmt.Errorf("google_drive: list subfolders of %s: %w", top.Folder, err))
		}
		skipping := top.After != ""
		for _, raw := range pg.Files {
			var f apiFile
			if json.Unmarshal(raw, &f) != nil || !driveID.MatchString(f.ID) {
				continue
			}
			if skipping {
				skipping = f.ID != top.After
				continue
			}
			if len(pos.Stack) >= maxDepth {
				id := folderNodeID(f.ID)
				fl := tributary.EntityFailure(id, id, fmt.Errorf("google_drive: folder %s is nested deeper than %d folders", f.ID, maxDepth))
				if !r.Yield(tributary.FailureItem(fl)) {
					return stepStop
				}
				continue
			}
			if !r.slim && !r.ensureNode(p, f.ID) {
				return stepStop
			}
			pos.Stack = append(pos.Stack, frame{Folder: f.ID})
			return stepDescend
		}
		if skipping {
			// The subfolder done last is gone from this page: walk it all.
			top.After = ""
			continue
		}
		if pg.NextPageToken == "" || pg.NextPageToken == top.Token {
			return stepDone
		}
		top.Token, top.After = pg.NextPageToken, ""
	}
}

// folderFailed reports a folder that could not be listed, which the walk
// then passes over, or ends the stream on an error that is not the
// folder's own.
func (r *run) folderFailed(folder string, err error) step {
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) {
		r.Fail(err)
		return stepStop
	}
	id := folderNodeID(folder)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	if !r.Yield(tributary.FailureItem(f)) {
		return stepStop
	}
	return stepDone
}
