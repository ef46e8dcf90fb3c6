package temporal

import (
	"context"
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
)

// Ref names a connector instance. It is all a workflow carries about the
// connector: never its settings or credentials.
type Ref struct {
	// Instance is the key of the instance's state in the Store and of its
	// workflows; it must not be empty.
	Instance string `json:"instance"`
	// Source is the instance's source, for the resolver and for people
	// reading workflow history.
	Source tributary.DocumentSource `json:"source,omitempty"`
}

func (r Ref) check() error {
	if r.Instance == "" {
		return tributary.NewError("temporal", tributary.ErrInvalidConfig, errors.New("ref has no instance"))
	}
	return nil
}

// Resolver opens the connector a Ref names, on the worker, from the
// configuration the backend keeps. It is where credentials come from, so
// they never travel through Temporal. Open should do no I/O (as a Factory
// does none); a configuration that is malformed or gone fails with
// tributary.ErrInvalidConfig, which ends the workflow without retries.
type Resolver interface {
	Open(ctx context.Context, ref Ref) (tributary.Connector, error)
}

// ResolverFunc adapts a function to a Resolver.
type ResolverFunc func(ctx context.Context, ref Ref) (tributary.Connector, error)

// Open calls f.
func (f ResolverFunc) Open(ctx context.Context, ref Ref) (tributary.Connector, error) {
	return f(ctx, ref)
}

// Config is a connector instance's configuration as a backend stores it.
type Config struct {
	Source      tributary.DocumentSource
	Settings    []byte // JSON
	Credentials []byte // JSON
}

// RegistryResolver opens connectors from the default registry
// (tributary.New) with the configuration Lookup returns for the instance.
type RegistryResolver struct {
	// Lookup returns the instance's configuration.
	Lookup func(ctx context.Context, instance string) (Config, error)
	// Env is passed to every connector opened.
	Env tributary.Env
}

// Open implements Resolver.
func (r RegistryResolver) Open(ctx context.Context, ref Ref) (tributary.Connector, error) {
	if r.Lookup == nil {
		return nil, tributary.NewError("temporal: resolve", tributary.ErrInvalidConfig, errors.New("registry resolver has no Lookup"))
	}
	cfg, err := r.Lookup(ctx, ref.Instance)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", ref.Instance, err)
	}
	if ref.Source != "" && cfg.Source != ref.Source {
		return nil, tributary.NewError("temporal: resolve "+ref.Instance, tributary.ErrInvalidConfig,
			fmt.Errorf("instance is a %s connector, not %s", cfg.Source, ref.Source))
	}
	return tributary.New(cfg.Source, tributary.Params{Settings: cfg.Settings, Credentials: cfg.Credentials, Env: r.Env})
}
