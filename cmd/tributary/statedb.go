package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/pgstore"
	"github.com/tributary-dev/tributary/sqlitestore"
)

// stateDB is where the command keeps its state: an SQLite file, or a
// PostgreSQL database that many workers share when --state is a
// postgres:// URL.
type stateDB interface {
	tributary.Store
	Close() error
	// describe names the database for logs and messages, never with a
	// password.
	describe() string
	instances(ctx context.Context) ([]instanceInfo, error)
	recentFailures(ctx context.Context, instance string, limit int) ([]failureView, error)
	// hold keeps every other process from running, pruning or resetting
	// instance until release; writes for it go through the Store hold
	// returns.
	hold(ctx context.Context, instance string) (st tributary.Store, release func(), err error)
}

// instanceInfo summarizes what the database holds for one instance.
type instanceInfo struct {
	Name                 string
	CreatedAt, UpdatedAt time.Time
	Documents, Failures  int
}

// isPostgres reports whether a --state value names a PostgreSQL database.
func isPostgres(state string) bool {
	return strings.HasPrefix(state, "postgres://") || strings.HasPrefix(state, "postgresql://")
}

// openState opens (creating) the state database.
func (a *app) openState(o *options) (stateDB, error) {
	path, err := a.statePath(o)
	if err != nil {
		return nil, err
	}
	if isPostgres(path) {
		st, err := pgstore.Open(a.ctx, path)
		if err != nil {
			return nil, err
		}
		return &pgState{Store: st, name: redactURL(path)}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	st, err := sqlitestore.Open(a.ctx, path)
	if err != nil {
		return nil, err
	}
	return &sqliteState{Store: st, path: path}, nil
}

// redactURL is u with its password replaced, or a placeholder when u does
// not parse (its text could hold the password anywhere).
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return p.Redacted()
}

type sqliteState struct {
	*sqlitestore.Store
	path string
}

func (s *sqliteState) describe() string { return s.path }

func (s *sqliteState) instances(ctx context.Context) ([]instanceInfo, error) {
	all, err := s.Instances(ctx)
	out := make([]instanceInfo, len(all))
	for i, in := range all {
		out[i] = instanceInfo{in.Name, in.CreatedAt, in.UpdatedAt, in.Documents, in.Failures}
	}
	return out, err
}

func (s *sqliteState) recentFailures(ctx context.Context, instance string, limit int) ([]failureView, error) {
	fs, err := s.Failures(ctx, instance, limit)
	out := make([]failureView, len(fs))
	for i, f := range fs {
		out[i] = newFailureView(f.At, &f.Failure)
	}
	return out, err
}

func (s *sqliteState) hold(_ context.Context, instance string) (tributary.Store, func(), error) {
	unlock, err := lockInstance(s.path, instance)
	if err != nil {
		return nil, nil, err
	}
	return s.Store, unlock, nil
}

type pgState struct {
	*pgstore.Store
	name string
}

func (s *pgState) describe() string { return s.name }

func (s *pgState) instances(ctx context.Context) ([]instanceInfo, error) {
	all, err := s.Instances(ctx)
	out := make([]instanceInfo, len(all))
	for i, in := range all {
		out[i] = instanceInfo{in.Name, in.CreatedAt, in.UpdatedAt, in.Documents, in.Failures}
	}
	return out, err
}

func (s *pgState) recentFailures(ctx context.Context, instance string, limit int) ([]failureView, error) {
	fs, err := s.Failures(ctx, instance, limit)
	out := make([]failureView, len(fs))
	for i, f := range fs {
		out[i] = newFailureView(f.At, &f.Failure)
	}
	return out, err
}

// hold takes the instance's lease and keeps it while the run lives.
func (s *pgState) hold(ctx context.Context, instance string) (tributary.Store, func(), error) {
	st, release, err := s.Hold(ctx, instance)
	var le *pgstore.LeaseError
	if errors.As(err, &le) && errors.Is(err, pgstore.ErrLeased) {
		return nil, nil, fmt.Errorf("another tributary process is running or pruning %s (%s holds its lease until %s)",
			instance, le.Holder, le.Until.UTC().Format(time.RFC3339))
	}
	return st, release, err
}

func newFailureView(at time.Time, f *tributary.Failure) failureView {
	v := failureView{At: at, DocumentID: f.DocumentID, EntityID: f.EntityID, Link: f.Link, Message: f.Message}
	if f.Err != nil {
		v.Error = f.Err.Error()
	}
	return v
}
