package box

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

const (
	checkpointKind    = "box"
	checkpointVersion = 1
	// positionKey is the Values key of the events stream position the
	// last run ended at.
	positionKey = "events_stream_position"
	maxMarker   = 2048
	// maxDepth bounds the folders a checkpoint's stack may hold.
	maxDepth = 512
	// maxEmptyPages bounds the empty pages in a row a listing may answer
	// with a next marker before it is taken to loop.
	maxEmptyPages = 50
	// maxEventPages bounds the events pages one run reads.
	maxEventPages = 100_000
)

// frame is one folder of the walk: its id, the marker of the page being
// read ("" for the first) and how many of that page's entries are done.
type frame struct {
	ID     string `json:"id"`
	Marker string `json:"marker,omitempty"`
	Skip   int    `json:"skip,omitempty"`
}

// position is the checkpoint state: the phase, the root being walked
// with the stack of folders from it to the one being read, and the
// events stream's positions. It never holds what was seen: it grows with
// the depth of the tree, not with its size.
type position struct {
	// Phase is "" (starting), "events" (reading changes since the last
	// run's stream position), "walk" or "done".
	Phase string  `json:"phase,omitempty"`
	Root  int     `json:"root,omitempty"`
	Stack []frame `json:"stack,omitempty"`
	// Stream is the events position being read; Latest the position
	// taken before the walk, stored in Values when the stream ends.
	Stream string `json:"stream,omitempty"`
	Latest string `json:"latest,omitempty"`
}

func decodePosition(cp tributary.Checkpoint, roots int) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := !slices.Contains([]string{"", "events", "walk", "done"}, pos.Phase) || pos.Root < 0 || pos.Root > roots ||
		len(pos.Stack) > maxDepth || len(pos.Stream) > 64 || len(pos.Latest) > 64 || pos.Phase == "events" && pos.Stream == ""
	for _, f := range pos.Stack {
		bad = bad || !numeric(f.ID) || len(f.Marker) > maxMarker || f.Skip < 0 || f.Skip > 1000
	}
	if bad {
		return position{}, tributary.NewError("box: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf("bad position (phase %q)", pos.Phase))
	}
	return pos, nil
}

// run is one range over a stream.
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	values     tributary.Values
	roots      map[string]bool
	// pages caches the page each frame of the stack reads, by depth.
	pages map[int]*markerPage[item]
	nodes map[string]bool // node ids yielded lately, bounded
	// folderAccess caches folders' collaborations, bounded.
	folderAccess map[string]*tributary.ExternalAccess
	*tributary.Yielder
}

const maxRemembered = 4096

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, values: tributary.ValuesFrom(ctx), roots: map[string]bool{},
		pages: map[int]*markerPage[item]{}, nodes: map[string]bool{}, folderAccess: map[string]*tributary.ExternalAccess{},
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
	for _, id := range c.settings.FolderIDs {
		r.roots[id] = true
	}
	return r
}

func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == "done" {
		return
	}
	tracking := r.values != nil && !r.slim
	if tracking && pos.Phase == "" {
		latest, err := r.latest()
		if err != nil {
			r.Fail(err)
			return
		}
		pos.Latest = latest
		if !r.start.IsZero() {
			got, err := r.values.Get(r.ctx, []string{positionKey})
			if err != nil {
				r.Fail(fmt.Errorf("box: read the last stream position: %w", err))
				return
			}
			if saved := string(got[positionKey]); numeric(saved) {
				pos.Phase, pos.Stream = "events", saved
			}
		}
	}
	if pos.Phase == "events" {
		ok, fallBack := r.events(&pos)
		if !ok {
			return
		}
		if !fallBack {
			r.finish(tracking, pos.Stream)
			return
		}
	}
	pos.Phase = "walk"
	if !r.walk(&pos) {
		return
	}
	r.finish(tracking, pos.Latest)
}

// finish stores the stream position the next poll reads from and ends
// the stream with its last checkpoint.
func (r *run) finish(tracking bool, stream string) {
	if tracking && stream != "" {
		r.values.Put(positionKey, []byte(stream))
	}
	r.Checkpoint(position{Phase: "done"})
}

// latest takes the events stream's position as it is now.
func (r *run) latest() (string, error) {
	var pg eventsPage
	err := r.c.client.get(r.ctx, "/events", url.Values{"stream_type": {"changes"}, "stream_position": {"now"}}, &pg)
	if err == nil && !numeric(string(pg.NextStreamPosition)) {
		err = tributary.NewError("box: events position", tributary.ErrMalformedResponse, errors.New("answer without a next_stream_position"))
	}
	if err != nil {
		return "", fmt.Errorf("box: events position: %w", err)
	}
	return string(pg.NextStreamPosition), nil
}

func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// list reads one page of a folder's items.
func (r *run) list(folder, marker string) (*markerPage[item], error) {
	q := url.Values{"usemarker": {"true"}, "limit": {strconv.Itoa(r.c.settings.PageSize)}, "fields": {itemFields}}
	if marker != "" {
		q.Set("marker", marker)
	}
	var pg markerPage[item]
	op := "box: list folder " + folder
	if err := r.c.client.get(r.ctx, "/folders/"+folder+"/items", q, &pg); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	switch {
	case pg.NextMarker != "" && pg.NextMarker == marker:
		return nil, tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("next_marker repeats the marker asked"))
	case len(pg.NextMarker) > maxMarker:
		return nil, tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("next_marker too long"))
	}
	for _, e := range pg.Entries {
		if !numeric(e.ID) {
			return nil, tributary.NewError(op, tributary.ErrMalformedResponse, fmt.Errorf("an entry with id %q", e.ID))
		}
	}
	return &pg, nil
}

// walk reads the roots depth first from pos, a checkpoint after every
// page and on entering every folder.
func (r *run) walk(pos *position) bool {
	roots := r.c.settings.FolderIDs
	for pos.Root < len(roots) {
		if len(pos.Stack) == 0 {
			if !r.rootNode(roots[pos.Root]) {
				return false
			}
			pos.Stack = []frame{{ID: roots[pos.Root]}}
		}
		empty := 0
		for len(pos.Stack) > 0 {
			depth := len(pos.Stack) - 1
			top := pos.Stack[depth]
			pg := r.pages[depth]
			if pg == nil {
				var err error
				if pg, err = r.list(top.ID, top.Marker); err != nil {
					switch {
					case errors.Is(err, tributary.ErrNotFound) && depth > 0:
						// Gone since its parent was listed.
						r.c.env.Log().Warn("box: a folder went away during the walk", "folder", top.ID)
					case errors.Is(err, tributary.ErrInsufficientPermissions) && depth > 0:
						// A folder the user may see but not list: its files
						// are missed, the rest goes on.
						if !r.Yield(tributary.FailureItem(tributary.EntityFailure(folderID(top.ID), folderID(top.ID), err))) {
							return false
						}
					default:
						return r.Fail(err)
					}
					pos.Stack = pos.Stack[:depth]
					if !r.Checkpoint(pos) {
						return false
					}
					continue
				}
				r.pages[depth] = pg
			}
			child := ""
			for i := top.Skip; i < len(pg.Entries) && child == ""; i++ {
				e := pg.Entries[i]
				switch e.Type {
				case "folder":
					if r.onStack(pos.Stack, e.ID) {
						continue
					}
					if !r.folderNode(e, top.ID) {
						return false
					}
					pos.Stack[depth].Skip, child = i+1, e.ID
				case "file":
					if !r.file(e, top.ID, true) {
						return false
					}
				}
			}
			if child != "" {
				if len(pos.Stack) >= maxDepth {
					return r.Fail(tributary.NewError("box: walk", tributary.ErrMalformedResponse, fmt.Errorf("folders nested over %d deep", maxDepth)))
				}
				pos.Stack = append(pos.Stack, frame{ID: child})
				delete(r.pages, depth+1)
				if !r.Checkpoint(pos) {
					return false
				}
				continue
			}
			delete(r.pages, depth)
			if pg.NextMarker == "" {
				pos.Stack = pos.Stack[:depth]
				empty = 0
			} else {
				if len(pg.Entries) == 0 {
					if empty++; empty > maxEmptyPages {
						return r.Fail(tributary.NewError("box: list folder "+top.ID, tributary.ErrMalformedResponse, errors.New("empty pages that do not end")))
					}
				}
				pos.Stack[depth] = frame{ID: top.ID, Marker: pg.NextMarker}
			}
			if len(pos.Stack) > 0 && !r.Checkpoint(pos) {
				return false
			}
		}
		pos.Root++
		if !r.Checkpoint(pos) {
			return false
		}
	}
	return true
}

func (r *run) onStack(stack []frame, id string) bool {
	for _, f := range stack {
		if f.ID == id {
			return true
		}
	}
	return false
}

// rootNode yields the node of a configured folder, with no parent.
func (r *run) rootNode(id string) bool {
	var f item
	if err := r.c.client.get(r.ctx, "/folders/"+id, url.Values{"fields": {"id,type,name"}}, &f); err != nil {
		return r.Fail(fmt.Errorf("box: read folder %s: %w", id, err))
	}
	return r.node(id, f.Name, "")
}

func (r *run) folderNode(e item, parent string) bool {
	return r.node(e.ID, e.Name, parent)
}

// node yields a folder's node unless it was yielded lately; parent is
// the parent folder's id, "" for a root.
func (r *run) node(id, name, parent string) bool {
	nid := folderID(id)
	if r.nodes[nid] {
		return true
	}
	if len(r.nodes) >= maxRemembered {
		clear(r.nodes)
	}
	r.nodes[nid] = true
	n := &tributary.HierarchyNode{ID: nid, Name: name, Link: nid, Kind: tributary.NodeFolder}
	if parent != "" && !r.roots[id] {
		n.ParentID = folderID(parent)
	}
	if id == "0" && n.Name == "" {
		n.Name = "All Files"
	}
	return r.Yield(tributary.NodeItem(n))
}

// chainNodes yields the nodes of the folders from the configured root
// an item lies under down to its parent, and reports whether it lies
// under one at all.
func (r *run) chainNodes(e item) (inScope, ok bool) {
	pc := e.PathCollection.Entries
	at := -1
	for i, f := range pc {
		if r.roots[f.ID] {
			at = i
			break
		}
	}
	if at < 0 {
		return false, true
	}
	for i := at; i < len(pc); i++ {
		parent := ""
		if i > at {
			parent = pc[i-1].ID
		}
		if !r.node(pc[i].ID, pc[i].Name, parent) {
			return true, false
		}
	}
	return true, true
}

// pathOf is an item's readable path below All Files.
func pathOf(e item) string {
	var parts []string
	for _, f := range e.PathCollection.Entries {
		if f.ID != "0" {
			parts = append(parts, f.Name)
		}
	}
	return strings.Join(append(parts, e.Name), "/")
}

// boxNote is the format of Box Notes (.boxnote), read as text.
const boxNote extract.Format = "boxnote"

func formatOf(name string) extract.Format {
	if strings.HasSuffix(strings.ToLower(name), ".boxnote") {
		return boxNote
	}
	return extract.FormatOf(name)
}

// file yields a file's document, a failure under its id, the entries of
// an archive, or nothing for content that is not text. windowed leaves
// out a file modified outside the run's window.
func (r *run) file(e item, parent string, windowed bool) bool {
	if windowed && !r.inWindow(e.ModifiedAt) {
		return true
	}
	ref := archive.Ref{ID: fileID(e.ID), Link: fileID(e.ID), Path: pathOf(e), Name: e.Name}
	format := formatOf(e.Name)
	packed := archive.IsArchive(format)
	switch {
	case packed && !r.c.settings.OpenArchives:
		tributary.ReportSkip(r.ctx, ref.ID, string(format)+" archive, and open_archives is off")
		return true
	case r.slim && !packed && format != extract.FormatUnknown:
		return r.slimDoc(e, ref, parent)
	case e.Size > r.c.settings.MaxFileSize:
		if r.slim {
			return r.slimDoc(e, ref, parent)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, fmt.Errorf("%d bytes: %w", e.Size, errTooLarge))))
	}
	b, err := r.c.client.download(r.ctx, e.ID, e.SHA1, r.c.settings.MaxFileSize)
	switch {
	case err != nil && terminal(err):
		return r.Fail(err)
	case err != nil && r.slim:
		return r.slimDoc(e, ref, parent)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
	}
	var mime string
	if format == extract.FormatUnknown {
		format, mime = extract.Sniff(b[:min(len(b), archive.SniffLen)])
	}
	switch {
	case archive.IsArchive(format) && r.c.settings.OpenArchives:
		return r.archive(e, ref, parent, b, format)
	case archive.IsArchive(format):
		tributary.ReportSkip(r.ctx, ref.ID, string(format)+" archive, and open_archives is off")
		return true
	case format == extract.FormatUnknown:
		tributary.ReportSkip(r.ctx, ref.ID, "binary content: "+mime)
		return true
	case r.slim:
		return r.slimDoc(e, ref, parent)
	}
	return r.extracted(e, ref, parent, format, b, nil)
}

// extracted yields the document of ref (a file, or an entry of the
// archive e) extracted from b, with acc as its access when given and
// e's otherwise, or a failure under ref's id.
func (r *run) extracted(e item, ref archive.Ref, parent string, format extract.Format, b []byte, acc *tributary.ExternalAccess) bool {
	var x *extract.Doc
	var err error
	if format == boxNote {
		x, err = boxNoteDoc(b)
	} else {
		x, err = extract.Extract(format, b, "", extract.Limits{KeepImage: extract.KeepImages(r.ctx, ref.ID)})
	}
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(ref.ID, ref.Link, err)))
	}
	d := r.document(e, ref, parent, format, x)
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

// archive yields the entries of the archive file e as documents
// FILE-ID!/ENTRY, walked within the archive limits; entries share the
// archive's folder, times and access.
func (r *run) archive(e item, ref archive.Ref, parent string, b []byte, format extract.Format) bool {
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
				return r.slimItem(ref, parent, acc)
			}
			return r.extracted(e, ref, parent, format, data, acc)
		},
		Failure: func(ref archive.Ref, err error) bool {
			if r.slim {
				return r.slimItem(ref, parent, acc)
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

func person(u *user) []tributary.Person {
	if u == nil || u.Login == "" && u.Name == "" {
		return nil
	}
	return []tributary.Person{{DisplayName: u.Name, Email: strings.ToLower(u.Login)}}
}

func (r *run) document(e item, ref archive.Ref, parent string, format extract.Format, x *extract.Doc) *tributary.Document {
	d := &tributary.Document{ID: ref.ID, Source: Source, SemanticID: ref.Path, Title: x.Title, Sections: x.Sections, Metadata: x.Metadata,
		UpdatedAt: e.ModifiedAt.UTC(), CreatedAt: e.CreatedAt.UTC(), PrimaryOwners: person(e.OwnedBy), ParentID: folderID(parent)}
	if d.Title == "" {
		d.Title = ref.Name
	}
	if d.Metadata == nil {
		d.Metadata = tributary.Metadata{}
	}
	if m := person(e.ModifiedBy); m != nil && (d.PrimaryOwners == nil || m[0] != d.PrimaryOwners[0]) {
		d.SecondaryOwners = m
	}
	d.Metadata.Add("file_type", string(format))
	d.Metadata.Add("path", pathOf(e))
	d.Metadata.Add("sha1", e.SHA1)
	if !e.ContentModifiedAt.IsZero() {
		d.Metadata.Add("content_modified_at", e.ContentModifiedAt.UTC().Format(time.RFC3339))
	}
	entryLink := strings.Contains(ref.Link, "#")
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

// slimDoc yields the slim listing's item for a file, with its access
// when the host asks.
func (r *run) slimDoc(e item, ref archive.Ref, parent string) bool {
	var acc *tributary.ExternalAccess
	if r.c.env.WantPermissions {
		var err error
		if acc, err = r.access(e); err != nil {
			return r.Fail(err)
		}
	}
	return r.slimItem(ref, parent, acc)
}

func (r *run) slimItem(ref archive.Ref, parent string, acc *tributary.ExternalAccess) bool {
	return r.Yield(tributary.DocumentItem(&tributary.Document{ID: ref.ID, Source: Source, ExternalAccess: acc, ParentID: folderID(parent)}))
}
