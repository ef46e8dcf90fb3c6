package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/archive"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Source is the source this connector reads.
const Source = tributary.SourceFile

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Local files",
		Category:    tributary.CategoryStorage,
		Description: "Indexes folders on a local or mounted file system: text, Markdown, HTML, " +
			"JSON, CSV/TSV, PDF, Word, Excel, PowerPoint, e-mail (.eml), and zip, tar and gzip archives, with " +
			"optional per-folder metadata files. Needs no credentials.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/file",
	}, New))
}

// Defaults for Settings fields left zero.
const (
	DefaultMaxFileSize  = 64 << 20
	DefaultMaxDepth     = 64
	DefaultMaxEntries   = archive.DefaultMaxEntries
	DefaultMaxExpanded  = archive.DefaultMaxExpanded
	DefaultMaxEntrySize = archive.DefaultMaxEntrySize
	DefaultArchiveDepth = archive.DefaultMaxDepth
	DefaultMaxRatio     = archive.DefaultMaxRatio
)

// DefaultExclude is what Settings.Exclude holds when it is not set: hidden
// files and folders (version control, editor state, and files such as .env
// or .netrc that often hold secrets nobody meant to index), Windows
// thumbnail caches and installed JavaScript packages.
var DefaultExclude = []string{"**/.*", "**/Thumbs.db", "**/node_modules"}

// Settings configures the file connector.
type Settings struct {
	// Roots are the folders to index; at least one.
	Roots []Root `json:"roots" jsonschema:"required,minItems=1" jsonschema_description:"Folders to index"`
	// Include lists glob patterns ("**" crosses folders) that a file's path
	// relative to its root must match one of; empty means every file.
	Include []string `json:"include,omitempty" jsonschema_description:"Glob patterns of files to index, matched against paths relative to the root; ** crosses folders; empty means every file"`
	// Exclude lists glob patterns of files and folders to leave out; a
	// folder that matches is not entered. Unset means DefaultExclude.
	Exclude []string `json:"exclude,omitempty" jsonschema_description:"Glob patterns of files and folders to skip; unset means hidden files and folders, Thumbs.db and node_modules"`
	// MaxFileSize is the largest file read, in bytes; larger files are
	// reported as failures. Default 64 MiB.
	MaxFileSize int64 `json:"max_file_size,omitempty" jsonschema:"minimum=0" jsonschema_description:"Largest file read in bytes (default 64 MiB)"`
	// MaxDepth bounds how deep folders nest below a root. Default 64.
	MaxDepth int `json:"max_depth,omitempty" jsonschema:"minimum=0" jsonschema_description:"Deepest folder nesting below a root (default 64)"`
	// OpenArchives makes the entries of zip, tar and gzip archives
	// documents of their own. When false, archives are skipped. Default
	// true.
	OpenArchives bool `json:"open_archives" jsonschema:"default=true" jsonschema_description:"Index the entries of zip, tar and gzip archives as documents"`
	// Archive bounds what one archive may hold; see ArchiveLimits.
	Archive ArchiveLimits `json:"archive,omitzero" jsonschema_description:"Bounds on archives; an archive over one is refused"`
	// KeepOriginals keeps each document's file (or archive entry) as it
	// is in the run's BlobSink, referenced by a last section of kind
	// SectionFile; a run without a BlobSink keeps none. Default false.
	KeepOriginals bool `json:"keep_originals,omitempty" jsonschema_description:"Keep each document's original file as a blob, referenced by a last section of kind file, when the host keeps raw bytes"`
}

// Root is one folder to index.
type Root struct {
	// Path is the folder's path on this machine.
	Path string `json:"path" jsonschema:"required" jsonschema_description:"Path of the folder"`
	// Name is the root's name in document ids (file://NAME/relative/path).
	// It defaults to the folder's base name; set it to keep ids stable when
	// the folder moves, or to tell apart two roots with the same base name.
	Name string `json:"name,omitempty" jsonschema_description:"Name used in document ids; defaults to the folder's base name"`
	// LinkBase, when set, is a URL prefix under which the root is served
	// (https://files.example.com/share/); documents link there instead of
	// to a file:// URL.
	LinkBase string `json:"link_base,omitempty" jsonschema_description:"URL prefix documents link to instead of file:// URLs"`
}

// ArchiveLimits bounds an archive. An archive over any bound is refused
// as a whole with one Failure, so a zip bomb is never expanded. Zero fields
// take their defaults. The blob connectors take the same limits.
type ArchiveLimits = archive.Limits

// Credentials of the file connector: none. Files are read with the
// permissions of the process.
type Credentials struct{}

// SetDefaults fills the defaults that are not zero values.
func (s *Settings) SetDefaults() {
	s.OpenArchives = true
}

// Validate reports every problem with the settings.
func (s *Settings) Validate() error {
	var errs []error
	if len(s.Roots) == 0 {
		errs = append(errs, tributary.InvalidField("roots", "at least one root folder is required"))
	}
	seen := map[string]int{}
	for i, r := range s.Roots {
		field := fmt.Sprintf("roots[%d]", i)
		if strings.TrimSpace(r.Path) == "" {
			errs = append(errs, tributary.InvalidField(field+".path", "required"))
			continue
		}
		name := r.name()
		if err := checkRootName(name); err != nil {
			errs = append(errs, tributary.InvalidField(field+".name", "%v", err))
		}
		if j, dup := seen[name]; dup {
			errs = append(errs, tributary.InvalidField(field+".name",
				"%q is also the name of roots[%d]; give one of them a distinct name", name, j))
		}
		seen[name] = i
	}
	for _, p := range []struct {
		field string
		pats  []string
	}{{"include", s.Include}, {"exclude", s.Exclude}} {
		for i, pat := range p.pats {
			if !doublestar.ValidatePattern(pat) {
				errs = append(errs, tributary.InvalidField(fmt.Sprintf("%s[%d]", p.field, i), "invalid glob pattern %q", pat))
			}
		}
	}
	if s.MaxFileSize < 0 || s.MaxDepth < 0 || s.Archive.Negative() {
		errs = append(errs, tributary.InvalidField("", "sizes, depths and limits must not be negative"))
	}
	return errors.Join(errs...)
}

func (r Root) name() string {
	if r.Name != "" {
		return r.Name
	}
	return filepath.Base(filepath.Clean(r.Path))
}

func checkRootName(name string) error {
	switch {
	case name == "" || name == "." || name == ".." || name == string(filepath.Separator):
		return fmt.Errorf("cannot be derived from the path; set a name")
	case strings.ContainsAny(name, "/\\!#?%"):
		return fmt.Errorf("%q must not contain / \\ ! # ? or %%", name)
	}
	return nil
}

// withDefaults returns s with zero fields set to their defaults.
func (s Settings) withDefaults() Settings {
	if s.MaxFileSize == 0 {
		s.MaxFileSize = DefaultMaxFileSize
	}
	if s.MaxDepth == 0 {
		s.MaxDepth = DefaultMaxDepth
	}
	if s.Exclude == nil {
		s.Exclude = DefaultExclude
	}
	s.Archive = s.Archive.WithDefaults()
	return s
}

// Connector reads files under its roots. It is safe for concurrent use.
type Connector struct {
	s     Settings
	roots []rootConfig
	env   tributary.Env
	lim   extract.Limits
	// excludeNames, excludeHidden and excludeGlobs are Settings.Exclude
	// split for speed.
	excludeNames  []string
	excludeHidden bool
	excludeGlobs  []string
	// onWatching, when set, is called once Watch watches every folder
	// (tests wait for it rather than sleep).
	onWatching func()
	// opened counts roots opened for a walk, so tests can see that an
	// iterator does no work before it is ranged over.
	opened atomic.Int64
}

type rootConfig struct {
	name     string
	path     string // absolute, as configured
	linkBase string
}

var (
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
)

// New returns a connector for the settings. It checks them but does no
// I/O; Validate checks that the roots exist. Zero fields take defaults.
func New(s Settings, _ Credentials, env tributary.Env) (*Connector, error) {
	if err := s.Validate(); err != nil {
		return nil, &tributary.Error{Op: "file: new", Kind: tributary.ErrInvalidConfig, Err: tributary.PrefixFields("settings", err)}
	}
	s = s.withDefaults()
	c := &Connector{s: s, env: env, lim: extract.Limits{MaxText: s.MaxFileSize * 4, MaxPart: max(s.MaxFileSize*4, s.Archive.MaxEntrySize)}}
	c.excludeNames, c.excludeHidden, c.excludeGlobs = splitExcludes(s.Exclude)
	for _, r := range s.Roots {
		abs, err := filepath.Abs(r.Path)
		if err != nil {
			return nil, &tributary.Error{Op: "file: new", Kind: tributary.ErrInvalidConfig,
				Err: tributary.InvalidField("roots", "%s: %v", r.Path, err)}
		}
		c.roots = append(c.roots, rootConfig{name: r.name(), path: abs, linkBase: r.LinkBase})
	}
	return c, nil
}

// Source returns SourceFile.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks that every root is a readable folder: a missing one
// fails with ErrNotFound, an unreadable one with
// ErrInsufficientPermissions.
func (c *Connector) Validate(ctx context.Context) error {
	for _, r := range c.roots {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkRoot(r); err != nil {
			return err
		}
	}
	return nil
}

func checkRoot(r rootConfig) error {
	op := "file: root " + r.name
	st, err := os.Stat(r.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return tributary.NewError(op, tributary.ErrNotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return tributary.NewError(op, tributary.ErrInsufficientPermissions, err)
	case err != nil:
		return tributary.NewError(op, tributary.ErrInvalidConfig, err)
	case !st.IsDir():
		return tributary.NewError(op, tributary.ErrInvalidConfig, fmt.Errorf("%s is not a folder", r.path))
	}
	f, err := os.Open(r.path)
	if err == nil {
		_, err = f.Readdirnames(1)
		f.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return tributary.NewError(op, tributary.ErrInsufficientPermissions, err)
	}
	return nil
}
