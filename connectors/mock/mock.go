package mock

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the source this connector registers.
const Source = tributary.SourceMockConnector

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Mock",
		Category:    tributary.CategoryOther,
		Description: "An in-memory source whose documents, folders and faults come from its settings. " +
			"It implements every capability and is the reference connector for tests and for connector authors.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/mock",
	}, New))
}

// Compile-time checks that Connector implements every capability.
var (
	_ tributary.LoadConnector       = (*Connector)(nil)
	_ tributary.PollConnector       = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
	_ tributary.EventConnector      = (*Connector)(nil)
	_ tributary.CheckpointConnector = (*Connector)(nil)
)

// Connector is an in-memory source. It is safe for concurrent use: Put and
// Delete may change the source while iterators range over it, as edits
// happen upstream during a real run.
type Connector struct {
	settings Settings
	token    tributary.Secret
	access   bool // Env.WantPermissions: yield who may see each document
	log      *slog.Logger
	fail     map[string]bool
	requests atomic.Int64

	mu    sync.RWMutex
	docs  map[string]*tributary.Document // stored copies, never yielded
	order []key                          // docs sorted by (UpdatedAt, ID)
	nodes []*tributary.HierarchyNode     // parents first
}

// key orders documents the way the source pages them: by update time (zero
// first), then id.
type key struct {
	Updated time.Time
	ID      string
}

func compareKeys(a, b key) int {
	return cmp.Or(a.Updated.Compare(b.Updated), cmp.Compare(a.ID, b.ID))
}

// New returns a connector over the documents and nodes in s. It validates s
// (applying defaults to a zero PageSize) and does no I/O.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	if s.PageSize == 0 {
		s.PageSize = 10
	}
	if err := s.Validate(); err != nil {
		return nil, &tributary.Error{Op: "mock: open", Kind: tributary.ErrInvalidConfig, Err: tributary.PrefixFields("settings", err)}
	}
	conn := &Connector{
		settings: s,
		token:    c.Token,
		access:   env.WantPermissions,
		log:      env.Log(),
		fail:     map[string]bool{},
		docs:     map[string]*tributary.Document{},
		nodes:    sortNodes(s.Nodes),
	}
	for _, id := range s.FailIDs {
		conn.fail[id] = true
	}
	for i := range s.Documents {
		d := normalize(&s.Documents[i])
		conn.docs[d.ID] = d
		conn.order = append(conn.order, keyOf(d))
	}
	slices.SortFunc(conn.order, compareKeys)
	conn.settings.Documents, conn.settings.Nodes = nil, nil // the store holds them now
	return conn, nil
}

// Source returns tributary.SourceMockConnector.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the credentials, counting one request.
func (c *Connector) Validate(ctx context.Context) error {
	return c.request(ctx, "mock: validate")
}

// Requests returns how many requests the connector has made: one per
// Validate, per page of documents or slim documents, per listing of nodes
// and per event that reads the source.
func (c *Connector) Requests() int { return int(c.requests.Load()) }

// request counts one request after checking the context and credentials.
func (c *Connector) request(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return &tributary.Error{Op: op, Err: err}
	}
	c.requests.Add(1)
	want := c.settings.AcceptToken.Reveal()
	if want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(c.token.Reveal())) != 1 {
		return tributary.NewError(op, tributary.ErrCredentialExpired, errRejectedToken)
	}
	return nil
}

var (
	errRejectedToken = errors.New("the source rejected the token")
	errFlaky         = errors.New("the source failed as configured by fail_after_pages")
	errContent       = errors.New("the document's content failed to load, as configured by fail_ids")
)

// Put adds or replaces a document, as an edit upstream would, and returns
// the event a source would push about it. The document is copied; its
// ParentID must name a node.
func (c *Connector) Put(d *tributary.Document) (tributary.Event, error) {
	if d == nil || d.ID == "" {
		return tributary.Event{}, tributary.NewError("mock: put", tributary.ErrInvalidConfig, errors.New("document has no id"))
	}
	n := normalize(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n.ParentID != "" && !slices.ContainsFunc(c.nodes, func(x *tributary.HierarchyNode) bool { return x.ID == n.ParentID }) {
		return tributary.Event{}, tributary.NewError("mock: put", tributary.ErrInvalidConfig, errors.New("parent_id names no node"))
	}
	c.putLocked(n)
	return tributary.Event{Type: tributary.EventChanged, Key: n.ID, Time: n.UpdatedAt}, nil
}

// Delete removes a document, as a deletion upstream would, and returns the
// event a source would push about it.
func (c *Connector) Delete(id string) tributary.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[id]; ok {
		c.order = removeKey(c.order, keyOf(d))
		delete(c.docs, id)
	}
	return tributary.Event{Type: tributary.EventRemoved, Key: id}
}

func (c *Connector) putLocked(d *tributary.Document) {
	if old, ok := c.docs[d.ID]; ok {
		c.order = removeKey(c.order, keyOf(old))
	}
	c.docs[d.ID] = d
	k := keyOf(d)
	i, _ := slices.BinarySearchFunc(c.order, k, compareKeys)
	c.order = slices.Insert(c.order, i, k)
}

func removeKey(order []key, k key) []key {
	if i, ok := slices.BinarySearchFunc(order, k, compareKeys); ok {
		return slices.Delete(order, i, i+1)
	}
	return order
}

func keyOf(d *tributary.Document) key { return key{Updated: d.UpdatedAt, ID: d.ID} }

// normalize returns a copy of d as the source stores it: its source set,
// times in UTC, a semantic id.
func normalize(d *tributary.Document) *tributary.Document {
	n := cloneDocument(d)
	n.Source = Source
	if !n.UpdatedAt.IsZero() {
		n.UpdatedAt = n.UpdatedAt.UTC()
	}
	if !n.CreatedAt.IsZero() {
		n.CreatedAt = n.CreatedAt.UTC()
	}
	if n.SemanticID == "" {
		n.SemanticID = cmp.Or(n.Title, n.ID)
	}
	return n
}

// sortNodes returns copies of nodes ordered parents first (settings were
// validated, so every parent exists and there is no cycle).
func sortNodes(nodes []tributary.HierarchyNode) []*tributary.HierarchyNode {
	byID := map[string]tributary.HierarchyNode{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	done := map[string]bool{}
	var out []*tributary.HierarchyNode
	var visit func(n tributary.HierarchyNode)
	visit = func(n tributary.HierarchyNode) {
		if done[n.ID] {
			return
		}
		if p, ok := byID[n.ParentID]; ok {
			visit(p)
		}
		done[n.ID] = true
		out = append(out, cloneNode(&n))
	}
	for _, n := range nodes {
		visit(n)
	}
	return out
}
