package pgsink_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgsink"
)

func open(t testing.TB, u string) *pgsink.Sink {
	t.Helper()
	s, err := pgsink.Open(t.Context(), u)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func query[T any](t *testing.T, u, sql string, args ...any) []T {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), u)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), sql, args...)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	require.NoError(t, err)
	return out
}

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func doc(id, title, text string, access *tributary.ExternalAccess) *tributary.Document {
	return &tributary.Document{
		ID: id, Source: "file", SemanticID: id, Title: title, UpdatedAt: t0,
		Sections:       []tributary.Section{{Kind: tributary.SectionText, Link: "https://x/" + id, Text: text}},
		ExternalAccess: access,
	}
}

func TestWriteTables(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	d := doc("a", "Alpha", "first text", &tributary.ExternalAccess{UserEmails: []string{"Ann@Example.com"}, GroupIDs: []string{"eng"}})
	d.ParentID = "folder"
	d.Metadata = tributary.Metadata{"tag": {"x", "y"}}
	d.PrimaryOwners = []tributary.Person{{DisplayName: "Ann", Email: "ann@example.com"}}
	d.SecondaryOwners = []tributary.Person{{DisplayName: "Bob"}}
	d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionTable, Rows: [][]string{{"h1", "h2"}, {"c1", "c2"}}})
	require.NoError(t, s.Write(t.Context(), tributary.Batch{
		Nodes:     []*tributary.HierarchyNode{{ID: "folder", Name: "Folder", Kind: tributary.NodeFolder}},
		Documents: []*tributary.Document{d, doc("b", "Beta", "second", nil)},
	}))
	assert.Equal(t, []string{"a", "b"}, query[string](t, u, `SELECT id FROM tributary_documents ORDER BY id`))
	assert.Equal(t, []string{"ann@example.com"}, query[[]string](t, u, `SELECT access_users FROM tributary_documents WHERE id = 'a'`)[0])
	assert.Equal(t, []string{"eng"}, query[[]string](t, u, `SELECT access_groups FROM tributary_documents WHERE id = 'a'`)[0])
	assert.Equal(t, []string{"y"}, query[string](t, u, `SELECT metadata->'tag'->>1 FROM tributary_documents WHERE id = 'a'`))
	assert.Equal(t, []string{"folder"}, query[string](t, u, `SELECT parent_id FROM tributary_documents WHERE id = 'a'`))
	assert.Equal(t, []string{"Folder"}, query[string](t, u, `SELECT name FROM tributary_nodes`))
	assert.Equal(t, []string{"text", "table"}, query[string](t, u, `SELECT kind FROM tributary_sections WHERE document_id = 'a' ORDER BY position`))
	assert.Equal(t, []string{"primary:Ann", "secondary:Bob"}, query[string](t, u, `SELECT role || ':' || display_name FROM tributary_owners ORDER BY role`))
	assert.Equal(t, []bool{true}, query[bool](t, u, `SELECT search @@ to_tsquery('english', 'c2') FROM tributary_documents WHERE id = 'a'`))

	// An upsert replaces the sections and owners; a deletion removes all.
	d2 := doc("a", "Alpha 2", "replaced", nil)
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{d2}, Deletions: []string{"b"}}))
	assert.Equal(t, []string{"Alpha 2"}, query[string](t, u, `SELECT title FROM tributary_documents`))
	assert.Equal(t, []string{"replaced"}, query[string](t, u, `SELECT text FROM tributary_sections`))
	assert.Empty(t, query[string](t, u, `SELECT email FROM tributary_owners`))
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Deletions: []string{"a", "never-there"}}))
	assert.Empty(t, query[string](t, u, `SELECT document_id FROM tributary_sections`))
	assert.Empty(t, query[string](t, u, `SELECT id FROM tributary_documents`))
}

func TestSearch(t *testing.T) {
	s := open(t, pgtest.Schema(t))
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{
		doc("public", "Deploy guide", "how we deploy the service", &tributary.ExternalAccess{Public: true}),
		doc("ann", "Deploy secrets", "deploy keys and deploy tokens: deploy", &tributary.ExternalAccess{UserEmails: []string{"ann@example.com"}}),
		doc("eng", "Runbook", "restart then deploy", &tributary.ExternalAccess{GroupIDs: []string{"eng"}}),
		doc("open", "Notes", "nothing about deploying", nil),
		doc("other", "Lunch", "menu of the week", &tributary.ExternalAccess{Public: true}),
	}}))
	ids := func(q pgsink.Query) []string {
		q.Words = "deploy"
		hits, err := s.Search(t.Context(), q)
		require.NoError(t, err)
		var out []string
		for _, h := range hits {
			out = append(out, h.ID)
		}
		return out
	}
	assert.ElementsMatch(t, []string{"public", "open"}, ids(pgsink.Query{}))
	got := ids(pgsink.Query{User: "ANN@example.com"})
	assert.ElementsMatch(t, []string{"public", "open", "ann"}, got)
	assert.Equal(t, "ann", got[0], "the document that says deploy most ranks first")
	assert.ElementsMatch(t, []string{"public", "open", "eng"}, ids(pgsink.Query{User: "bob@example.com", Groups: []string{"eng"}}))
	assert.Len(t, ids(pgsink.Query{User: "ann@example.com", Groups: []string{"eng"}, Limit: 2}), 2)
	hits, err := s.Search(t.Context(), pgsink.Query{Words: `"menu of" -deploy`})
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, "other", hits[0].ID)
	assert.Contains(t, hits[0].Snippet, "menu")
}

func TestNewerSchemaRefused(t *testing.T) {
	u := pgtest.Schema(t)
	require.NoError(t, open(t, u).Close())
	pgtest.Exec(t, u, fmt.Sprintf(`UPDATE tributary_sink_schema SET version = %d`, pgsink.SchemaVersion+1))
	_, err := pgsink.Open(t.Context(), u)
	require.ErrorIs(t, err, pgsink.ErrNewerSchema)
}

// cutter is a TCP proxy to the server that, once armed, drops a
// connection as the client sends COMMIT, so the transaction never ends.
type cutter struct {
	ln    net.Listener
	armed atomic.Bool
	cuts  atomic.Int32
}

func newCutter(t *testing.T, target string) (*cutter, string) {
	u, err := url.Parse(target)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c := &cutter{ln: ln}
	host := u.Host
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", host)
			if err != nil {
				_ = client.Close()
				continue
			}
			wg.Go(func() { _, _ = io.Copy(client, server); _ = client.Close() })
			wg.Go(func() { c.forward(server, client) })
		}
	})
	u.Host = ln.Addr().String()
	return c, u.String()
}

func (c *cutter) forward(server, client net.Conn) {
	defer server.Close()
	defer client.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 && c.armed.Load() && bytes.Contains(bytes.ToLower(buf[:n]), []byte("commit\x00")) {
			c.cuts.Add(1)
			return
		}
		if n > 0 {
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestDroppedConnection: a connection lost as a batch commits leaves
// nothing of it, the batch unacknowledged and the runner's checkpoint
// unmoved; the next run delivers everything.
func TestDroppedConnection(t *testing.T) {
	u := pgtest.Schema(t)
	cut, proxied := newCutter(t, u)
	s := open(t, proxied)
	cut.armed.Store(true)
	err := s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{doc("a", "A", "text", nil)}})
	require.Error(t, err)
	assert.Empty(t, query[string](t, u, `SELECT id FROM tributary_documents`))

	settings := mock.Sample(6)
	settings.PageSize = 2
	c, err := mock.New(settings, mock.Credentials{}, tributary.Env{})
	require.NoError(t, err)
	store := &tributary.MemoryStore{}
	r := &tributary.Runner{Store: store, Sink: s, Instance: "mock", BatchDocs: 2}
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.Error(t, err, "a run whose batch never committed")
	assert.NotZero(t, cut.cuts.Load())
	st, err := store.State(t.Context(), "mock")
	require.NoError(t, err)
	assert.True(t, st.Checkpoint.IsZero(), "checkpoint %s stored past an unacknowledged batch", st.Checkpoint)
	assert.Empty(t, query[string](t, u, `SELECT id FROM tributary_documents`))

	cut.armed.Store(false)
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 6, res.Documents)
	assert.Len(t, query[string](t, u, `SELECT id FROM tributary_documents`), 6)
}

func TestPasswordNeverInErrorsOrLogs(t *testing.T) {
	const pw = "s3cret-Pa55word"
	base, err := url.Parse(pgtest.URL(t))
	require.NoError(t, err)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	wrong := *base
	wrong.User = url.UserPassword("nobody-here", pw)
	wrong.Path = "/no-such-database"
	for _, conn := range []string{
		wrong.String(),
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=nonsense",
		"postgres://u:" + pw + "@[::1/db",
		"host=127.0.0.1 port=1 user=u password=" + pw + " sslmode=disable connect_timeout=2",
	} {
		_, err := pgsink.Open(t.Context(), conn)
		require.Error(t, err, conn)
		log.Error("open failed", "err", err)
		assert.NotContains(t, err.Error(), pw)
		assert.False(t, strings.Contains(fmt.Sprintf("%+v", err), pw))
	}
	assert.NotContains(t, logs.String(), pw)
}

// TestTextPostgresCannotHold: PostgreSQL text holds no NUL and only UTF-8,
// and jsonb no \u0000; a document carrying them (a binary-ish file, a
// source's broken encoding) is written cleaned, never refused, or its batch
// would fail on every retry and stall the run.
func TestTextPostgresCannotHold(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	d := doc("nul\x00id", "Ti\x00tle \xff", "bro\x00ken \xfe\xfftext", &tributary.ExternalAccess{UserEmails: []string{"a\x00@x"}})
	d.Metadata = tributary.Metadata{"k\x00": {"v\x00\xff"}}
	d.PrimaryOwners = []tributary.Person{{DisplayName: "N\x00ame"}}
	d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionTable, Rows: [][]string{{"c\x00ell"}}})
	require.NoError(t, s.Write(t.Context(), tributary.Batch{
		Nodes:     []*tributary.HierarchyNode{{ID: "n\x00", Name: "Fol\x00der\xff", Kind: tributary.NodeFolder}},
		Documents: []*tributary.Document{d},
	}))
	assert.Equal(t, []string{"Title \uFFFD"}, query[string](t, u, `SELECT title FROM tributary_documents`))
	assert.Equal(t, []string{"broken \uFFFDtext"}, query[string](t, u, `SELECT text FROM tributary_sections WHERE position = 0`))
	assert.Equal(t, []string{"v\uFFFD"}, query[string](t, u, `SELECT metadata->'k'->>0 FROM tributary_documents`))
	assert.Equal(t, []string{"Name"}, query[string](t, u, `SELECT display_name FROM tributary_owners`))
	assert.Equal(t, []string{"Folder\uFFFD"}, query[string](t, u, `SELECT name FROM tributary_nodes`))

	// The cleaned id is the one a deletion of the original id removes.
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Deletions: []string{"nul\x00id"}}))
	assert.Empty(t, query[string](t, u, `SELECT id FROM tributary_documents`))
}

// TestWriteAccess: a permission sync changes the access columns of the
// documents it names and nothing else; searches follow at once.
func TestWriteAccess(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{
		doc("a", "Deploy A", "deploy", &tributary.ExternalAccess{UserEmails: []string{"ann@example.com"}}),
		doc("b", "Deploy B", "deploy", nil),
		doc("c", "Deploy C", "deploy", &tributary.ExternalAccess{Public: true}),
	}}))
	before := query[string](t, u, `SELECT id || title || content || written_at::text FROM tributary_documents ORDER BY id`)
	require.NoError(t, s.WriteAccess(t.Context(), []tributary.AccessChange{
		{ID: "a", Access: &tributary.ExternalAccess{UserEmails: []string{"Bob@Example.com"}, GroupIDs: []string{"eng"}}},
		{ID: "b", Access: &tributary.ExternalAccess{}},
		{ID: "c"}, // not determined: left alone
		{ID: "never-delivered", Access: &tributary.ExternalAccess{Public: true}},
	}))
	assert.Equal(t, before, query[string](t, u, `SELECT id || title || content || written_at::text FROM tributary_documents ORDER BY id`),
		"only access changes")
	assert.Equal(t, []string{"a", "b", "c"}, query[string](t, u, `SELECT id FROM tributary_documents ORDER BY id`))
	assert.Equal(t, []string{"bob@example.com"}, query[[]string](t, u, `SELECT access_users FROM tributary_documents WHERE id = 'a'`)[0])
	assert.Equal(t, []string{"eng"}, query[[]string](t, u, `SELECT access_groups FROM tributary_documents WHERE id = 'a'`)[0])
	assert.Equal(t, []bool{true, true, true}, query[bool](t, u, `SELECT access_known FROM tributary_documents ORDER BY id`))
	assert.Equal(t, []bool{false, false, true}, query[bool](t, u, `SELECT access_public FROM tributary_documents ORDER BY id`))

	found := func(q pgsink.Query) []string {
		q.Words = "deploy"
		hits, err := s.Search(t.Context(), q)
		require.NoError(t, err)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	assert.ElementsMatch(t, []string{"c"}, found(pgsink.Query{User: "ann@example.com"}), "b is nobody's now, a is Bob's")
	assert.ElementsMatch(t, []string{"a", "c"}, found(pgsink.Query{User: "bob@example.com"}))
	require.NoError(t, s.WriteAccess(t.Context(), nil))
}

// TestUndeterminedAccessKeepsTheKnownOne: a document written again without
// access (by a run that did not ask for permissions) keeps the access a
// permission sync wrote, rather than becoming everyone's.
func TestUndeterminedAccessKeepsTheKnownOne(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{doc("a", "Deploy", "deploy", nil)}}))
	require.NoError(t, s.WriteAccess(t.Context(), []tributary.AccessChange{{ID: "a", Access: &tributary.ExternalAccess{GroupIDs: []string{"eng"}}}}))
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{doc("a", "Deploy 2", "deploy again", nil)}}))
	assert.Equal(t, []string{"Deploy 2"}, query[string](t, u, `SELECT title FROM tributary_documents`))
	assert.Equal(t, []bool{true}, query[bool](t, u, `SELECT access_known FROM tributary_documents`))
	assert.Equal(t, []string{"eng"}, query[[]string](t, u, `SELECT access_groups FROM tributary_documents`)[0])
	hits, err := s.Search(t.Context(), pgsink.Query{Words: "deploy"})
	require.NoError(t, err)
	assert.Empty(t, hits, "not everyone's")

	// Access the connector determined replaces it, whatever it is.
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{doc("a", "Deploy 3", "deploy", &tributary.ExternalAccess{})}}))
	assert.Equal(t, [][]string{{}}, query[[]string](t, u, `SELECT access_groups FROM tributary_documents`))
	assert.Equal(t, []bool{true}, query[bool](t, u, `SELECT access_known FROM tributary_documents`))
}

// TestWriteAccessDroppedConnection: a connection lost as the changes
// commit leaves none of them, and the sync unacknowledged.
func TestWriteAccessDroppedConnection(t *testing.T) {
	u := pgtest.Schema(t)
	cut, proxied := newCutter(t, u)
	s := open(t, proxied)
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{
		doc("a", "A", "text", &tributary.ExternalAccess{Public: true}),
		doc("b", "B", "text", &tributary.ExternalAccess{Public: true}),
	}}))
	cut.armed.Store(true)
	err := s.WriteAccess(t.Context(), []tributary.AccessChange{
		{ID: "a", Access: &tributary.ExternalAccess{}}, {ID: "b", Access: &tributary.ExternalAccess{}},
	})
	require.Error(t, err)
	assert.NotZero(t, cut.cuts.Load())
	assert.Equal(t, []bool{true, true}, query[bool](t, u, `SELECT access_public FROM tributary_documents ORDER BY id`))
}

// TestSyncAccessIntoPostgres: a run with permissions, a change of sharing
// upstream, and a permission sync that rewrites just that document's
// access.
func TestSyncAccessIntoPostgres(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	c, err := mock.New(mock.Sample(5), mock.Credentials{}, tributary.Env{WantPermissions: true})
	require.NoError(t, err)
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: s, Instance: "mock"}
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	require.Zero(t, res.Changed)

	d := mock.Sample(5).Documents[1]
	d.ExternalAccess = &tributary.ExternalAccess{UserEmails: []string{"zoe@example.com"}}
	_, err = c.Put(&d)
	require.NoError(t, err)
	res, err = r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Changed)
	assert.Equal(t, []string{"zoe@example.com"}, query[[]string](t, u, `SELECT access_users FROM tributary_documents WHERE id = $1`, d.ID)[0])
	assert.Equal(t, []bool{false}, query[bool](t, u, `SELECT access_public FROM tributary_documents WHERE id = $1`, d.ID))
}
