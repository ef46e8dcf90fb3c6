package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/jsonl"
	"github.com/tributary-dev/tributary/pgsink"
)

const sinkUsage = "write documents into the PostgreSQL database at `URL` (postgres://...) instead of JSON lines; " +
	"a password is better given in $PGPASSWORD than in the URL"

func sinkFlag(fs *flag.FlagSet, v *string) { fs.StringVar(v, "sink", "", sinkUsage) }

// sink returns where a run's documents go: JSON lines on out (synced after
// each batch when durable), or the PostgreSQL database --sink names.
func (a *app) sink(rf *runFlags, out io.Writer, durable bool) (tributary.Sink, func(), error) {
	if rf.sink == "" {
		return jsonl.NewSink(out, jsonl.Options{Sync: durable}), func() {}, nil
	}
	if rf.out != "" {
		return nil, nil, fmt.Errorf("%w: --out and --sink exclude each other", errUsage)
	}
	s, err := openPGSink(a.ctx, rf.sink)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close() }, nil
}

// openPGSink opens the database a --sink URL names. The URL is never
// repeated in an error: it may hold a password.
func openPGSink(ctx context.Context, url string) (*pgsink.Sink, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, fmt.Errorf("%w: --sink: want a postgres:// URL", errUsage)
	}
	return pgsink.Open(ctx, url)
}
