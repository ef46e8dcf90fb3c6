package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// options are the flags subcommands share.
type options struct {
	config       string
	state        string
	instance     string
	logLevel     string
	logFormat    string
	allowPrivate bool
	// wantPermissions asks the connector for who may see each document.
	wantPermissions bool
}

const (
	allowPrivateFlag = "allow-private-network"
	allowPrivateHelp = "let the connector reach loopback and private addresses (local emulators, intranet servers)"
)

func (o *options) configFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.config, "config", "", "configuration `file` (JSON or YAML) with settings and credentials")
	fs.BoolVar(&o.allowPrivate, allowPrivateFlag, false, allowPrivateHelp)
}

func (o *options) stateFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.state, "state", "", "state database: an SQLite `file`, or a postgres:// URL shared by many workers (default: $TRIBUTARY_STATE or the user's state directory)")
	fs.StringVar(&o.instance, "instance", "", "instance `name` keying the state (default: the configuration file's absolute path)")
}

func (o *options) logFlags(fs *flag.FlagSet, tty bool) {
	def := "warn"
	if tty {
		def = "info"
	}
	fs.StringVar(&o.logLevel, "log-level", def, "log `level`: debug, info, warn or error (info when stderr is a terminal, else warn)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log `format` on stderr: text or json")
}

// newFlagSet returns a flag set whose usage names the command and lists
// the exit codes.
func (a *app) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  tributary %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\n%s", exitCodesHelp)
	}
	return fs
}

// parse parses flags that may come before or after the positional
// arguments, and checks them: the names of those expected ("SOURCE"), and
// what to say when one is missing.
//
// A mistake is returned, not printed (fail prints it on one line with a
// hint); only -h prints the flag set's usage.
func parse(fs *flag.FlagSet, args []string, want ...positional) ([]string, error) {
	out := fs.Output()
	fs.SetOutput(io.Discard) // the flag package prints the whole usage with each mistake
	defer fs.SetOutput(out)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				fs.Usage()
			}
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	switch {
	case len(pos) < len(want):
		return nil, fmt.Errorf("%w: missing %s", errUsage, want[len(pos)])
	case len(pos) > len(want):
		return nil, fmt.Errorf("%w: unexpected argument %q", errUsage, pos[len(want)])
	}
	return pos, nil
}

// positional describes a positional argument, as said when it is missing.
type positional string

// argSource is the SOURCE most commands take.
const argSource positional = `SOURCE ("tributary sources" lists them)`

// logger returns the command's logger on stderr, through w (which redacts
// and keeps clear of the progress line).
func (o *options) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, o.logLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, hopts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, hopts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, o.logFormat)
}

// lookup finds the source's registration. An unknown source is an error
// that lists the known ones and the closest to it.
func lookup(source string) (tributary.Registration, error) {
	reg, err := tributary.Lookup(tributary.DocumentSource(source))
	if !errors.Is(err, tributary.ErrUnknownSource) {
		return reg, err
	}
	var known []string
	for _, r := range tributary.Sources() {
		known = append(known, string(r.Source))
	}
	return reg, fmt.Errorf("%w %q%s; this build knows %s", tributary.ErrUnknownSource, source,
		didYouMean(source, known), strings.Join(known, ", "))
}

// session is what a command that drives a connector works with.
type session struct {
	reg  tributary.Registration
	conn tributary.Connector
	cfg  config
	log  *slog.Logger
	disp *display
	// errw is stderr with the configuration's secrets redacted.
	errw io.Writer
	// jsonLogs: the log is JSON, so whatever else goes to stderr is too.
	jsonLogs bool
}

// open reads the configuration and opens the source's connector, with a
// logger whose output is redacted. Credentials the connector refreshed in
// an earlier run replace the configured ones (see refreshed). It does no
// I/O against the source.
func (a *app) open(source string, o *options) (*session, error) {
	s := &session{disp: newDisplay(a.stderr, a.stderrTTY)}
	s.errw = s.disp
	s.jsonLogs = o.logFormat == "json"
	if _, err := o.logger(io.Discard); err != nil {
		return s, err
	}
	reg, err := lookup(source)
	if err != nil {
		return s, err
	}
	s.reg = reg
	if s.cfg, err = loadConfig(o.config, reg, a.lookupEnv); err != nil {
		return s, err
	}
	red := newRedactor(s.disp, s.cfg.Secrets)
	s.errw = red
	if s.log, err = o.logger(red); err != nil {
		return s, err
	}
	ref, err := a.refreshed(s, o, red)
	if err != nil {
		return s, err
	}
	s.conn, err = reg.Factory(tributary.Params{
		Settings:    s.cfg.Settings,
		Credentials: s.cfg.Credentials,
		Env: tributary.Env{
			Logger:              s.log.With("source", string(reg.Source)),
			AllowPrivateNetwork: o.allowPrivate,
			WantPermissions:     o.wantPermissions,
			SaveCredentials: func(ctx context.Context, creds json.RawMessage) error {
				red.add(secretValues(creds, reg)...)
				return ref.save(creds)
			},
			Credentials: &learning{CredentialsProvider: ref, learn: func(creds json.RawMessage) { red.add(secretValues(creds, reg)...) }},
		},
	})
	if err != nil {
		if o.config == "" && errors.Is(err, tributary.ErrInvalidConfig) {
			return s, &missingConfigError{source: reg.Source, err: err}
		}
		return s, fmt.Errorf("open %s connector: %w", reg.Source, err)
	}
	return s, nil
}

// missingConfigError is a source that needs a configuration run without
// --config. It wraps the connector's problems with the empty one.
type missingConfigError struct {
	source tributary.DocumentSource
	err    error
}

func (e *missingConfigError) Error() string { return e.summary() + ": " + e.err.Error() }

// summary says what is missing, without the connector's problems.
func (e *missingConfigError) summary() string {
	return fmt.Sprintf("no configuration: the %s source needs one, given with --config FILE (\"tributary spec %s\" lists its fields)", e.source, e.source)
}

func (e *missingConfigError) Unwrap() error { return e.err }

// refreshed finds the instance's store of refreshed credentials and, when
// it holds some for the configured credentials, puts them in s.cfg.
func (a *app) refreshed(s *session, o *options, red *redactor) (*refreshed, error) {
	instance, err := o.instanceName(string(s.reg.Source))
	if err != nil {
		return nil, err
	}
	path, err := a.localStatePath(o)
	if err != nil {
		return nil, err
	}
	ref := newRefreshed(path, instance, s.cfg.Credentials)
	creds, ok, err := ref.load()
	if err != nil {
		return nil, err
	}
	if ok {
		red.add(secretValues(creds, s.reg)...)
		s.cfg.Credentials = creds
		s.log.Info("using the credentials the connector refreshed in an earlier run", "instance", instance)
	}
	return ref, nil
}

// instanceName is the key of an instance's state: SOURCE:NAME, NAME being
// --instance or the configuration file's absolute path, or just SOURCE for
// a source run without a configuration file.
func (o *options) instanceName(source string) (string, error) {
	switch {
	case o.instance != "":
		return source + ":" + o.instance, nil
	case o.config != "":
		abs, err := filepath.Abs(o.config)
		if err != nil {
			return "", fmt.Errorf("resolve configuration path: %w", err)
		}
		return source + ":" + abs, nil
	}
	return source, nil
}

// statePath returns where the state database lives; see the package
// documentation.
func (a *app) statePath(o *options) (string, error) {
	if o.state != "" {
		return o.state, nil
	}
	if p, ok := a.lookupEnv("TRIBUTARY_STATE"); ok && p != "" {
		return p, nil
	}
	return a.defaultStatePath()
}

// localStatePath is the state file that files kept beside the state (the
// credentials a connector refreshed) are named after: with the state in
// PostgreSQL, which holds no credentials, the default state file.
func (a *app) localStatePath(o *options) (string, error) {
	p, err := a.statePath(o)
	if err != nil || !isPostgres(p) {
		return p, err
	}
	return a.defaultStatePath()
}

func (a *app) defaultStatePath() (string, error) {
	if d, ok := a.lookupEnv("XDG_STATE_HOME"); ok && filepath.IsAbs(d) {
		return filepath.Join(d, "tributary", "state.db"), nil
	}
	var dir string
	var err error
	switch runtime.GOOS {
	case "windows":
		dir, err = os.UserCacheDir() // %LocalAppData%
	case "darwin", "ios":
		dir, err = os.UserConfigDir() // ~/Library/Application Support
	default:
		var home string
		home, err = os.UserHomeDir()
		dir = filepath.Join(home, ".local", "state")
	}
	if err != nil {
		return "", fmt.Errorf("find the state directory (set --state or TRIBUTARY_STATE): %w", err)
	}
	return filepath.Join(dir, "tributary", "state.db"), nil
}

// fail prints err on w (configuration problems one per line, with their
// fields) and returns the exit code it calls for.
func (a *app) fail(w io.Writer, err error) int {
	code := exitCode(err, a.ctx.Err() != nil)
	switch code {
	case exitInterrupted:
		fmt.Fprintln(w, "tributary: interrupted; the state is kept and the next run resumes from the last checkpoint")
		return code
	case exitUsage:
		if errors.Is(err, errUsage) && errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
	}
	if fe, ok := errors.AsType[*httpx.ForbiddenAddressError](err); ok {
		fmt.Fprintln(w, forbiddenMessage(err, fe))
		return code
	}
	if problems := tributary.ConfigProblems(err); len(problems) > 0 {
		header := tributary.ErrInvalidConfig.Error()
		if mc, ok := errors.AsType[*missingConfigError](err); ok {
			header = mc.summary() + "; without one"
		}
		fmt.Fprintf(w, "tributary: %s:\n", header)
		for _, p := range problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Field, p.Problem)
		}
		return code
	}
	fmt.Fprintf(w, "tributary: %s\n", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
	if errors.Is(err, errUsage) && a.cmd != "" {
		fmt.Fprintf(w, "Run \"tributary %s --help\" for usage.\n", a.cmd)
	}
	return code
}

// forbiddenMessage says why the address guard refused a request, naming the
// command's flag where the library's error names its Go option.
func forbiddenMessage(err error, fe *httpx.ForbiddenAddressError) string {
	what := fe.Host + " is"
	if fe.Dial {
		what = "its address " + fe.Host + " is"
	}
	msg := fmt.Sprintf("%s a loopback or private address; rerun with --%s to let the connector reach it", what, allowPrivateFlag)
	if ue, ok := errors.AsType[*url.Error](err); ok {
		msg = fmt.Sprintf("%s %q: %s", ue.Op, ue.URL, msg)
	}
	return "tributary: " + msg
}
