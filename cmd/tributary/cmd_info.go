package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tributary-dev/tributary"
)

func (a *app) cmdSources(args []string) int {
	fs := a.newFlagSet("sources", "sources [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if _, err := parse(fs, args); err != nil {
		return a.fail(a.stderr, err)
	}
	regs := tributary.Sources()
	if *asJSON {
		out := make([]sourceInfo, 0, len(regs))
		for _, r := range regs {
			out = append(out, infoOf(r))
		}
		return a.printJSON(out)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tCATEGORY\tCAPABILITIES\tDESCRIPTION")
	for _, r := range regs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Source, r.Category, r.Capabilities, firstSentence(r.Description))
	}
	if err := tw.Flush(); err != nil {
		return a.fail(a.stderr, err)
	}
	return exitOK
}

// sourceInfo is what `sources --json` and `spec` print of a registration.
type sourceInfo struct {
	Source       tributary.DocumentSource `json:"source"`
	DisplayName  string                   `json:"display_name,omitempty"`
	Category     tributary.Category       `json:"category,omitempty"`
	Description  string                   `json:"description,omitempty"`
	DocURL       string                   `json:"doc_url,omitempty"`
	Capabilities tributary.Capabilities   `json:"capabilities"`
	OAuth        *tributary.OAuth         `json:"oauth,omitempty"`
	Settings     json.RawMessage          `json:"settings,omitempty"`
	Credentials  json.RawMessage          `json:"credentials,omitempty"`
	// Notes are what spec tells of the command beyond the schemas.
	Notes []string `json:"notes,omitempty"`
}

// specNotes are the notes spec prints with every source.
var specNotes = []string{
	"Loopback and private addresses (local emulators, intranet servers) are refused unless the command runs with --" + allowPrivateFlag + ".",
}

func infoOf(r tributary.Registration) sourceInfo {
	return sourceInfo{
		Source: r.Source, DisplayName: r.DisplayName, Category: r.Category,
		Description: r.Description, DocURL: r.DocURL, Capabilities: r.Capabilities, OAuth: r.OAuth,
	}
}

// firstSentence returns the description's first sentence, on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func (a *app) cmdSpec(args []string) int {
	fs := a.newFlagSet("spec", "spec SOURCE")
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	r, err := lookup(pos[0])
	if err != nil {
		return a.fail(a.stderr, err)
	}
	info := infoOf(r)
	info.Settings = r.SettingsSchema()
	info.Credentials = r.CredentialsSchema()
	info.Notes = specNotes
	return a.printJSON(info)
}

func (a *app) printJSON(v any) int {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return a.fail(a.stderr, fmt.Errorf("write output: %w", err))
	}
	return exitOK
}

func (a *app) cmdValidate(args []string) int {
	var o options
	fs := a.newFlagSet("validate", "validate SOURCE --config FILE")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	if err := s.conn.Validate(a.ctx); err != nil {
		return a.fail(s.errw, fmt.Errorf("probe %s: %w", s.reg.Source, err))
	}
	fmt.Fprintf(a.stdout, "%s: configuration is valid and the source answered\n", s.reg.Source)
	printProbes(a.ctx, a.stdout, s.conn)
	return exitOK
}
