// Package pgsink is a tributary.Sink that writes documents into PostgreSQL
// tables a search backend can query: tributary_documents (one row per
// document, upserted by id, with its metadata as jsonb, its access as text
// arrays and a tsvector column, search, over its title and text),
// tributary_sections, tributary_owners and tributary_nodes (hierarchy
// nodes). A deletion removes the document with its sections and owners. A
// permission sync (tributary.Runner.SyncAccess) changes only the access
// columns of the documents it names, through WriteAccess.
//
// Each batch is one transaction: Write returns nil, acknowledging the
// batch, only after it committed, so a connection lost mid-batch leaves
// nothing of it and the runner's checkpoint where it was.
//
// Search runs a ranked full-text query with access filtering. A document
// whose connector reported no access (permissions were not synced) is
// visible to every searcher, as a public one is; a document written again
// without access keeps the access last written for it (by a run that asked
// for permissions, or by a permission sync), since no access means "not
// determined", not "everyone". The connection string's password never
// appears in an error.
//
// The Sink is also a tributary.BlobSink (give it to Runner.Blobs): PutBlob
// keeps a document's raw bytes in tributary_blobs (id, media_type, name,
// size, data as bytea), and a section's blob_id column names the row. The
// id is blobdir.ID's, the hex SHA-256 of the bytes and an extension, so
// the same bytes put twice, or by two workers at once, are stored once,
// and an id means the same blob in a folder and in the database. A blob
// belongs to no one document (two may hold the same picture), so deleting
// a document leaves its blobs; one no section references any more can be
// found with a join on blob_id.
package pgsink

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/pgconf"
)

// Sink writes batches into PostgreSQL. It is safe for concurrent use.
type Sink struct {
	pool *pgxpool.Pool
}

var (
	_ tributary.AccessSink = (*Sink)(nil)
	_ tributary.BlobSink   = (*Sink)(nil)
)

// Open connects to the database connString names and migrates the tables.
func Open(ctx context.Context, connString string) (*Sink, error) {
	pool, err := pgconf.Pool(ctx, connString)
	if err != nil {
		return nil, fmt.Errorf("open document database: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open document database: %w", err)
	}
	return &Sink{pool: pool}, nil
}

// Close closes the sink's connections.
func (s *Sink) Close() error {
	s.pool.Close()
	return nil
}

// Write implements tributary.Sink: nodes, then documents, then deletions,
// in one transaction, sent in one round trip.
func (s *Sink) Write(ctx context.Context, b tributary.Batch) error {
	q := &pgx.Batch{}
	for _, n := range b.Nodes {
		if n != nil {
			queueNode(q, n)
		}
	}
	for _, d := range b.Documents {
		if d != nil {
			if err := queueDocument(q, d); err != nil {
				return fmt.Errorf("write documents: %s: %w", d.ID, err)
			}
		}
	}
	if len(b.Deletions) > 0 {
		q.Queue(`DELETE FROM tributary_documents WHERE id = ANY($1::text[])`, cleanAll(b.Deletions))
	}
	if q.Len() == 0 {
		return ctx.Err()
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, q).Close()
	})
	if err != nil {
		return fmt.Errorf("write documents: %w", err)
	}
	return nil
}

// WriteAccess implements tributary.AccessSink: it sets the access columns
// of each named document, and nothing else, in one transaction, sent in one
// round trip. An id the table does not hold is passed over (the next run
// delivers the document with its access), and so is a change without
// access, which the runner never hands over.
func (s *Sink) WriteAccess(ctx context.Context, changes []tributary.AccessChange) error {
	q := &pgx.Batch{}
	for _, c := range changes {
		if c.Access == nil {
			continue
		}
		a := accessOf(c.Access)
		q.Queue(`UPDATE tributary_documents SET access_known = true, access_public = $2,
			access_users = $3, access_groups = $4 WHERE id = $1`, clean(c.ID), a.public, a.users, a.groups)
	}
	if q.Len() == 0 {
		return ctx.Err()
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, q).Close()
	})
	if err != nil {
		return fmt.Errorf("write access: %w", err)
	}
	return nil
}

type access struct {
	known, public bool
	users, groups []string
}

func accessOf(a *tributary.ExternalAccess) access {
	if a == nil {
		return access{users: []string{}, groups: []string{}}
	}
	users := make([]string, len(a.UserEmails))
	for i, e := range a.UserEmails {
		users[i] = strings.ToLower(clean(e))
	}
	groups := cleanAll(a.GroupIDs)
	return access{known: true, public: a.Public, users: users, groups: groups}
}

func queueNode(q *pgx.Batch, n *tributary.HierarchyNode) {
	a := accessOf(n.ExternalAccess)
	q.Queue(`
		INSERT INTO tributary_nodes (id, parent_id, name, link, kind, access_known, access_public, access_users, access_groups)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
			link = excluded.link, kind = excluded.kind, access_known = excluded.access_known,
			access_public = excluded.access_public, access_users = excluded.access_users,
			access_groups = excluded.access_groups`,
		clean(n.ID), clean(n.ParentID), clean(n.Name), clean(n.Link), clean(string(n.Kind)), a.known, a.public, a.users, a.groups)
}

func queueDocument(q *pgx.Batch, d *tributary.Document) error {
	tags := make(map[string][]string, len(d.Metadata))
	for k, vs := range d.Metadata {
		tags[clean(k)] = cleanAll(vs)
	}
	meta, err := json.Marshal(tags)
	if err != nil {
		return err
	}
	a := accessOf(d.ExternalAccess)
	var link string
	if len(d.Sections) > 0 {
		link = clean(d.Sections[0].Link)
	}
	id := clean(d.ID)
	q.Queue(`
		INSERT INTO tributary_documents (id, source, semantic_id, title, link, parent_id, created_at, updated_at,
			metadata, access_known, access_public, access_users, access_groups, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (id) DO UPDATE SET source = excluded.source, semantic_id = excluded.semantic_id,
			title = excluded.title, link = excluded.link, parent_id = excluded.parent_id,
			created_at = excluded.created_at, updated_at = excluded.updated_at, metadata = excluded.metadata,
			access_known = excluded.access_known OR tributary_documents.access_known,
			access_public = CASE WHEN excluded.access_known THEN excluded.access_public ELSE tributary_documents.access_public END,
			access_users = CASE WHEN excluded.access_known THEN excluded.access_users ELSE tributary_documents.access_users END,
			access_groups = CASE WHEN excluded.access_known THEN excluded.access_groups ELSE tributary_documents.access_groups END,
			content = excluded.content, written_at = now()`,
		id, clean(string(d.Source)), clean(d.SemanticID), clean(d.Title), link, clean(d.ParentID),
		timeOrNull(d.CreatedAt), timeOrNull(d.UpdatedAt), meta, a.known, a.public, a.users, a.groups, clean(content(d)))
	q.Queue(`DELETE FROM tributary_sections WHERE document_id = $1`, id)
	q.Queue(`DELETE FROM tributary_owners WHERE document_id = $1`, id)
	for i, sec := range d.Sections {
		var rows []byte
		if sec.Rows != nil {
			cells := make([][]string, len(sec.Rows))
			for j, row := range sec.Rows {
				cells[j] = cleanAll(row)
			}
			if rows, err = json.Marshal(cells); err != nil {
				return err
			}
		}
		q.Queue(`INSERT INTO tributary_sections (document_id, position, kind, link, heading, text, image_url, rows, blob_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, i, clean(string(sec.Kind)), clean(sec.Link), clean(sec.Heading), clean(sec.Text), clean(sec.ImageURL), rows, clean(sec.BlobID))
	}
	for role, people := range map[string][]tributary.Person{"primary": d.PrimaryOwners, "secondary": d.SecondaryOwners} {
		for i, p := range people {
			q.Queue(`INSERT INTO tributary_owners (document_id, role, position, display_name, first_name, last_name, email)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, role, i, clean(p.DisplayName), clean(p.FirstName), clean(p.LastName), clean(p.Email))
		}
	}
	return nil
}

// clean makes s something PostgreSQL's text (and jsonb) holds: NUL bytes
// are dropped and invalid UTF-8 becomes U+FFFD. Refusing such a document
// instead would fail its batch on every retry and stall the run; the same
// cleaning of an id on write and on deletion keeps the two matched.
func clean(s string) string {
	if !strings.ContainsRune(s, 0) && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

// content is the text the search column covers: every section's heading,
// text and table cells.
func content(d *tributary.Document) string {
	var b strings.Builder
	for _, s := range d.Sections {
		for _, part := range []string{s.Heading, s.Text} {
			if part != "" {
				b.WriteString(part)
				b.WriteByte('\n')
			}
		}
		for _, row := range s.Rows {
			b.WriteString(strings.Join(row, " "))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// Query is who searches, and how many hits they want.
type Query struct {
	// Words are searched as a web search engine reads them: "quoted
	// phrases", or, -excluded.
	Words string
	// User is the searcher's email and Groups their group ids; with both
	// empty only public documents, and those of unknown access, are found.
	User   string
	Groups []string
	// Limit bounds the hits; 20 when zero.
	Limit int
}

// Hit is one document found, best first.
type Hit struct {
	ID         string  `json:"id"`
	Source     string  `json:"source"`
	SemanticID string  `json:"semantic_id"`
	Title      string  `json:"title,omitempty"`
	Link       string  `json:"link,omitempty"`
	Rank       float32 `json:"rank"`
	Snippet    string  `json:"snippet,omitempty"`
}

// Search returns the documents matching q.Words that the searcher may see,
// ranked by relevance.
func (s *Sink) Search(ctx context.Context, q Query) ([]Hit, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	groups := q.Groups
	if groups == nil {
		groups = []string{}
	}
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.source, d.semantic_id, d.title, d.link, ts_rank_cd(d.search, q) AS rank,
			ts_headline('english', left(d.content, 10000), q, 'MaxFragments=1, MaxWords=20, MinWords=8')
		FROM tributary_documents d, websearch_to_tsquery('english', $1) q
		WHERE d.search @@ q
			AND (NOT d.access_known OR d.access_public OR lower($2) = ANY(d.access_users) OR d.access_groups && $3::text[])
		ORDER BY rank DESC, d.id LIMIT $4`, q.Words, q.User, groups, limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		err := r.Scan(&h.ID, &h.Source, &h.SemanticID, &h.Title, &h.Link, &h.Rank, &h.Snippet)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}
