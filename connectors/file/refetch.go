package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads files again by id, with Load's own reading and
// extraction: the patterns, max_file_size, the folder's side file, the
// symbolic-link rules and the archive bounds apply, and the document
// comes after its folders' nodes. An archive entry's id reads its archive
// again (and the archives it is nested in) for that entry only.
//
// An id is the connector's when it is file://NAME/PATH (and !/ENTRY) of a
// configured root, in the form Load gives ids: no empty, "." or ".."
// segment, percent-encoding only where ids use it. Any other id, and one
// whose path leads out of its root through a symbolic link, is a Failure
// matching tributary.ErrForeignURL; so is an id a side file set, which
// names no path (the next run reads that file). Nothing outside a root is
// opened. A file (or entry) that no longer exists, that the include and
// exclude patterns now leave out, or that Load would skip (it holds no
// text), is a deletion; one that fails to read or extract is a Failure
// under the id. A file that its side file now gives another id comes back
// under that id, followed by the deletion of the id asked. A root that
// cannot be opened, and the end of ctx, end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		rf := &refetcher{c: c, ctx: ctx, yield: yield, roots: map[string]*rootState{}, sent: map[string]bool{}}
		defer rf.close()
		for _, id := range ids {
			err := ctx.Err()
			if err == nil {
				err = rf.one(id)
			}
			switch {
			case errors.Is(err, errStopped):
				return
			case err != nil:
				yield(tributary.Item{}, wrapTerminal(err))
				return
			}
		}
	}
}

// refetcher is one Refetch call: the roots it opened and the folder nodes
// it yielded, each once.
type refetcher struct {
	c     *Connector
	ctx   context.Context
	yield func(tributary.Item, error) bool
	roots map[string]*rootState
	sent  map[string]bool
}

func (rf *refetcher) close() {
	for _, rs := range rf.roots {
		rs.handle.Close()
	}
}

func (rf *refetcher) put(it tributary.Item) error {
	if !rf.yield(it, nil) {
		return errStopped
	}
	return nil
}

func (rf *refetcher) fail(id, link string, err error) error {
	return rf.put(tributary.FailureItem(tributary.DocumentFailure(id, link, err)))
}

// target is the file an id names, and the archive entries below it.
type target struct {
	root   rootConfig
	rel    string // the file's slash path below the root, unescaped
	fileID string // the file's own id: the id up to its first "!/"
}

// one answers id; it returns errStopped or the error that ends the call.
func (rf *refetcher) one(id string) error {
	t, err := rf.c.parseID(id)
	if err != nil {
		return rf.fail(id, "", err)
	}
	a := &answer{rf: rf, id: id, fileID: t.fileID}
	w := rf.c.walker(rf.ctx, time.Time{}, time.Time{}, a.take)
	w.nodes, w.noDescend = true, true
	dirRel, name := path.Split(t.rel)
	dirRel = strings.TrimSuffix(dirRel, "/")
	if ok, _ := w.admit(t.rel); !ok || w.excludedPath(dirRel) {
		return rf.put(tributary.DeletionItem(id))
	}
	rs, err := rf.root(t.root)
	if err != nil {
		return err
	}
	link := fileLink(t.root, t.rel)
	rel, err := resolve(rs, t.rel)
	if err == nil {
		dirRel, name = path.Split(rel)
		dirRel = strings.TrimSuffix(dirRel, "/")
	}
	var d *dirState
	if err == nil {
		d, err = w.openChain(rs, dirRel)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return rf.put(tributary.DeletionItem(id))
	case errors.Is(err, ErrOutsideRoot):
		return rf.fail(id, link, tributary.NewError("file: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %w", id, err)))
	case err != nil:
		return rf.fail(id, link, fmt.Errorf("open folder: %w", err))
	}
	defer d.close()
	err = w.entry(d, name, nil)
	switch {
	case errors.Is(err, errStopped) && a.stopped:
		return errStopped
	case err != nil && !errors.Is(err, errStopped):
		return err
	case a.moved != "":
		return rf.put(tributary.DeletionItem(id))
	case !a.done:
		return rf.put(tributary.DeletionItem(id)) // not a document any more
	}
	return nil
}

// answer picks, from what reading one file yields, the answer to one id:
// its document or its failure (or the failure of the archive holding it),
// passing the folder nodes on once per call. Once answered, it stops the
// read.
type answer struct {
	rf      *refetcher
	id      string
	fileID  string
	done    bool   // the id was answered
	moved   string // the id the file's document now has, when not id
	stopped bool   // the consumer stopped ranging
}

func (a *answer) take(it tributary.Item) bool {
	pass := func(it tributary.Item) bool {
		if !a.rf.yield(it, nil) {
			a.stopped = true
			return false
		}
		return true
	}
	switch {
	case it.Node != nil:
		if a.rf.sent[it.Node.ID] {
			return true
		}
		a.rf.sent[it.Node.ID] = true
		return pass(it)
	case it.Document != nil:
		d := it.Document
		switch {
		case d.ID == a.id:
		case a.id == a.fileID && !strings.Contains(d.ID, "!/"):
			a.moved = d.ID // a side file gave the file another id
		default:
			return true // another entry of the archive
		}
		a.done = true
		pass(it)
		return false // answered: the rest of an archive is not read
	case it.Failure != nil && it.Failure.DocumentID != "":
		f := it.Failure
		switch {
		case f.DocumentID == a.id, strings.HasPrefix(a.id, f.DocumentID+"!/"):
		case a.id == a.fileID && !strings.Contains(f.DocumentID, "!/"):
		default:
			return true
		}
		g := *f
		g.DocumentID = a.id
		if errors.Is(f, ErrOutsideRoot) {
			g.Err = tributary.NewError("file: refetch", tributary.ErrForeignURL, f.Err)
		}
		a.done = true
		pass(tributary.FailureItem(&g))
		return false
	case it.Failure != nil:
		a.rf.c.env.Log().Debug("file: refetch: "+it.Failure.Error(), "id", a.id)
	}
	return true
}

// root opens a root on first use.
func (rf *refetcher) root(r rootConfig) (*rootState, error) {
	if rs, ok := rf.roots[r.name]; ok {
		return rs, nil
	}
	rf.c.opened.Add(1)
	if err := checkRoot(r); err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(r.path)
	if err != nil {
		return nil, tributary.NewError("file: root "+r.name, tributary.ErrNotFound, err)
	}
	h, err := os.OpenRoot(real)
	if err != nil {
		return nil, tributary.NewError("file: root "+r.name, tributary.ErrInsufficientPermissions, err)
	}
	rs := &rootState{cfg: r, real: real, handle: h}
	rf.roots[r.name] = rs
	return rs, nil
}

// resolve returns the path on disk of rel, a path as an id spells it: the
// same, unless a name on disk is in another Unicode form than the id's
// NFC, which the folder's listing then tells.
func resolve(rs *rootState, rel string) (string, error) {
	out := ""
	for seg := range strings.SplitSeq(rel, "/") {
		next := path.Join(out, seg)
		if _, err := rs.handle.Lstat(filepath.FromSlash(next)); errors.Is(err, fs.ErrNotExist) {
			name, err := findName(rs, out, seg)
			if err != nil {
				return "", err
			}
			next = path.Join(out, name)
		}
		out = next
	}
	return out, nil
}

// findName returns the name in the folder dir whose id segment is that
// of seg, or fs.ErrNotExist.
func findName(rs *rootState, dir, seg string) (string, error) {
	f, err := rs.handle.Open(filepath.FromSlash(orDot(dir)))
	if err != nil {
		return "", err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return "", err
	}
	want := escapePath(seg)
	for _, n := range names {
		if n != seg && escapePath(n) == want {
			return n, nil
		}
	}
	return "", fs.ErrNotExist
}

// parseID maps an id to the file it names, or to the ErrForeignURL error
// of an id that is not one of the connector's.
func (c *Connector) parseID(id string) (target, error) {
	foreign := func(why string) error {
		return tributary.NewError("file: refetch", tributary.ErrForeignURL, fmt.Errorf("%q: %s", id, why))
	}
	rest, ok := strings.CutPrefix(id, "file://")
	if !ok {
		return target{}, foreign("not a file:// id (an id a metadata side file set is not fetched again by id)")
	}
	name, p, _ := strings.Cut(rest, "/")
	var t target
	found := false
	for _, r := range c.roots {
		if r.name == name {
			t.root, found = r, true
		}
	}
	if !found {
		return target{}, foreign(fmt.Sprintf("no root is named %q", name))
	}
	parts := strings.Split(p, "!/")
	rel, ok := unescapeRel(parts[0])
	if !ok {
		return target{}, foreign("not in the form of the connector's ids")
	}
	t.rel = rel
	// Entries are matched by id, never opened by name: an entry Load
	// refused for its name ("../x") is read again to fail again.
	for _, part := range parts[1:] {
		if e, err := url.PathUnescape(part); err != nil || e == "" || escapePath(e) != part {
			return target{}, foreign("not in the form of the connector's ids")
		}
	}
	t.fileID = docID(t.root.name, t.rel)
	return t, nil
}

// unescapeRel undoes escapePath on a slash path of an id, reporting false
// for one Load would not write: an empty, "." or ".." segment, a NUL, or
// percent-encoding other than escapePath's.
func unescapeRel(s string) (string, bool) {
	rel, err := url.PathUnescape(s)
	if err != nil || rel == "" || escapePath(rel) != s || strings.ContainsRune(rel, 0) ||
		(filepath.Separator != '/' && strings.ContainsRune(rel, filepath.Separator)) {
		return "", false
	}
	for seg := range strings.SplitSeq(rel, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", false
		}
	}
	return rel, true
}
