package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/tributary-dev/tributary"
)

// HandleEvent turns a file-system event into items. ev.Key is the absolute
// path of the file or folder that changed; ev.Type is advisory, since what
// is on disk now decides:
//
//   - a path that no longer exists yields a Deletion of its document id (or
//     of the id its folder's side file gave it). A removed folder or
//     archive yields the deletion of its own path's id only; the documents
//     below it go at the next prune.
//   - an admitted file yields its document, or its entries for an archive;
//   - a folder (created or moved in) yields every document below it;
//   - a changed side file yields every document of its folder again.
//
// A path outside every root, or excluded by the settings, yields nothing
// but, for the former, a Failure naming the path.
func (c *Connector) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		w := c.walker(ctx, time.Time{}, time.Time{}, func(it tributary.Item) bool {
			return yield(it, nil)
		})
		w.nodes = true
		if err := c.handle(w, ev.Key); err != nil && !errors.Is(err, errStopped) {
			yield(tributary.Item{}, wrapTerminal(err))
		}
	}
}

func (c *Connector) handle(w *walker, key string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	r, rel, ok := c.locate(key)
	if !ok {
		return w.failure(&tributary.Failure{EntityID: key, Message: "event for a path under no root"})
	}
	dirRel, name := path.Split(rel)
	dirRel = strings.TrimSuffix(dirRel, "/")
	if rel == "" || w.excludedPath(dirRel) || (name != MetadataFile && w.excluded(rel)) {
		return nil
	}
	w.c.opened.Add(1)
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
	d, err := w.openChain(rs, dirRel)
	if errors.Is(err, fs.ErrNotExist) {
		return w.deletion(docID(r.name, rel))
	}
	if err != nil {
		return w.folderFailure(rs, dirRel, err)
	}
	defer d.close()
	if name == MetadataFile {
		w.noDescend = true
		return w.walkDir(d, nil)
	}
	if _, err := d.handle.Lstat(name); errors.Is(err, fs.ErrNotExist) {
		id := docID(r.name, rel)
		if m := d.meta.lookup(name); m != nil && m.ID != "" {
			id = m.ID
		}
		return w.deletion(id)
	}
	return w.entry(d, name, nil)
}

// locate finds the root a path lies under and the path below it.
func (c *Connector) locate(key string) (rootConfig, string, bool) {
	if !filepath.IsAbs(key) {
		return rootConfig{}, "", false
	}
	key = filepath.Clean(key)
	for _, r := range c.roots {
		if rel, ok := within(r.path, key); ok {
			return r, slashRel(rel), true
		}
		if real, err := filepath.EvalSymlinks(r.path); err == nil {
			if rel, ok := within(real, key); ok {
				return r, slashRel(rel), true
			}
		}
	}
	return rootConfig{}, "", false
}

// slashRel turns a path from filepath.Rel into a slash path, "" for the
// root itself.
func slashRel(rel string) string {
	if rel == "." {
		return ""
	}
	return filepath.ToSlash(rel)
}

// excludedPath reports whether rel or a folder above it is excluded.
func (w *walker) excludedPath(rel string) bool {
	for p := rel; p != "." && p != ""; p = path.Dir(p) {
		if w.excluded(p) {
			return true
		}
	}
	return false
}

// openChain opens the folder rel of a root as a dirState whose chain of
// parents holds the real path of every folder above it (to catch symbolic
// link loops) and whose side file is loaded.
func (w *walker) openChain(rs *rootState, rel string) (*dirState, error) {
	d := &dirState{root: rs, real: rs.real}
	if rel != "" {
		for i, seg := range strings.Split(rel, "/") {
			sub := path.Join(d.rel, seg)
			real, err := filepath.EvalSymlinks(filepath.Join(rs.real, filepath.FromSlash(sub)))
			if err != nil {
				return nil, err
			}
			if _, ok := within(rs.real, real); !ok {
				return nil, ErrOutsideRoot
			}
			d = &dirState{parent: d, root: rs, rel: sub, real: real, depth: i + 1}
		}
	}
	h, err := rs.handle.OpenRoot(filepath.FromSlash(orDot(rel)))
	if err != nil {
		return nil, err
	}
	d.handle = h
	if d.dir, err = h.Open("."); err != nil {
		h.Close()
		return nil, err
	}
	if _, err := h.Lstat(MetadataFile); err == nil {
		if err := w.loadSideFile(d); err != nil {
			d.close()
			return nil, err
		}
	}
	return d, nil
}

// close closes a folder opened by openChain.
func (d *dirState) close() {
	d.dir.Close()
	d.handle.Close()
}

func orDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func (w *walker) deletion(id string) error {
	return w.put(tributary.DeletionItem(id))
}

// Watch watches the roots with fsnotify and yields an Event for every
// change below them, with Key the changed path, for HandleEvent. Folders
// created later are watched as they appear. It runs until ctx is done (then
// yields ctx's error) or the range stops. fsnotify watches one folder at a
// time, so a very large tree can meet the system's limit on watches
// (fs.inotify.max_user_watches on Linux): such a folder, and events the
// system dropped, are reported as Failures, after which a Poll catches up.
func (c *Connector) Watch(ctx context.Context) iter.Seq2[tributary.Event, error] {
	return func(yield func(tributary.Event, error) bool) {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			yield(tributary.Event{}, fmt.Errorf("file: watch: %w", err))
			return
		}
		defer fw.Close()
		w := c.walker(ctx, time.Time{}, time.Time{}, nil)
		for _, r := range c.roots {
			if !c.watchTree(w, fw, r.path, yield) {
				return
			}
		}
		if c.onWatching != nil {
			c.onWatching()
		}
		c.watchLoop(ctx, w, fw, yield)
	}
}

func (c *Connector) watchLoop(ctx context.Context, w *walker, fw *fsnotify.Watcher, yield func(tributary.Event, error) bool) {
	for {
		select {
		case <-ctx.Done():
			yield(tributary.Event{}, ctx.Err())
			return
		case ev, ok := <-fw.Events:
			if !ok {
				return
			}
			typ := eventType(ev.Op)
			if typ == "" {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() && !c.watchTree(w, fw, ev.Name, yield) {
					return
				}
			}
			if !yield(tributary.Event{Type: typ, Name: ev.Op.String(), Key: ev.Name}, nil) {
				return
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return
			}
			f := &tributary.Failure{EntityID: "file://", Message: "file-system events may have been lost; poll to catch up", Err: err}
			if !yield(tributary.Event{}, f) {
				return
			}
		}
	}
}

func eventType(op fsnotify.Op) tributary.EventType {
	switch {
	case op.Has(fsnotify.Remove) || op.Has(fsnotify.Rename):
		return tributary.EventRemoved
	case op.Has(fsnotify.Create):
		return tributary.EventCreated
	case op.Has(fsnotify.Write):
		return tributary.EventChanged
	}
	return ""
}

// watchTree adds dir and every folder below it that is not excluded to
// the watcher. It does not follow symbolic links.
func (c *Connector) watchTree(w *walker, fw *fsnotify.Watcher, dir string, yield func(tributary.Event, error) bool) bool {
	ok := true
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if err == nil && !d.IsDir() {
			return nil
		}
		if err == nil {
			if _, rel, found := c.locate(p); found && rel != "" && w.excluded(rel) {
				return filepath.SkipDir
			}
			err = fw.Add(p)
		}
		if err != nil {
			f := &tributary.Failure{EntityID: p, Message: "folder not watched", Err: err}
			if ok = yield(tributary.Event{}, f); !ok {
				return filepath.SkipAll
			}
		}
		return nil
	})
	return ok
}
