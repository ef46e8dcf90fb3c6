package dropbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

const (
	checkpointKind    = "dropbox"
	checkpointVersion = 1
	cursorKey         = "list_folder_cursor"
	maxCursor         = 8192
)

// position is the checkpoint state: the phase and the cursor of the
// listing in progress, never what was seen.
type position struct {
	// Phase is "changes" (reading the changes since the last run's
	// cursor), "list" (the recursive listing) or "done".
	Phase  string `json:"phase,omitempty"`
	Cursor string `json:"cursor,omitempty"`
	// Latest is the cursor taken before the listing, stored in Values
	// when the stream ends so that the next poll reads changes from it.
	Latest string `json:"latest,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	switch {
	case pos.Phase != "" && pos.Phase != "changes" && pos.Phase != "list" && pos.Phase != "done",
		len(pos.Cursor) > maxCursor, len(pos.Latest) > maxCursor, pos.Phase == "changes" && pos.Cursor == "":
		return position{}, tributary.NewError("dropbox: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf("bad position (phase %q)", pos.Phase))
	}
	return pos, nil
}

// run is one range over a stream.
type run struct {
	c          *Connector
	cl         *client
	ctx        context.Context
	start, end time.Time
	slim       bool
	values     tributary.Values
	nodes      map[string]bool // node ids yielded lately, bounded
	// folders are the members of shared folders read lately, bounded.
	folders map[string]*tributary.ExternalAccess
	*tributary.Yielder
}

// maxNodes bounds the nodes remembered as yielded; past it the set
// starts over and a folder's node may be yielded again.
const maxNodes = 4096

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, values: tributary.ValuesFrom(ctx),
		nodes: map[string]bool{}, folders: map[string]*tributary.ExternalAccess{}, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
}

func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == "done" {
		return
	}
	cl, err := r.c.session(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	r.cl = cl
	tracking := r.values != nil && !r.slim
	if tracking && pos.Phase == "" {
		if pos.Latest, err = r.latest(); err != nil {
			r.Fail(err)
			return
		}
		if !r.start.IsZero() {
			got, err := r.values.Get(r.ctx, []string{cursorKey})
			if err != nil {
				r.Fail(fmt.Errorf("dropbox: read the last cursor: %w", err))
				return
			}
			if saved := string(got[cursorKey]); saved != "" && len(saved) <= maxCursor {
				pos.Phase, pos.Cursor = "changes", saved
			}
		}
	}
	if pos.Phase == "changes" {
		if !r.changes(&pos) {
			return
		}
		pos.Phase, pos.Cursor = "list", ""
	}
	if !r.list(pos) {
		return
	}
	if tracking && pos.Latest != "" {
		r.values.Put(cursorKey, []byte(pos.Latest))
	}
	r.Checkpoint(position{Phase: "done"})
}

// latest takes the cursor of the listing as it is now.
func (r *run) latest() (string, error) {
	var res struct {
		Cursor string `json:"cursor"`
	}
	err := r.cl.rpc(r.ctx, "files/list_folder/get_latest_cursor", r.listArgs(), &res)
	if err == nil && (res.Cursor == "" || len(res.Cursor) > maxCursor) {
		err = tributary.NewError("dropbox: latest cursor", tributary.ErrMalformedResponse, errors.New("answer without a usable cursor"))
	}
	if err != nil {
		return "", classify("dropbox: latest cursor", err)
	}
	return res.Cursor, nil
}

func (r *run) listArgs() map[string]any {
	return map[string]any{"path": r.c.settings.Path, "recursive": true, "include_deleted": false, "limit": r.c.settings.PageSize}
}

// page reads one listing page: the first (cursor "") or the next.
func (r *run) page(cursor string) (listPage, error) {
	var pg listPage
	var err error
	if cursor == "" {
		err = r.cl.rpc(r.ctx, "files/list_folder", r.listArgs(), &pg)
	} else {
		err = r.cl.rpc(r.ctx, "files/list_folder/continue", map[string]string{"cursor": cursor}, &pg)
	}
	if err != nil {
		return pg, classify("dropbox: list folder", err)
	}
	if pg.HasMore && (pg.Cursor == "" || pg.Cursor == cursor) || len(pg.Cursor) > maxCursor {
		return pg, tributary.NewError("dropbox: list folder", tributary.ErrMalformedResponse, errors.New("more entries without a new cursor"))
	}
	return pg, nil
}

// list runs the recursive listing from pos.Cursor, a checkpoint after
// every page. A cursor Dropbox resets starts the listing over.
func (r *run) list(pos position) bool {
	pos.Phase = "list"
	resets := 0
	for {
		pg, err := r.page(pos.Cursor)
		if errors.Is(err, errReset) && resets < 3 {
			resets++
			pos.Cursor = ""
			continue
		}
		if err != nil {
			return r.Fail(err)
		}
		for _, e := range pg.Entries {
			if !r.entry(e, false) {
				return false
			}
		}
		if !pg.HasMore {
			return true
		}
		pos.Cursor = pg.Cursor
		if !r.Checkpoint(pos) {
			return false
		}
	}
}

// changes reads the changes since the last run's cursor: deleted entries
// are deletions, and files changed without a new server_modified before
// the window (moved, renamed) are yielded again, since the window's
// listing passes them over. A reset cursor skips the changes: pruning
// finds what was deleted.
func (r *run) changes(pos *position) bool {
	for {
		pg, err := r.page(pos.Cursor)
		if errors.Is(err, errReset) {
			r.c.env.Log().Warn("dropbox: the last cursor was reset; deletions since the last run are left to pruning")
			return true
		}
		if err != nil {
			return r.Fail(err)
		}
		for _, e := range pg.Entries {
			if !r.entry(e, true) {
				return false
			}
		}
		if !pg.HasMore {
			return true
		}
		pos.Cursor = pg.Cursor
		if !r.Checkpoint(*pos) {
			return false
		}
	}
}

func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// entry yields what one listed entry makes.
func (r *run) entry(e entry, change bool) bool {
	if e.PathLower == "" || e.PathDisplay == "" {
		return true // not mounted: nothing to read
	}
	switch e.Tag {
	case "deleted":
		return !change || r.Yield(tributary.DeletionItem(idOf(e.PathLower))) && r.buried(e)
	case "folder":
		return r.node(e.PathLower, e.PathDisplay)
	case "file":
	default:
		return true
	}
	if change && !e.ServerModified.Before(r.start) || !change && !r.inWindow(e.ServerModified) {
		return true
	}
	if !r.node(parentOf(e.PathLower), parentOf(e.PathDisplay)) {
		return false
	}
	return r.file(e)
}

// buried yields the deletions of what a deleted entry held. Dropbox's
// changes name a deleted folder alone, and a deleted entry does not tell
// a file from a folder: listing its path with include_deleted reports
// what a folder held as deleted entries, and a file answers not_folder
// (not_found once Dropbox forgets it). The listing is read page by page
// and not checkpointed: resuming reads the changes page again, and it
// again.
func (r *run) buried(e entry) bool {
	args := map[string]any{"path": e.PathLower, "recursive": true, "include_deleted": true, "limit": r.c.settings.PageSize}
	var pg listPage
	err := r.cl.rpc(r.ctx, "files/list_folder", args, &pg)
	for err == nil {
		for _, d := range pg.Entries {
			if d.Tag != "deleted" || d.PathLower == "" {
				continue
			}
			if !r.Yield(tributary.DeletionItem(idOf(d.PathLower))) || r.packed(d) && !r.buriedArchive(d) {
				return false
			}
		}
		if !pg.HasMore {
			return true
		}
		cursor := pg.Cursor
		if cursor == "" {
			return r.Fail(tributary.NewError("dropbox: list deleted folder", tributary.ErrMalformedResponse, errors.New("more entries without a cursor")))
		}
		pg = listPage{}
		err = r.cl.rpc(r.ctx, "files/list_folder/continue", map[string]string{"cursor": cursor}, &pg)
		if err == nil && pg.HasMore && pg.Cursor == cursor {
			return r.Fail(tributary.NewError("dropbox: list deleted folder", tributary.ErrMalformedResponse, errors.New("a cursor repeated")))
		}
	}
	if sum := summaryOf(err); strings.Contains(sum, "not_found/") || strings.Contains(sum, "not_folder/") {
		// A file, or a folder whose path is forgotten.
		return !r.packed(e) || r.buriedArchive(e)
	}
	return r.Fail(classify("dropbox: list deleted folder "+e.PathDisplay, err))
}

// packed reports whether a deleted entry's name tells an archive whose
// entries Load opened.
func (r *run) packed(e entry) bool {
	return r.c.settings.OpenArchives && archive.IsArchive(extract.FormatOf(path.Base(e.PathDisplay)))
}

// buriedArchive yields the deletions of the entries of a deleted
// archive: its last revision (files/list_revisions) is downloaded and its
// entries listed as the slim listing lists them. An archive that cannot
// be read again leaves its entries to pruning.
func (r *run) buriedArchive(e entry) bool {
	var revs struct {
		IsDeleted bool    `json:"is_deleted"`
		Entries   []entry `json:"entries"`
	}
	err := r.cl.rpc(r.ctx, "files/list_revisions", map[string]any{"path": e.PathLower, "mode": "path", "limit": 1}, &revs)
	if err == nil && (!revs.IsDeleted || len(revs.Entries) == 0 || revs.Entries[0].Rev == "") {
		return true // there again, or no revision to read
	}
	var b []byte
	if err == nil {
		last := revs.Entries[0]
		last.ID, last.PathLower, last.PathDisplay = "", e.PathLower, e.PathDisplay
		b, _, err = r.content(last, extract.FormatOf(path.Base(e.PathDisplay)))
	}
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		r.c.env.Log().Warn("dropbox: the entries of a deleted archive are left to pruning", "path", e.PathDisplay, "error", err)
		return true
	}
	ref := archive.Ref{ID: idOf(e.PathLower), Link: linkOf(e.PathDisplay), Path: e.PathDisplay, Name: path.Base(e.PathDisplay)}
	format := extract.FormatOf(ref.Name)
	if !archive.IsArchive(format) {
		format, _ = extract.Sniff(b[:min(len(b), archive.SniffLen)])
	}
	gone := func(ref archive.Ref) bool { return r.Yield(tributary.DeletionItem(ref.ID)) }
	w := archive.Walker{Limits: r.c.settings.Archive, Slim: true,
		Entry:   func(ref archive.Ref, _ extract.Format, _ []byte) bool { return gone(ref) },
		Failure: func(fr archive.Ref, _ error) bool { return fr.ID == ref.ID || gone(fr) }}
	ok, err := w.Walk(r.ctx, ref, b, format)
	if err != nil {
		return r.Fail(err)
	}
	return ok
}

// node yields the nodes of the folder at p and of its parents not yet
// yielded, outermost first, whatever order the listing gave.
func (r *run) node(lower, display string) bool {
	if lower == "" || r.nodes[idOf(lower)] {
		return true
	}
	if !r.node(parentOf(lower), parentOf(display)) {
		return false
	}
	if len(r.nodes) >= maxNodes {
		clear(r.nodes)
	}
	id := idOf(lower)
	r.nodes[id] = true
	n := &tributary.HierarchyNode{ID: id, Name: path.Base(display), Link: linkOf(display), Kind: tributary.NodeFolder}
	if p := parentOf(lower); p != "" {
		n.ParentID = idOf(p)
	}
	return r.Yield(tributary.NodeItem(n))
}

// file yields a file's document, a failure under its id, the entries of
// an archive, or nothing for content that is not text.
func (r *run) file(e entry) bool {
	ref := fileRef(e)
	format := extract.FormatOf(e.Name)
	exportable := e.ExportInfo != nil
	downloadable := e.IsDownloadable == nil || *e.IsDownloadable
	packed := downloadable && archive.IsArchive(format)
	switch {
	case !downloadable && !exportable:
		tributary.ReportSkip(r.ctx, ref.ID, "neither downloadable nor exportable")
		return true
	case packed && !r.c.settings.OpenArchives:
		tributary.ReportSkip(r.ctx, ref.ID, string(format)+" archive, and open_archives is off")
		return true
	case r.slim && !packed && (exportable || format != extract.FormatUnknown):
		return r.slimDoc(e, ref)
	}
	b, format, err := r.content(e, format)
	switch {
	case err != nil && terminal(err):
		return r.Fail(err)
	case err != nil && r.slim:
		return r.slimDoc(e, ref)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
	}
	var mime string
	if format == extract.FormatUnknown {
		format, mime = extract.Sniff(b[:min(len(b), archive.SniffLen)])
	}
	switch {
	case archive.IsArchive(format) && r.c.settings.OpenArchives:
		return r.archive(e, ref, b, format)
	case archive.IsArchive(format):
		tributary.ReportSkip(r.ctx, ref.ID, string(format)+" archive, and open_archives is off")
		return true
	case format == extract.FormatUnknown:
		tributary.ReportSkip(r.ctx, ref.ID, "binary content: "+mime)
		return true
	case r.slim:
		return r.slimDoc(e, ref)
	}
	return r.extracted(e, ref, format, b, nil)
}

// extracted yields the document of ref (a file, or an entry of the
// archive e), extracted from b, with acc as its access when given and
// e's members otherwise, or a failure under ref's id.
func (r *run) extracted(e entry, ref archive.Ref, format extract.Format, b []byte, acc *tributary.ExternalAccess) bool {
	x, err := extract.Extract(format, b, "", extract.Limits{KeepImage: extract.KeepImages(r.ctx, ref.ID)})
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
	}
	d := r.document(e, ref, format, x)
	if r.c.env.WantPermissions && acc == nil {
		if acc, err = r.access(e); err != nil {
			if terminal(err) {
				return r.Fail(err)
			}
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
		}
	}
	d.ExternalAccess = acc
	return r.Yield(tributary.DocumentItem(d))
}

// archive yields the entries of the archive file e (its bytes b) as
// documents ARCHIVE-ID!/ENTRY, archives nested in it included, walked
// within the archive limits: an archive over a bound is one Failure under
// its id. Entries share the archive's folder, time and members.
func (r *run) archive(e entry, ref archive.Ref, b []byte, format extract.Format) bool {
	var acc *tributary.ExternalAccess
	if r.c.env.WantPermissions {
		var err error
		switch acc, err = r.access(e); {
		case err != nil && (terminal(err) || r.slim):
			return r.Fail(err)
		case err != nil:
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
		}
	}
	w := archive.Walker{Limits: r.c.settings.Archive, Slim: r.slim,
		Entry: func(ref archive.Ref, format extract.Format, data []byte) bool {
			if r.slim {
				return r.slimItem(e, ref, acc)
			}
			return r.extracted(e, ref, format, data, acc)
		},
		Failure: func(ref archive.Ref, err error) bool {
			if r.slim {
				return r.slimItem(e, ref, acc) // Load answers it with a Failure under this id
			}
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
		},
		Skip: func(ref archive.Ref, reason string) { tributary.ReportSkip(r.ctx, ref.ID, reason) },
	}
	ok, err := w.Walk(r.ctx, ref, b, format)
	if err != nil {
		return r.Fail(err)
	}
	return ok
}

// fileRef names a file as internal/archive names archives: its id,
// link, display path and name.
func fileRef(e entry) archive.Ref {
	return archive.Ref{ID: idOf(e.PathLower), Link: linkOf(e.PathDisplay), Path: e.PathDisplay, Name: e.Name}
}

// content downloads a file, or exports a Paper doc as Markdown, and
// returns its bytes with the format its name tells.
func (r *run) content(e entry, format extract.Format) ([]byte, extract.Format, error) {
	limit := r.c.settings.MaxFileSize
	if e.ExportInfo != nil {
		b, res, err := r.cl.fetch(r.ctx, "files/export", map[string]string{"path": e.ID, "export_format": "markdown"}, limit, nil)
		if err != nil {
			return nil, "", classify("dropbox: export "+e.PathDisplay, err)
		}
		var meta struct {
			Export struct {
				Name string `json:"name"`
			} `json:"export_metadata"`
		}
		if jsonErr := json.Unmarshal(res, &meta); jsonErr != nil || meta.Export.Name == "" {
			return b, extract.FormatMarkdown, nil
		}
		if f := extract.FormatOf(meta.Export.Name); f != extract.FormatUnknown {
			return b, f, nil
		}
		return b, extract.FormatMarkdown, nil
	}
	if e.Size > limit {
		return nil, "", fmt.Errorf("dropbox: %s is %d bytes: %w", e.PathDisplay, e.Size, errTooLarge)
	}
	arg := map[string]string{"path": e.ID}
	if e.Rev != "" {
		arg["path"] = "rev:" + e.Rev
	}
	want := e.ContentHash
	b, _, err := r.cl.fetch(r.ctx, "files/download", arg, limit, func([]byte) string { return want })
	if err != nil {
		return nil, "", classify("dropbox: download "+e.PathDisplay, err)
	}
	return b, format, nil
}

func (r *run) document(e entry, ref archive.Ref, format extract.Format, x *extract.Doc) *tributary.Document {
	d := &tributary.Document{ID: ref.ID, Source: Source, SemanticID: strings.TrimPrefix(ref.Path, "/"),
		Title: x.Title, Sections: x.Sections, Metadata: x.Metadata, UpdatedAt: e.ServerModified.UTC(),
		CreatedAt: x.Created, PrimaryOwners: x.Authors}
	if d.Title == "" {
		d.Title = ref.Name
	}
	if d.Metadata == nil {
		d.Metadata = tributary.Metadata{}
	}
	d.Metadata.Add("file_type", string(format))
	d.Metadata.Add("path", e.PathDisplay)
	d.Metadata.Add("rev", e.Rev)
	if !e.ClientModified.IsZero() {
		d.Metadata.Add("client_modified", e.ClientModified.UTC().Format(time.RFC3339))
	}
	if p := parentOf(e.PathLower); p != "" {
		d.ParentID = idOf(p)
	}
	entryLink := strings.Contains(ref.Link, "#") // an entry's link names it in its fragment
	for i := range d.Sections {
		s := &d.Sections[i]
		if strings.HasPrefix(s.Link, "#") && !entryLink {
			s.Link = ref.Link + s.Link
		} else {
			s.Link = ref.Link
		}
	}
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{tributary.TextSection(ref.Link, "")}
	}
	return d
}

// slimDoc yields the slim listing's item for a file, with its members
// when the host asks for access.
func (r *run) slimDoc(e entry, ref archive.Ref) bool {
	var acc *tributary.ExternalAccess
	if r.c.env.WantPermissions {
		var err error
		if acc, err = r.access(e); err != nil {
			return r.Fail(err)
		}
	}
	return r.slimItem(e, ref, acc)
}

// slimItem yields the slim listing's item for ref, a file or an entry of
// the archive e, with access acc.
func (r *run) slimItem(e entry, ref archive.Ref, acc *tributary.ExternalAccess) bool {
	d := &tributary.Document{ID: ref.ID, Source: Source, ExternalAccess: acc}
	if p := parentOf(e.PathLower); p != "" {
		d.ParentID = idOf(p)
	}
	return r.Yield(tributary.DocumentItem(d))
}

// maxMemberPages bounds the member pages read per file or shared folder.
const maxMemberPages = 100

// maxFolderAccess bounds the shared folders whose members a run keeps;
// past it the set starts over and a folder's members are read again.
const maxFolderAccess = 256

// access reads who may see a file: for a file in a shared folder, the
// folder's members (sharing/list_folder_members, read once per run), with
// the file's own members when it has any; for another, the file's members
// with inherited ones (sharing/list_file_members). Users and invitees are
// named by address, groups by id.
func (r *run) access(e entry) (*tributary.ExternalAccess, error) {
	folder := ""
	if e.SharingInfo != nil {
		folder = e.SharingInfo.ParentSharedFolderID
	}
	if folder == "" {
		return r.members("sharing/list_file_members", map[string]any{"file": e.ID, "include_inherited": true, "limit": 300}, e.PathDisplay)
	}
	inherited, ok := r.folders[folder]
	if !ok {
		var err error
		inherited, err = r.members("sharing/list_folder_members", map[string]any{"shared_folder_id": folder, "limit": 1000}, "shared folder "+folder)
		if err != nil {
			return nil, err
		}
		if len(r.folders) >= maxFolderAccess {
			clear(r.folders)
		}
		r.folders[folder] = inherited
	}
	acc := &tributary.ExternalAccess{UserEmails: slices.Clone(inherited.UserEmails), GroupIDs: slices.Clone(inherited.GroupIDs)}
	if e.HasExplicitSharedMembers == nil || *e.HasExplicitSharedMembers {
		own, err := r.members("sharing/list_file_members", map[string]any{"file": e.ID, "include_inherited": false, "limit": 300}, e.PathDisplay)
		if err != nil {
			return nil, err
		}
		acc.UserEmails = append(acc.UserEmails, own.UserEmails...)
		acc.GroupIDs = append(acc.GroupIDs, own.GroupIDs...)
	}
	return tidy(acc), nil
}

// members reads the pages of a members listing (a file's or a shared
// folder's, which answer alike) into access.
func (r *run) members(endpoint string, args map[string]any, what string) (*tributary.ExternalAccess, error) {
	acc := &tributary.ExternalAccess{}
	var pg members
	err := r.cl.rpc(r.ctx, endpoint, args, &pg)
	for n := 0; err == nil; n++ {
		for _, u := range pg.Users {
			if u.User.Email != "" {
				acc.UserEmails = append(acc.UserEmails, strings.ToLower(u.User.Email))
			}
		}
		for _, i := range pg.Invitees {
			if i.Invitee.Email != "" {
				acc.UserEmails = append(acc.UserEmails, strings.ToLower(i.Invitee.Email))
			}
		}
		for _, g := range pg.Groups {
			if g.Group.GroupID != "" {
				acc.GroupIDs = append(acc.GroupIDs, g.Group.GroupID)
			}
		}
		if pg.Cursor == "" {
			return tidy(acc), nil
		}
		if n >= maxMemberPages {
			return nil, tributary.NewError("dropbox: members of "+what, tributary.ErrMalformedResponse, errors.New("member pages do not end"))
		}
		cursor := pg.Cursor
		pg = members{}
		err = r.cl.rpc(r.ctx, endpoint+"/continue", map[string]string{"cursor": cursor}, &pg)
	}
	return nil, classify("dropbox: members of "+what, err)
}

// tidy sorts access's lists and drops repeats.
func tidy(acc *tributary.ExternalAccess) *tributary.ExternalAccess {
	slices.Sort(acc.UserEmails)
	slices.Sort(acc.GroupIDs)
	acc.UserEmails, acc.GroupIDs = slices.Compact(acc.UserEmails), slices.Compact(acc.GroupIDs)
	return acc
}
