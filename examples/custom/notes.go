package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// Source names the notes connector. DocumentSource is open: a connector
// written outside the module picks a name of its own.
const Source tributary.DocumentSource = "notes"

// Settings configures the notes connector. The jsonschema tags become the
// JSON Schema a user interface renders; SetDefaults and Validate run when
// the settings are decoded.
type Settings struct {
	Dir      string `json:"dir,omitempty" jsonschema:"description=Folder of Markdown notes; empty reads the sample notes bundled with the example"`
	MaxBytes int    `json:"max_bytes,omitempty" jsonschema:"description=Largest note read; larger ones are reported as failures,default=1048576"`
	PageSize int    `json:"page_size,omitempty" jsonschema:"description=Notes between two checkpoints,default=50"`
}

// SetDefaults fills in the defaults before the settings are decoded.
func (s *Settings) SetDefaults() { s.MaxBytes, s.PageSize = 1<<20, 50 }

// Validate reports every problem at once, each naming its field.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxBytes <= 0 {
		errs = append(errs, tributary.InvalidField("max_bytes", "must be positive, got %d", s.MaxBytes))
	}
	if s.PageSize <= 0 {
		errs = append(errs, tributary.InvalidField("page_size", "must be positive, got %d", s.PageSize))
	}
	return errors.Join(errs...)
}

// Credentials is empty: a folder needs none. A connector for an API keeps
// its token here, as a tributary.Secret so that it never gets printed.
type Credentials struct{}

// Connector reads a folder of Markdown notes.
type Connector struct {
	settings Settings
	dir      string // absolute, for links; empty for the sample notes
}

// The capabilities the connector implements, checked by the compiler. Load,
// Poll and LoadSlim come for free through the root helpers.
var _ tributary.CheckpointConnector = (*Connector)(nil)

// New is the direct constructor. It only checks the configuration: no I/O
// happens before Validate or an iterator runs.
func New(s Settings, _ Credentials, _ tributary.Env) (*Connector, error) {
	c := &Connector{settings: s}
	if s.Dir != "" {
		abs, err := filepath.Abs(s.Dir)
		if err != nil {
			return nil, tributary.NewError("notes: open", tributary.ErrInvalidConfig, tributary.InvalidField("settings.dir", "%v", err))
		}
		c.dir = abs
	}
	return c, nil
}

// Source implements tributary.Connector.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that the folder can be read.
func (c *Connector) Validate(ctx context.Context) error {
	fsys, done, err := c.open()
	if err != nil {
		return err
	}
	defer done()
	if _, err := fs.ReadDir(fsys, "."); err != nil {
		return classify("notes: read folder", err)
	}
	return nil
}

// open returns the folder as an fs.FS confined to it: os.Root refuses any
// path or symbolic link that leads outside.
func (c *Connector) open() (fs.FS, func(), error) {
	if c.dir == "" {
		sub, err := fs.Sub(sampleNotes, "notes")
		return sub, func() {}, err
	}
	root, err := os.OpenRoot(c.dir)
	if err != nil {
		return nil, nil, classify("notes: open folder", err)
	}
	return root.FS(), func() { root.Close() }, nil
}

// classify gives an error its kind, so that hosts can tell a missing folder
// from a forbidden one without reading the message.
func classify(op string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return tributary.NewError(op, tributary.ErrNotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return tributary.NewError(op, tributary.ErrInsufficientPermissions, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// position is the checkpoint: the path of the last note yielded. The walk is
// in a fixed order, so resuming after it loses nothing and repeats nothing.
type position struct {
	After string `json:"after"`
}

// LoadFromCheckpoint yields the notes modified in [start, end), in walk
// order, after the note cp names, with a checkpoint every PageSize notes.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, _, err := tributary.DecodeCheckpoint[position](cp, string(Source), 1)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		fsys, done, err := c.open()
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		defer done()
		stopped, n := errors.New("stopped"), 0
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			var it tributary.Item
			switch {
			case err != nil: // an unreadable folder: report it and go on
				it = tributary.FailureItem(tributary.EntityFailure(p, c.link(p), err))
			case d.IsDir() || path.Ext(p) != ".md" || !after(p, pos.After):
				return nil
			default:
				var ok bool
				if it, ok = c.note(fsys, p, d, start, end); !ok {
					return nil
				}
			}
			if !yield(it, nil) {
				return stopped
			}
			if n++; n%c.settings.PageSize == 0 {
				next, err := tributary.EncodeCheckpoint(string(Source), 1, position{After: p})
				if !yield(tributary.CheckpointItem(next), err) {
					return stopped
				}
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		})
		if err != nil && !errors.Is(err, stopped) {
			yield(tributary.Item{}, classify("notes: walk", err))
		}
	}
}

// after reports whether p comes after last in walk order, which compares
// path elements one by one ("b/c.md" comes before "b.md").
func after(p, last string) bool {
	return last == "" || slices.Compare(strings.Split(p, "/"), strings.Split(last, "/")) > 0
}

// note reads one note modified in [start, end); ok is false outside it. A
// note that cannot be read is a Failure whose id is the note's own id.
func (c *Connector) note(fsys fs.FS, p string, d fs.DirEntry, start, end time.Time) (it tributary.Item, ok bool) {
	fail := func(err error) (tributary.Item, bool) {
		return tributary.FailureItem(tributary.DocumentFailure(p, c.link(p), err)), true
	}
	info, err := d.Info()
	if err != nil {
		return fail(err)
	}
	mod := info.ModTime().UTC()
	if mod.Before(start) || (!end.IsZero() && !mod.Before(end)) {
		return tributary.Item{}, false
	}
	if info.Size() > int64(c.settings.MaxBytes) {
		return fail(fmt.Errorf("%d bytes, over the %d-byte limit", info.Size(), c.settings.MaxBytes))
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return fail(err)
	}
	if !utf8.Valid(b) {
		return fail(errors.New("not UTF-8 text"))
	}
	title := strings.TrimSuffix(path.Base(p), ".md")
	if first, _, _ := strings.Cut(string(b), "\n"); strings.HasPrefix(first, "# ") {
		title = strings.TrimSpace(first[2:])
	}
	return tributary.DocumentItem(&tributary.Document{
		ID: p, Source: Source, SemanticID: title, Title: title,
		Sections:  []tributary.Section{tributary.TextSection(c.link(p), string(b))},
		Metadata:  tributary.Metadata{"folder": {path.Dir(p)}},
		UpdatedAt: mod, // zero for the bundled samples: never invented
	}), true
}

func (c *Connector) link(p string) string {
	if c.dir == "" {
		return ""
	}
	return "file://" + filepath.ToSlash(filepath.Join(c.dir, filepath.FromSlash(p)))
}
