package mock

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tributary-dev/tributary"
)

// Settings describe the in-memory source: its documents and hierarchy
// nodes, how it pages, and the faults it should show.
type Settings struct {
	// Documents are the source's documents. Each needs an id; the source is
	// set to mock_connector, times are turned into UTC, and an empty
	// semantic id becomes the title, or else the id.
	Documents []tributary.Document `json:"documents,omitempty" jsonschema:"description=The source's documents"`
	// Nodes are the source's folders. A node's parent must be another node;
	// they are yielded parents first whatever their order here.
	Nodes []tributary.HierarchyNode `json:"nodes,omitempty" jsonschema:"description=Hierarchy nodes (folders) documents may name as parent_id"`
	// FailIDs names documents whose content fails to load: every stream
	// reports a *tributary.Failure for them instead of the document. Slim
	// listings still list them, as a source lists a file it cannot read.
	FailIDs []string `json:"fail_ids,omitempty" jsonschema:"description=Ids of documents that fail to load with a reported failure"`
	// PageSize is how many documents one page (one request) holds; the
	// checkpoint stream yields a checkpoint after each page.
	PageSize int `json:"page_size,omitempty" jsonschema:"description=Documents per page,default=10,minimum=1,maximum=1000"`
	// AcceptToken, when set, is the only credentials token the source
	// accepts; any other fails with tributary.ErrCredentialExpired.
	AcceptToken tributary.Secret `json:"accept_token,omitempty" jsonschema:"description=Token credentials must carry; empty accepts any"`
	// FailAfterPages, when positive, makes the page after that many pages
	// of one range fail with tributary.ErrTransient, as a flaky upstream
	// would: a run stops there and resumes from its last checkpoint.
	FailAfterPages int `json:"fail_after_pages,omitempty" jsonschema:"description=Fail each range with a transient error after this many pages,minimum=0"`
}

// SetDefaults sets PageSize to 10.
func (s *Settings) SetDefaults() { s.PageSize = 10 }

// Validate reports every problem: missing or repeated ids, parents that
// name no node, cycles among nodes, fail_ids that name no document, page
// sizes out of range.
func (s Settings) Validate() error {
	var errs []error
	if s.PageSize < 1 || s.PageSize > 1000 {
		errs = append(errs, tributary.InvalidField("page_size", "must be between 1 and 1000, not %d", s.PageSize))
	}
	if s.FailAfterPages < 0 {
		errs = append(errs, tributary.InvalidField("fail_after_pages", "must not be negative"))
	}
	nodes := map[string]string{} // id -> parent
	for i, n := range s.Nodes {
		field := fmt.Sprintf("nodes[%d]", i)
		switch _, dup := nodes[n.ID]; {
		case n.ID == "":
			errs = append(errs, tributary.InvalidField(field+".id", "required"))
		case dup:
			errs = append(errs, tributary.InvalidField(field+".id", "repeats node id %q", n.ID))
		}
		nodes[n.ID] = n.ParentID
	}
	for i, n := range s.Nodes {
		if n.ParentID != "" && !hasKey(nodes, n.ParentID) {
			errs = append(errs, tributary.InvalidField(fmt.Sprintf("nodes[%d].parent_id", i), "names no node: %q", n.ParentID))
		}
	}
	if id, ok := cycle(nodes); ok {
		errs = append(errs, tributary.InvalidField("nodes", "node %q is its own ancestor (the parents form a cycle)", id))
	}
	errs = append(errs, validateDocuments(s.Documents, nodes)...)
	for i, id := range s.FailIDs {
		if !slices.ContainsFunc(s.Documents, func(d tributary.Document) bool { return d.ID == id }) {
			errs = append(errs, tributary.InvalidField(fmt.Sprintf("fail_ids[%d]", i), "names no document: %q", id))
		}
	}
	return errors.Join(errs...)
}

func validateDocuments(docs []tributary.Document, nodes map[string]string) []error {
	var errs []error
	seen := map[string]bool{}
	for i, d := range docs {
		field := fmt.Sprintf("documents[%d]", i)
		switch {
		case d.ID == "":
			errs = append(errs, tributary.InvalidField(field+".id", "required"))
		case seen[d.ID]:
			errs = append(errs, tributary.InvalidField(field+".id", "repeats document id %q", d.ID))
		}
		seen[d.ID] = true
		if d.Source != "" && d.Source != Source {
			errs = append(errs, tributary.InvalidField(field+".source", "must be %q or empty, not %q", Source, d.Source))
		}
		if d.ParentID != "" && !hasKey(nodes, d.ParentID) {
			errs = append(errs, tributary.InvalidField(field+".parent_id", "names no node: %q", d.ParentID))
		}
	}
	return errs
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// cycle returns a node on a cycle of parents, if any.
func cycle(parents map[string]string) (string, bool) {
	for id := range parents {
		seen := map[string]bool{}
		for at := id; at != ""; at = parents[at] {
			if seen[at] {
				return at, true
			}
			seen[at] = true
		}
	}
	return "", false
}

// Credentials are what the mock source checks: a token, compared with
// Settings.AcceptToken when that is set.
type Credentials struct {
	Token tributary.Secret `json:"token,omitempty" jsonschema:"description=Any token; must equal settings.accept_token when that is set"`
}
