package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/tributary-dev/tributary"
)

// cmdNormalize prints the document id of a URL: what the source's
// connector names the document that a pasted address shows.
func (a *app) cmdNormalize(args []string) int {
	var o options
	fs := a.newFlagSet("normalize", "normalize SOURCE URL --config FILE")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	pos, err := parse(fs, args, argSource, "URL the source shows a document at")
	if err != nil {
		return a.fail(a.stderr, err)
	}
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	id, err := tributary.NormalizeURL(a.ctx, s.conn, pos[1])
	if err != nil {
		return a.fail(s.errw, err)
	}
	fmt.Fprintln(a.stdout, id)
	return exitOK
}

// printProbes writes the table of what the credentials allow, for a
// connector that probes per capability.
func printProbes(ctx context.Context, w io.Writer, c tributary.Connector) {
	if _, ok := c.(tributary.Prober); !ok {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CAPABILITY\tSTATUS\tMISSING\tDETAIL")
	for _, r := range tributary.Probe(ctx, c) {
		missing, detail := "-", "-"
		if len(r.Missing) > 0 {
			missing = fmt.Sprint(r.Missing)
		}
		if r.Err != nil {
			detail = r.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Capability, r.Status, missing, detail)
	}
	tw.Flush()
}
