package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Error kinds of the failures this connector reports, besides those of
// reading and extracting (ErrEncrypted, ErrUndecodable, ...). Match them
// with errors.Is on a *tributary.Failure.
var (
	// ErrOutsideRoot: a symbolic link leads outside its root.
	ErrOutsideRoot = errors.New("symbolic link leads outside the root")
	// ErrSymlinkLoop: symbolic links form a loop.
	ErrSymlinkLoop = errors.New("symbolic link loop")
	// ErrUnsafeEntry: an archive entry's name is absolute or climbs out of
	// the archive with "..".
	ErrUnsafeEntry = archive.ErrUnsafeEntry
	// ErrArchiveBounds: an archive is over one of its ArchiveLimits.
	ErrArchiveBounds = archive.ErrBounds
	// ErrTooDeep: folders nest deeper than Settings.MaxDepth.
	ErrTooDeep = errors.New("folders nest too deep")
)

// errStopped unwinds a walk whose consumer stopped ranging.
var errStopped = errors.New("stopped")

// walker is one pass over the roots. It calls emit with document and
// failure items in walk order: roots in configured order, then depth-first
// with every folder's names in byte order. In slim mode documents carry
// only their ids and files are not read, except to list archives and to
// sniff files whose name does not tell their format.
type walker struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	emit       func(tributary.Item) bool
	// fileDone, when set, is told each file the walk has finished with
	// (emitted or not), for checkpoints. It returns false to stop.
	fileDone func(root, rel string) bool
	// noDescend keeps the walk in the folder it starts in.
	noDescend bool
	// nodes makes the walk yield a folder's HierarchyNode (after its
	// parents') before the first document in it.
	nodes bool
}

// rootState is a root being walked.
type rootState struct {
	cfg    rootConfig
	real   string // the root folder's path with symbolic links resolved
	handle *os.Root
}

// dirState is a folder being walked; parent links make the chain used to
// detect symbolic-link loops.
type dirState struct {
	parent *dirState
	root   *rootState
	rel    string // slash path below the root; "" for the root
	real   string // real path on disk
	handle *os.Root
	// dir is the folder opened for listing, kept open while it is walked
	// so files are opened relative to it.
	dir   *os.File
	depth int
	meta  *folderMeta
	// sent records that the folder's node was yielded.
	sent bool
}

// id returns the folder's node id, which its documents name as ParentID.
func (d *dirState) id() string { return folderID(d.root.cfg.name, d.rel) }

// node returns the folder's HierarchyNode.
func (d *dirState) node() *tributary.HierarchyNode {
	n := &tributary.HierarchyNode{ID: d.id(), Name: path.Base(d.rel), Link: fileLink(d.root.cfg, d.rel), Kind: tributary.NodeFolder}
	if d.parent != nil {
		n.ParentID = d.parent.id()
	} else {
		n.Name = d.root.cfg.name
	}
	return n
}

// sendNode yields the nodes of d and of the folders above it that were
// not yielded yet, outermost first. Where the host keeps the connector's
// Values, a node the sink took unchanged in an earlier run is not yielded
// again: a run's documents are only those that changed, and their folders
// (and the folders above them) are known already.
func (w *walker) sendNode(d *dirState) error {
	if !w.nodes || d == nil || d.sent {
		return nil
	}
	if err := w.sendNode(d.parent); err != nil {
		return err
	}
	d.sent = true
	n := d.node()
	values := tributary.ValuesFrom(w.ctx)
	if values == nil {
		return w.put(tributary.NodeItem(n))
	}
	key, memo := "node "+n.ID, nodeMemo(n)
	if got, err := values.Get(w.ctx, []string{key}); err == nil && bytes.Equal(got[key], memo) {
		return nil
	}
	if err := w.put(tributary.NodeItem(n)); err != nil {
		return err
	}
	values.Put(key, memo) // stored once the sink has taken the node
	return nil
}

// nodeMemo is what a folder's node is remembered by between runs: every
// field the sink receives.
func nodeMemo(n *tributary.HierarchyNode) []byte {
	return []byte(strings.Join([]string{n.ParentID, n.Name, n.Link, string(n.Kind)}, "\x00"))
}

// put yields an item, unless the context is done (its error is returned)
// or the consumer stopped before (errStopped).
func (w *walker) put(it tributary.Item) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if !w.emit(it) {
		return errStopped
	}
	return nil
}

// walk walks the roots from index first, resuming after the path after in
// that root (nil for its start). It returns nil, errStopped, or a terminal
// error (the context's, or a root that cannot be opened).
func (w *walker) walk(first int, after []string) error {
	for i := first; i < len(w.c.roots); i++ {
		if err := w.walkRoot(w.c.roots[i], after); err != nil {
			return err
		}
		after = nil
	}
	return nil
}

func (w *walker) walkRoot(r rootConfig, after []string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.c.opened.Add(1)
	if err := checkRoot(r); err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(r.path)
	if err != nil {
		return tributary.NewError("file: root "+r.name, tributary.ErrNotFound, err)
	}
	h, err := os.OpenRoot(real)
	if err != nil {
		return tributary.NewError("file: root "+r.name, tributary.ErrInsufficientPermissions, err)
	}
	defer h.Close()
	rs := &rootState{cfg: r, real: real, handle: h}
	return w.walkDir(&dirState{root: rs, real: real, handle: h}, after)
}

// readNames lists a folder's names, sorted. Only one folder's names are
// held at a time per level of nesting, so memory follows the widest folder,
// not the size of the tree.
func readNames(dir *os.File) ([]string, error) {
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

func (w *walker) walkDir(d *dirState, after []string) error {
	if d.dir == nil {
		dir, err := d.handle.Open(".")
		if err != nil {
			return w.folderFailure(d.root, d.rel, fmt.Errorf("open folder: %w", err))
		}
		defer dir.Close()
		d.dir = dir
	}
	names, err := readNames(d.dir)
	if err != nil {
		return w.folderFailure(d.root, d.rel, fmt.Errorf("read folder: %w", err))
	}
	if _, found := slices.BinarySearch(names, MetadataFile); found {
		if err := w.loadSideFile(d); err != nil {
			return err
		}
	}
	for _, name := range names {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		var sub []string
		if len(after) > 0 {
			switch c := strings.Compare(name, after[0]); {
			case c < 0:
				continue
			case c == 0 && len(after) == 1:
				continue
			case c == 0:
				sub = after[1:]
			}
		}
		if name == MetadataFile {
			continue
		}
		if err := w.entry(d, name, sub); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) loadSideFile(d *dirState) error {
	f, err := d.handle.Open(MetadataFile)
	if err == nil {
		d.meta, err = readSideFile(f)
		f.Close()
	}
	if err != nil {
		rel := path.Join(d.rel, MetadataFile)
		return w.failure(&tributary.Failure{EntityID: docID(d.root.cfg.name, rel),
			Link: fileLink(d.root.cfg, rel), Message: "metadata side file ignored", Err: err})
	}
	return nil
}

// entry handles one name of a folder. after, when not nil, is the rest of
// the resume position below this name.
func (w *walker) entry(d *dirState, name string, after []string) error {
	rel := path.Join(d.rel, name)
	fi, err := d.handle.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed since the folder was listed
	}
	if err != nil {
		if ok, _ := w.admit(rel); after != nil || !ok {
			return nil
		}
		return w.failure(tributary.DocumentFailure(docID(d.root.cfg.name, rel), fileLink(d.root.cfg, rel), err))
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return w.symlink(d, name, rel, fi, after)
	case fi.IsDir():
		if w.excluded(rel) {
			return nil
		}
		return w.descend(d, rel, filepath.Join(d.real, name), after,
			func() (*os.Root, error) { return d.handle.OpenRoot(name) })
	case fi.Mode().IsRegular() && after == nil:
		return w.file(d, name, rel, fi, time.Time{}, func() (io.ReadCloser, error) { return d.openFile(name) })
	}
	return nil // devices, sockets and pipes are not documents
}

// symlink follows a symbolic link when it stays inside the root. link is
// the link's own information: a new link to an old file is a change.
func (w *walker) symlink(d *dirState, name, rel string, link fs.FileInfo, after []string) error {
	if w.excluded(rel) {
		return nil
	}
	top := d.root
	fail := func(err error) error {
		if after != nil {
			return nil
		}
		return w.failure(tributary.DocumentFailure(docID(top.cfg.name, rel), fileLink(top.cfg, rel), err))
	}
	target, err := filepath.EvalSymlinks(filepath.Join(d.real, name))
	if err != nil {
		if _, serr := os.Stat(filepath.Join(d.real, name)); errors.Is(serr, syscall.ELOOP) {
			return fail(fmt.Errorf("%w: %w", ErrSymlinkLoop, serr))
		}
		return fail(fmt.Errorf("follow symbolic link: %w", err))
	}
	relReal, ok := within(top.real, target)
	if !ok {
		return fail(ErrOutsideRoot)
	}
	fi, err := top.handle.Stat(relReal)
	if err != nil {
		return fail(fmt.Errorf("follow symbolic link: %w", err))
	}
	switch {
	case fi.IsDir():
		for a := d; a != nil; a = a.parent {
			if a.real == target {
				return w.folderFailure(top, rel, fmt.Errorf("%w: leads back to %s", ErrSymlinkLoop, folderID(top.cfg.name, a.rel)))
			}
		}
		return w.descend(d, rel, target, after, func() (*os.Root, error) { return top.handle.OpenRoot(relReal) })
	case fi.Mode().IsRegular() && after == nil:
		return w.file(d, name, rel, fi, statusChange(link), func() (io.ReadCloser, error) { return top.handle.Open(relReal) })
	}
	return nil
}

// within returns target's path relative to root, and whether target is
// root itself or lies below it.
func within(root, target string) (string, bool) {
	rel, err := filepath.Rel(root, target)
	if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

func (w *walker) descend(d *dirState, rel, real string, after []string, open func() (*os.Root, error)) error {
	if w.noDescend {
		return nil
	}
	if d.depth+1 > w.c.s.MaxDepth {
		return w.folderFailure(d.root, rel, fmt.Errorf("%w: deeper than %d folders", ErrTooDeep, w.c.s.MaxDepth))
	}
	h, err := open()
	if err != nil {
		return w.folderFailure(d.root, rel, fmt.Errorf("open folder: %w", err))
	}
	defer h.Close()
	return w.walkDir(&dirState{parent: d, root: d.root, rel: rel, real: real, handle: h, depth: d.depth + 1}, after)
}

// excluded reports whether a file or folder matches an exclude pattern. A
// pattern ending in "/**" also excludes the folder itself.
func (w *walker) excluded(rel string) bool {
	base := path.Base(rel)
	if w.c.excludeHidden && strings.HasPrefix(base, ".") {
		return true
	}
	for _, name := range w.c.excludeNames {
		if base == name {
			return true
		}
	}
	for _, p := range w.c.excludeGlobs {
		if doublestar.MatchUnvalidated(p, rel) {
			return true
		}
		if base, ok := strings.CutSuffix(p, "/**"); ok && doublestar.MatchUnvalidated(base, rel) {
			return true
		}
	}
	return false
}

// splitExcludes sorts exclude patterns into plain names matched anywhere
// ("**/name", the common case, compared without glob matching), hidden
// names ("**/.*") and the other globs.
func splitExcludes(patterns []string) (names []string, hidden bool, globs []string) {
	for _, p := range patterns {
		if p == "**/.*" {
			hidden = true
			continue
		}
		name, ok := strings.CutPrefix(p, "**/")
		if ok && name != "" && !strings.ContainsAny(name, "*?[]{}\\/") {
			names = append(names, name)
			continue
		}
		globs = append(globs, p)
	}
	return names, hidden, globs
}

// admit reports whether a file's path is admitted by the patterns: it
// matches no exclude pattern and an include pattern (or there are none).
// included reports that an include pattern named it, which wins over the
// built-in skip list.
func (w *walker) admit(rel string) (ok, included bool) {
	if w.excluded(rel) {
		return false, false
	}
	if len(w.c.s.Include) == 0 {
		return true, false
	}
	for _, p := range w.c.s.Include {
		if doublestar.MatchUnvalidated(p, rel) {
			return true, true
		}
	}
	return false, false
}

// skipByName returns why a file is passed over without being read, or ""
// when it is to be read: its extension names a format that carries no text
// (images, media, executables, fonts, databases), or an archive when
// archives are not opened.
func (w *walker) skipByName(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case skipExtensions[ext]:
		return "no text in a " + ext + " file"
	case archive.IsArchive(extract.FormatOf(name)) && !w.c.s.OpenArchives:
		return "archive, and open_archives is off"
	}
	return ""
}

// skipExtensions name formats that carry no text to index. Files with them
// are skipped (and reported as skips) without being read, unless an include
// pattern names them; files with other unknown extensions are sniffed, and
// skipped when their content is not text.
var skipExtensions = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(`.png .jpg .jpeg .gif .bmp .tif .tiff .ico .icns .webp .heic .avif .psd .raw
		.mp3 .wav .flac .ogg .oga .m4a .aac .opus .mid .midi .mp4 .m4v .mov .avi .mkv .webm .wmv .flv
		.exe .dll .so .dylib .o .a .lib .obj .class .pyc .pyo .wasm .bin .syso .elf
		.woff .woff2 .ttf .otf .eot .bz2 .xz .zst .lz4 .7z .rar .jar .war .iso .dmg .img
		.db .sqlite .sqlite3 .mdb .pack .idx .swp`) {
		m[e] = true
	}
	return m
}()

// inWindow reports whether t lies in the walk's window [start, end).
func (w *walker) inWindow(t time.Time) bool {
	return (w.start.IsZero() || !t.Before(w.start)) && (w.end.IsZero() || t.Before(w.end))
}

func (w *walker) failure(f *tributary.Failure) error {
	return w.put(tributary.FailureItem(f))
}

func (w *walker) folderFailure(r *rootState, rel string, err error) error {
	return w.failure(tributary.EntityFailure(folderID(r.cfg.name, rel), fileLink(r.cfg, rel), err))
}

func (w *walker) done(r *rootState, rel string) error {
	if w.fileDone != nil && !w.fileDone(r.cfg.name, rel) {
		return errStopped
	}
	return nil
}
