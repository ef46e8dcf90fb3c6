package tributary

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Category groups sources in a user interface.
type Category string

// Categories of source.
const (
	CategoryWiki      Category = "wiki"
	CategoryTicketing Category = "ticketing"
	CategoryChat      Category = "chat"
	CategoryCode      Category = "code"
	CategoryStorage   Category = "storage"
	CategoryWeb       Category = "web"
	CategoryEmail     Category = "email"
	CategoryCRM       Category = "crm"
	CategoryOther     Category = "other"
)

// Env is what a connector receives from its host besides its configuration.
// Every field may be left zero.
type Env struct {
	// Logger receives the connector's logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient, when set, is the client whose Transport the connector's
	// HTTP stack is built on (tests point it at emulators). Nil means
	// http.DefaultTransport.
	HTTPClient *http.Client
	// AllowPrivateNetwork permits requests to loopback, private, link-local
	// and cloud-metadata addresses, which are refused otherwise.
	AllowPrivateNetwork bool
	// SaveCredentials persists credentials that the connector refreshed (a
	// rotated OAuth refresh token). It is called before the new credentials
	// are used; if it fails, they are not used. Nil means not persisted.
	SaveCredentials func(ctx context.Context, credentials json.RawMessage) error
	// Credentials, when set, is the provider the configuration's
	// credentials came from (Params.Credentials is what it held when the
	// connector was opened). A connector whose tokens expire refreshes
	// through its Refresh, under the provider's lock, rather than saving
	// through SaveCredentials, so that the workers and processes sharing
	// it spend a rotating refresh token once and all take the new one.
	Credentials CredentialsProvider
	// WantPermissions asks connectors to fill documents' ExternalAccess
	// where the source exposes who may see them.
	WantPermissions bool
}

// Log returns e.Logger, or a logger that discards everything.
func (e Env) Log() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Params is what a Factory receives: the raw JSON settings and credentials,
// kept apart as in Onyx, and the Env.
type Params struct {
	Settings    json.RawMessage
	Credentials json.RawMessage
	Env         Env
}

// Factory makes a connector from Params. It decodes and validates the
// configuration and does no I/O: probing belongs to Connector.Validate.
type Factory func(p Params) (Connector, error)

// Registration describes a source: everything a user interface needs to list
// it and render its configuration form, and the factory that opens it.
type Registration struct {
	Source      DocumentSource
	DisplayName string
	Category    Category
	// Description is one paragraph a user reads before choosing the source.
	Description string
	// DocURL links to the connector's documentation.
	DocURL  string
	Factory Factory
	// Settings and Credentials are zero values of the configuration types,
	// from which the JSON Schemas are generated. Nil means the object takes
	// no fields.
	Settings    any
	Credentials any
	// Capabilities is what the connector implements.
	Capabilities Capabilities
	// OAuth, when set, is the source's OAuth consent flow (see StartOAuth).
	OAuth *OAuth
}

// Define completes r for a connector whose direct constructor is open: it
// sets a Factory that decodes the configuration strictly with DecodeConfig
// and calls open, the Settings and Credentials types, and the Capabilities
// of T (a pointer type whose methods the capabilities are found on).
func Define[S, C any, T Connector](r Registration, open func(S, C, Env) (T, error)) Registration {
	var s S
	var c C
	var t T
	r.Settings, r.Credentials = s, c
	r.Capabilities = CapabilitiesOf(t)
	r.Factory = func(p Params) (Connector, error) {
		s, c, err := DecodeConfig[S, C](p.Settings, p.Credentials)
		if err != nil {
			return nil, err
		}
		return open(s, c, p.Env)
	}
	return r
}

// SettingsSchema returns the JSON Schema of the source's settings.
func (r Registration) SettingsSchema() json.RawMessage { return SchemaFor(r.Settings) }

// CredentialsSchema returns the JSON Schema of the source's credentials.
func (r Registration) CredentialsSchema() json.RawMessage { return SchemaFor(r.Credentials) }

// Registry maps sources to registrations. The zero Registry is empty and
// ready to use; it is safe for concurrent use.
type Registry struct {
	mu   sync.RWMutex
	regs map[DocumentSource]Registration
}

// Register adds r. It panics on programmer errors only: an empty source, a
// nil factory, or a source registered twice.
func (reg *Registry) Register(r Registration) {
	if r.Source == "" {
		panic("tributary: Register with an empty source")
	}
	if r.Factory == nil {
		panic(fmt.Sprintf("tributary: Register %q with a nil factory", r.Source))
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, dup := reg.regs[r.Source]; dup {
		panic(fmt.Sprintf("tributary: Register called twice for source %q", r.Source))
	}
	if reg.regs == nil {
		reg.regs = make(map[DocumentSource]Registration)
	}
	reg.regs[r.Source] = r
}

// Lookup returns the registration of source, or an ErrUnknownSource error.
func (reg *Registry) Lookup(source DocumentSource) (Registration, error) {
	reg.mu.RLock()
	r, ok := reg.regs[source]
	reg.mu.RUnlock()
	if !ok {
		return Registration{}, &Error{Op: "open connector", Kind: ErrUnknownSource,
			Err: fmt.Errorf("%q (forgotten import?)", string(source))}
	}
	return r, nil
}

// New opens a connector for source from p.
func (reg *Registry) New(source DocumentSource, p Params) (Connector, error) {
	r, err := reg.Lookup(source)
	if err != nil {
		return nil, err
	}
	return r.Factory(p)
}

// Sources returns every registration, sorted by source.
func (reg *Registry) Sources() []Registration {
	reg.mu.RLock()
	out := make([]Registration, 0, len(reg.regs))
	for _, r := range reg.regs {
		out = append(out, r)
	}
	reg.mu.RUnlock()
	slices.SortFunc(out, func(a, b Registration) int { return strings.Compare(string(a.Source), string(b.Source)) })
	return out
}

var defaultRegistry Registry

// Register adds r to the default registry; see Registry.Register.
func Register(r Registration) { defaultRegistry.Register(r) }

// Lookup finds source in the default registry.
func Lookup(source DocumentSource) (Registration, error) { return defaultRegistry.Lookup(source) }

// New opens a connector for source from the default registry.
func New(source DocumentSource, p Params) (Connector, error) { return defaultRegistry.New(source, p) }

// Sources lists the default registry, sorted by source.
func Sources() []Registration { return defaultRegistry.Sources() }
