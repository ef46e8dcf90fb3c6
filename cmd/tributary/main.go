// Command tributary runs Tributary's connectors locally: it lists the
// sources this build knows, prints their configuration schemas, validates a
// configuration, and runs a connector incrementally and resumably, writing
// the documents as JSON lines.
//
// Usage:
//
//	tributary sources
//	tributary spec SOURCE
//	tributary validate SOURCE --config FILE
//	tributary normalize SOURCE URL --config FILE
//	tributary run SOURCE --config FILE [--full | --since T] [--out F] [--prune]
//	tributary slim SOURCE --config FILE
//	tributary groups SOURCE --config FILE
//	tributary prune SOURCE --config FILE [--force]
//	tributary access SOURCE --config FILE [--redeliver]
//	tributary state SOURCE [--config FILE | --instance NAME] [--reset]
//	tributary search "WORDS" --sink URL [--user EMAIL] [--group G]
//	tributary auth SOURCE --config FILE --client-id ID
//
// A configuration file holds the connector's settings and credentials, in
// JSON or YAML:
//
//	settings:
//	  roots: [./docs]
//	credentials:
//	  token: ${GITHUB_TOKEN}
//
// ${VAR} in a value is replaced by the environment variable VAR (an unset
// variable is a configuration error naming it; ${VAR:-default} gives a
// default, and $${ is a literal ${), so secrets need not sit in the file.
// Values from the environment are strings. A key given twice in one object
// is a configuration error.
//
// State (windows, checkpoints, failures and the inventory of delivered
// documents) lives in an SQLite file: --state, else $TRIBUTARY_STATE, else
// $XDG_STATE_HOME/tributary/state.db, else ~/.local/state/tributary/state.db
// (on macOS ~/Library/Application Support/tributary/state.db, on Windows
// %LocalAppData%\tributary\state.db). A postgres:// URL instead keeps the
// state in PostgreSQL (package pgstore), shared by workers on many machines:
// each run then holds the instance's lease instead of a lock file, and the
// refreshed credentials stay beside the default state file. Each connector
// instance has its own state, keyed by SOURCE:NAME where NAME is --instance
// or the absolute path of the configuration file. The database never holds credentials. Beside
// it, DB.locks holds a lock file per instance (one process runs, prunes or
// resets an instance at a time) and DB.credentials the credentials a
// connector refreshed, such as a rotated OAuth refresh token, readable by
// the user only and used until the configured credentials change.
//
// The first run of an instance loads everything; later runs poll from the
// end of the last good window, less a lookback. A run stopped at any moment,
// even by kill -9, resumes from its last checkpoint; documents after that
// checkpoint may be delivered twice, never lost.
//
// Documents go out as JSON lines on stdout (or appended to --out; a
// device such as /dev/null or a named pipe is written as it is), one
// object per line with a "type" field: "node", "document" or "deletion"
// (see package jsonl), or with --sink postgres://... into PostgreSQL tables
// (see package pgsink), where search finds them, ranked, among those the
// --user and --group may see. slim prints one {"id": ...} object per line.
// access asks the connector for who may see each document and writes an
// "access" line for each document delivered before whose access changed
// since (with --sink, it updates just their access columns); it ends with a
// summary of documents listed, changed, unchanged, unknown (not delivered
// yet: the next run brings them) and undetermined (no access reported).
// Progress goes to stderr when it is a terminal; logs go to stderr, at
// --log-level (info on a terminal, warn otherwise) in --log-format text
// or json. Every run ends with one summary on stderr, whatever the level:
// documents, nodes, deletions, skipped, failures, requests, rate-limit wait
// and time, as a plain line (a JSON record with --log-format json). Each
// failure is logged once, as it is met. Secret credential values, and every value taken from the
// environment into the credentials, are redacted from all of it.
//
// Exit codes:
//
//	0    success
//	1    error not covered below
//	2    bad command line: unknown command, flag or source
//	3    bad configuration, each problem printed with its field
//	4    credentials rejected, expired, or lacking permissions
//	5    partial success: the run finished but some documents failed
//	6    prune refused: too large a share would be deleted (--force)
//	130  interrupted by SIGINT or SIGTERM; the next run resumes
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	_ "github.com/tributary-dev/tributary/connectors/all"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// A second signal kills the process at once.
		<-ctx.Done()
		stop()
	}()
	a := &app{
		ctx:       ctx,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		lookupEnv: os.LookupEnv,
	}
	os.Exit(a.main(os.Args[1:]))
}

// app is one invocation of the command.
type app struct {
	ctx       context.Context
	stdout    io.Writer
	stderr    io.Writer
	stderrTTY bool
	// stdoutTTY: documents written to a terminal would garble the
	// progress line, so there is none then.
	stdoutTTY bool
	lookupEnv func(string) (string, bool)
	// cmd is the command being run, named in the hint after a usage
	// error.
	cmd string
}

type command struct {
	name    string
	summary string
	run     func(a *app, args []string) int
}

var commands = []command{
	{"sources", "list the sources this build knows, with their capabilities", (*app).cmdSources},
	{"spec", "print the JSON Schema of a source's settings and credentials", (*app).cmdSpec},
	{"validate", "check a configuration and probe the source with it", (*app).cmdValidate},
	{"normalize", "print the document id of a URL a person pasted", (*app).cmdNormalize},
	{"run", "load or poll a source, writing documents as JSON lines", (*app).cmdRun},
	{"slim", "list the ids of every document a source has", (*app).cmdSlim},
	{"groups", "list a source's groups and their members, for access", (*app).cmdGroups},
	{"prune", "emit deletions for documents the source no longer has", (*app).cmdPrune},
	{"access", "emit who may now see the documents whose access changed", (*app).cmdAccess},
	{"search", "search the documents a run wrote with --sink postgres://...", (*app).cmdSearch},
	{"state", "show or reset what is stored for a source's instances", (*app).cmdState},
	{"auth", "connect a source through its OAuth consent in a browser", (*app).cmdAuth},
}

func (a *app) main(args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		a.usage(a.stdout)
		return exitOK
	}
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		if c.name == name {
			a.cmd = name
			return c.run(a, args[1:])
		}
		names = append(names, c.name)
	}
	fmt.Fprintf(a.stderr, "tributary: unknown command %q%s\nRun \"tributary help\" for usage.\n", name, didYouMean(name, names))
	return exitUsage
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintf(w, "tributary runs Tributary's connectors locally.\n\nUsage:\n  tributary COMMAND [SOURCE] [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun \"tributary COMMAND -h\" for a command's flags.\n\n%s\n%s", configHelp, exitCodesHelp)
}

const configHelp = `Configuration files are JSON or YAML with two objects:
  {"settings": {...}, "credentials": {...}}
${VAR} in a value is replaced by the environment variable VAR, so secrets
need not sit in the file; an unset VAR is a configuration error naming it.
"tributary spec SOURCE" prints the fields each source takes.
Loopback and private addresses (local emulators, intranet servers) are
refused unless the command runs with --allow-private-network.

State lives in an SQLite file: --state, else $TRIBUTARY_STATE, else
$XDG_STATE_HOME/tributary/state.db, else ~/.local/state/tributary/state.db.
A postgres:// URL there keeps it in PostgreSQL, shared by many workers.
`
