package file

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// Load yields a document (or a Failure) for every admitted file and
// archive entry under the roots, in walk order.
func (c *Connector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return c.Poll(ctx, time.Time{}, time.Time{})
}

// Poll yields the documents of files that changed in [start, end): whose
// change time (the later of modification and status-change time, see the
// package documentation), or their folder's metadata side file's, lies in
// the window. Archive entries take their archive's time.
func (c *Connector) Poll(ctx context.Context, start, end time.Time) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		w := c.walker(ctx, start, end, func(it tributary.Item) bool {
			if it.Failure != nil {
				return yield(nil, it.Failure)
			}
			return yield(it.Document, nil)
		})
		if err := w.walk(0, nil); err != nil && !errors.Is(err, errStopped) {
			yield(nil, wrapTerminal(err))
		}
	}
}

// LoadSlim yields the ids of exactly the documents Load (or, for a
// window, Poll) yields, and the same Failures for what it can tell without
// reading files (symbolic links out of the root, refused archives). Files
// are not read, except to list archives and to sniff files whose name does
// not tell their format; a file that Load reports as a Failure (encrypted,
// undecodable) is listed here, so pruning keeps its last good version.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		w := c.walker(ctx, start, end, func(it tributary.Item) bool {
			if it.Failure != nil {
				return yield(tributary.SlimDocument{}, it.Failure)
			}
			return yield(tributary.SlimDocument{ID: it.Document.ID, ParentID: it.Document.ParentID}, nil)
		})
		w.slim = true
		if err := w.walk(0, nil); err != nil && !errors.Is(err, errStopped) {
			yield(tributary.SlimDocument{}, wrapTerminal(err))
		}
	}
}

func (c *Connector) walker(ctx context.Context, start, end time.Time, emit func(tributary.Item) bool) *walker {
	return &walker{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), emit: emit}
}

// wrapTerminal names the connector in a terminal error, keeping it
// matchable (errors.Is with ctx.Err() or the error kinds).
func wrapTerminal(err error) error {
	if _, ok := errors.AsType[*tributary.Error](err); ok {
		return err
	}
	return fmt.Errorf("file: %w", err)
}

// checkpointKind and checkpointVersion identify this connector's checkpoints.
const (
	checkpointKind    = "file"
	checkpointVersion = 1
)

// How often the checkpoint stream yields a checkpoint: after this many
// items, or after this many files walked past (outside the window).
var (
	checkpointItems = 32
	checkpointFiles = 1024
)

// position is the checkpoint of the file connector: the root being walked
// and the last file finished in it. The walk visits every folder's names
// in byte order, so "everything up to this path" is a position, whatever
// the size of the tree. Path holds the slash-separated path below the
// root; RawPath holds it instead when it is not valid UTF-8.
type position struct {
	Root    string `json:"root"`
	Path    string `json:"path,omitempty"`
	RawPath []byte `json:"raw_path,omitempty"`
	// Done marks the end of the root: resuming starts at the next one.
	Done bool `json:"done,omitempty"`
}

func (p position) path() string {
	if p.RawPath != nil {
		return string(p.RawPath)
	}
	return p.Path
}

// Position is where a checkpoint resumes a walk: right after the file
// Path (slash-separated, below the root) of the root named Root, or, when
// End is set, after the whole root.
type Position struct {
	Root string
	Path string
	End  bool
}

// EncodeCheckpoint returns the checkpoint of a position.
func EncodeCheckpoint(p Position) (tributary.Checkpoint, error) {
	return tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, encodePosition(p))
}

func encodePosition(p Position) position {
	switch {
	case p.End:
		return position{Root: p.Root, Done: true}
	case !utf8.ValidString(p.Path):
		return position{Root: p.Root, RawPath: []byte(p.Path)}
	}
	return position{Root: p.Root, Path: p.Path}
}

// DecodeCheckpoint returns the position a checkpoint resumes from. An empty
// checkpoint returns ok=false; one this connector did not make fails with
// ErrInvalidCheckpoint.
func DecodeCheckpoint(cp tributary.Checkpoint) (p Position, ok bool, err error) {
	raw, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return Position{}, ok, err
	}
	if raw.Root == "" || (raw.Path != "" && raw.RawPath != nil) || (raw.Done && raw.path() != "") {
		return Position{}, false, tributary.NewError("file: resume", tributary.ErrInvalidCheckpoint,
			errors.New("checkpoint names no root, or two positions"))
	}
	return Position{Root: raw.Root, Path: raw.path(), End: raw.Done}, true, nil
}

// LoadFromCheckpoint yields the items of Poll(start, end) resuming after
// cp, with a Checkpoint item every few dozen documents. A checkpoint is the
// root and path of the last file finished, so it stays small however many
// files there are. A file that changed behind the position since the
// checkpoint was made is picked up by the next poll window.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		first, after, err := c.resumePoint(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		var items, files int
		w := c.walker(ctx, start, end, func(it tributary.Item) bool {
			items++
			return yield(it, nil)
		})
		w.nodes = true
		checkpoint := func(p Position) bool {
			items, files = 0, 0
			cp, err := EncodeCheckpoint(p)
			if err != nil {
				yield(tributary.Item{}, err)
				return false
			}
			return yield(tributary.CheckpointItem(cp), nil)
		}
		w.fileDone = func(root, rel string) bool {
			files++
			if items < checkpointItems && files < checkpointFiles {
				return true
			}
			return checkpoint(Position{Root: root, Path: rel})
		}
		err = w.walk(first, after)
		switch {
		case errors.Is(err, errStopped):
		case err != nil:
			yield(tributary.Item{}, wrapTerminal(err))
		case items > 0 && len(c.roots) > 0:
			// The end of the last root covers what came after the last file.
			checkpoint(Position{Root: c.roots[len(c.roots)-1].name, End: true})
		}
	}
}

func (c *Connector) resumePoint(cp tributary.Checkpoint) (int, []string, error) {
	p, ok, err := DecodeCheckpoint(cp)
	if err != nil || !ok {
		return 0, nil, err
	}
	for i, r := range c.roots {
		switch {
		case r.name != p.Root:
		case p.End:
			return i + 1, nil, nil
		case p.Path == "":
			return i, nil, nil
		default:
			return i, strings.Split(p.Path, "/"), nil
		}
	}
	return 0, nil, tributary.NewError("file: resume", tributary.ErrInvalidCheckpoint,
		fmt.Errorf("checkpoint names root %q, which is not configured", p.Root))
}
