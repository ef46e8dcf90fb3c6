package googledrive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

// outcome is what reading one listed file came to, found ahead of its
// turn by a worker; emit yields it, in listing order.
type outcome struct {
	file    *apiFile // the file the document is made of (a shortcut's target)
	doc     *tributary.Document
	failure *tributary.Failure
	skipID  string // a file passed over on purpose, and why
	skip    string
	err     error // ends the stream
}

// page reads the files of one listing page, up to Concurrency at a time
// and at most twice that many ahead of the one being yielded, and yields
// them in order. No worker outlives the call.
func (r *run) page(p pass, raws []rawFile) bool {
	return google.InOrder(r.ctx, r.c.settings.Concurrency, raws,
		func(ctx context.Context, raw rawFile) outcome { return r.prepareRaw(ctx, p, raw) },
		func(o outcome) bool { return r.emit(p, o) }, r.Fail)
}

// prepareRaw decodes one listed file and reads it.
func (r *run) prepareRaw(ctx context.Context, p pass, raw rawFile) outcome {
	var f apiFile
	if err := json.Unmarshal(raw, &f); err != nil || f.ID == "" || f.ModifiedTime.IsZero() {
		if err == nil {
			err = errors.New("file lacks id or modifiedTime")
		}
		err = fmt.Errorf("google_drive: malformed file: %w", err)
		var ref struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &ref) == nil && driveID.MatchString(ref.ID) {
			id := fileID(ref.ID)
			return outcome{failure: tributary.DocumentFailure(id, id, err)}
		}
		id := r.entityID(p)
		fl := tributary.EntityFailure(id, id, err)
		fl.MissedStart, fl.MissedEnd = r.start, r.end
		return outcome{failure: fl}
	}
	return r.prepareFile(ctx, p, &f)
}

// prepareFile reads one listed file, unless another pass reads it.
func (r *run) prepareFile(ctx context.Context, p pass, f *apiFile) outcome {
	if f.Trashed || f.MimeType == mimeFolder || !r.inWindow(f.ModifiedTime) || r.elsewhere(p, f) {
		return outcome{}
	}
	if f.MimeType == mimeShortcut {
		return r.prepareShortcut(ctx, p, f)
	}
	return r.prepareDocument(ctx, p, f)
}

// prepareShortcut follows a shortcut once, to a file that no pass reads
// on its own. A shortcut to a shortcut (a chain or a loop) is a failure;
// one to a folder, or to a file gone, is skipped.
func (r *run) prepareShortcut(ctx context.Context, p pass, s *apiFile) outcome {
	id := fileID(s.ID)
	if s.ShortcutDetails == nil || !driveID.MatchString(s.ShortcutDetails.TargetID) {
		return outcome{skipID: id, skip: "shortcut without a target"}
	}
	t, err := r.c.getFile(google.As(ctx, p.reader, ScopeDriveReadonly), s.ShortcutDetails.TargetID)
	switch {
	case hidden(err):
		return outcome{skipID: id, skip: "shortcut to a file the reader cannot see"}
	case err != nil && terminal(err):
		return outcome{err: fmt.Errorf("google_drive: follow shortcut %s: %w", s.ID, err)}
	case err != nil:
		return outcome{failure: tributary.DocumentFailure(id, id, fmt.Errorf("google_drive: follow shortcut: %w", err))}
	case t.MimeType == mimeShortcut && r.slim:
		return outcome{} // the load reports it
	case t.MimeType == mimeShortcut:
		return outcome{failure: tributary.DocumentFailure(id, id,
			fmt.Errorf("google_drive: shortcut %s points at shortcut %s: shortcuts are followed once", s.ID, t.ID))}
	case t.MimeType == mimeFolder:
		return outcome{skipID: id, skip: "shortcut to a folder"}
	case t.Trashed || r.elsewhere(pass{kind: kindFolder}, t):
		return outcome{} // another pass reads it, or it is in the trash
	}
	return r.prepareDocument(ctx, p, t)
}

// prepareDocument maps a file and reads its access and, unless the stream
// is slim, its content. A file whose content or access cannot be read is
// a failure under its document's id.
func (r *run) prepareDocument(ctx context.Context, p pass, f *apiFile) outcome {
	id := fileID(f.ID)
	if why := r.c.skipReason(f); why != "" {
		return outcome{skipID: id, skip: why}
	}
	d := r.c.toDocument(f)
	rctx := google.As(ctx, p.reader, ScopeDriveReadonly)
	if r.c.env.WantPermissions {
		a, err := r.c.access(rctx, f, p.reader)
		if err != nil {
			if terminal(err) {
				return outcome{err: fmt.Errorf("google_drive: permissions of %s: %w", f.ID, err)}
			}
			return outcome{failure: tributary.DocumentFailure(id, id, fmt.Errorf("google_drive: permissions: %w", err))}
		}
		d.ExternalAccess = a
	}
	if !r.slim {
		sections, err := r.c.content(rctx, f, d.Sections[0].Link)
		if err != nil {
			if terminal(err) {
				return outcome{err: fmt.Errorf("google_drive: content of %s: %w", f.ID, err)}
			}
			return outcome{failure: tributary.DocumentFailure(id, d.Sections[0].Link, fmt.Errorf("google_drive: content: %w", err))}
		}
		if len(sections) > 0 {
			d.Sections = sections
		}
	}
	return outcome{file: f, doc: d}
}

// emit yields an outcome: the document after its parent nodes.
func (r *run) emit(p pass, o outcome) bool {
	switch {
	case o.err != nil:
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return r.Fail(ctxErr)
		}
		return r.Fail(o.err)
	case o.skip != "":
		tributary.ReportSkip(r.ctx, o.skipID, o.skip)
		return true
	case o.failure != nil:
		return r.Yield(tributary.FailureItem(o.failure))
	case o.doc == nil:
		return true
	}
	d, f := o.doc, o.file
	if len(f.Parents) > 0 && driveID.MatchString(f.Parents[0]) {
		d.ParentID = folderNodeID(f.Parents[0])
		if !r.slim {
			if !r.ensureNode(p, f.Parents[0]) {
				return false
			}
			if !r.known(p, d.ParentID) {
				d.ParentID = "" // the parent could not be read
			}
		}
	}
	return r.Yield(tributary.DocumentItem(d))
}

// file, shortcut and document read one file in turn, for the Changes API
// and Refetch.
func (r *run) file(p pass, f *apiFile) bool { return r.emit(p, r.prepareFile(r.ctx, p, f)) }
func (r *run) shortcut(p pass, f *apiFile) bool {
	return r.emit(p, r.prepareShortcut(r.ctx, p, f))
}
func (r *run) document(p pass, f *apiFile) bool {
	return r.emit(p, r.prepareDocument(r.ctx, p, f))
}
