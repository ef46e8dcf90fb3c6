package blob

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

// items collects a whole checkpoint stream, failing the test on an error.
func items(t *testing.T, seq func(func(tributary.Item, error) bool)) []tributary.Item {
	t.Helper()
	var out []tributary.Item
	for it, err := range seq {
		require.NoError(t, err)
		out = append(out, it)
	}
	return out
}

func docIDs(its []tributary.Item) []string {
	var ids []string
	for _, it := range its {
		if it.Document != nil {
			ids = append(ids, it.Document.ID)
		}
	}
	return ids
}

var treeObjects = []object{
	{key: "a.txt", body: "top"},
	{key: "guide/intro.md", body: "# Intro"},
	{key: "guide/setup/install.txt", body: "install it"},
	{key: "guide/setup/run.txt", body: "run it"},
	{key: "guide/z.txt", body: "last of guide"},
	{key: "notes/n.txt", body: "a note"},
}

func TestFoldersComeBeforeTheirDocumentsParentsFirst(t *testing.T) {
	f := newFixture(t, treeObjects)
	c := f.connector(t, f.settings())
	its := items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	var order []string
	seen := map[string]bool{}
	for _, it := range its {
		switch {
		case it.Node != nil:
			require.False(t, seen[it.Node.ID], "node %s sent twice", it.Node.ID)
			if it.Node.ParentID != "" {
				require.True(t, seen[it.Node.ParentID], "node %s before its parent %s", it.Node.ID, it.Node.ParentID)
			}
			seen[it.Node.ID] = true
			order = append(order, it.Node.ID+" ("+it.Node.Name+")")
		case it.Document != nil:
			require.True(t, seen[it.Document.ParentID], "document %s before its folder %s", it.Document.ID, it.Document.ParentID)
			order = append(order, it.Document.ID)
		}
	}
	require.Equal(t, []string{
		id("") + " (docs)", id("a.txt"),
		id("guide/") + " (guide)", id("guide/intro.md"),
		id("guide/setup/") + " (setup)", id("guide/setup/install.txt"), id("guide/setup/run.txt"),
		id("guide/z.txt"),
		id("notes/") + " (notes)", id("notes/n.txt"),
	}, order)
}

func TestDocumentsCarryTextTimesAndLinks(t *testing.T) {
	at := baseTime.Add(42 * time.Minute)
	f := newFixture(t, []object{{key: "guide/setup/install notes.md", body: "# Install\n\nRun the installer.", modified: at}})
	c := f.connector(t, f.settings())
	var d *tributary.Document
	for doc, err := range c.Load(t.Context()) {
		require.NoError(t, err)
		d = doc
	}
	require.NotNil(t, d)
	require.Equal(t, id("guide/setup/install notes.md"), d.ID)
	require.Equal(t, tributary.SourceS3, d.Source)
	require.Equal(t, "docs/guide/setup/install notes.md", d.SemanticID)
	require.Equal(t, at, d.UpdatedAt)
	require.Equal(t, id("guide/setup/"), d.ParentID)
	require.Equal(t, "markdown", d.Metadata.Get("file_type"))
	require.Contains(t, d.Sections[0].Text, "Run the installer.")
	require.Equal(t, "https://s3.emulator.test/docs/guide/setup/install%20notes.md", d.Sections[0].Link)
}

// A checkpoint from the middle of a page resumes after its key, and one
// from a page boundary from its token: either way every document comes
// exactly once over the interrupted and the resumed run.
func TestResumingFromAnyCheckpointYieldsTheRestOnce(t *testing.T) {
	var objs []object
	for i := range 40 {
		objs = append(objs, object{key: "k/" + itoa(100+i) + ".txt", body: "object " + itoa(i)})
	}
	f := newFixture(t, objs)
	s := f.settings()
	s.PageSize = 7
	c := f.connector(t, s)
	full := items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	all := docIDs(full)
	require.Len(t, all, 40)
	cps := 0
	for i, it := range full {
		if it.Checkpoint == nil {
			continue
		}
		cps++
		before := docIDs(full[:i])
		rest := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, it.Checkpoint)))
		require.Equal(t, all, append(before, rest...), "resumed from checkpoint %d: %s", cps, it.Checkpoint)
	}
	require.Greater(t, cps, 5)
}

// A continuation token the service refuses (expired, or from another
// listing) falls back to listing after the checkpoint's key.
func TestRefusedTokenFallsBackToTheKey(t *testing.T) {
	f := newFixture(t, treeObjects)
	c := f.connector(t, f.settings())
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{After: "guide/setup/run.txt", Token: "not~a~token"})
	require.NoError(t, err)
	got := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp)))
	require.Equal(t, []string{id("guide/z.txt"), id("notes/n.txt")}, got)
}

func TestForeignCheckpointIsRefused(t *testing.T) {
	f := newFixture(t, treeObjects)
	c := f.connector(t, f.settings())
	for _, cp := range []tributary.Checkpoint{
		tributary.Checkpoint(`{"kind":"file","version":1,"state":{"root":"x"}}`),
		tributary.Checkpoint(`not json`),
		tributary.Checkpoint(`{"kind":"blob","version":1,"state":{"token":"t"}}`),
	} {
		for _, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp) {
			require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint, "checkpoint %s", cp)
		}
	}
}

// Prefixes are read in order, those inside another once, and a resume
// skips the prefixes wholly before its key.
func TestPrefixesAreDisjointAndResumable(t *testing.T) {
	f := newFixture(t, treeObjects)
	s := f.settings()
	s.Prefixes = []string{"notes/", "guide/setup/", "guide/"}
	c := f.connector(t, s)
	require.Equal(t, []string{"guide/", "notes/"}, c.prefixes)
	got := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil)))
	require.Equal(t, []string{id("guide/intro.md"), id("guide/setup/install.txt"), id("guide/setup/run.txt"), id("guide/z.txt"), id("notes/n.txt")}, got)
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, position{After: "guide/z.txt"})
	require.NoError(t, err)
	f.emu.ResetLog()
	got = docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp)))
	require.Equal(t, []string{id("notes/n.txt")}, got)
}

func TestIncludeAndExcludeGlobsMatchWholeKeys(t *testing.T) {
	f := newFixture(t, treeObjects)
	s := f.settings()
	s.Include = []string{"guide/**/*.txt", "*.txt"}
	s.Exclude = []string{"**/run.txt"}
	c := f.connector(t, s)
	got := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil)))
	require.Equal(t, []string{id("a.txt"), id("guide/setup/install.txt"), id("guide/z.txt")}, got)
}

func TestIDsEscapeWhatURLsReserve(t *testing.T) {
	f := newFixture(t, []object{{key: "odd/100% sure #1?.txt", body: "odd"}})
	c := f.connector(t, f.settings())
	got := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil)))
	require.Equal(t, []string{"s3://docs/odd/100%25 sure %231%3F.txt"}, got)
}

// A body cut short (a listing's XML, an object's bytes), which the HTTP
// stack cannot see as a failure, is fetched again.
func TestBrokenBodiesAreFetchedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		f.emu.FailNext("/docs", 2, emulator.TruncatedBody)
		f.emu.FailNext("/docs/guide/intro.md", 2, emulator.TruncatedBody)
		c := f.connector(t, f.settings())
		var text string
		for d, err := range c.Load(t.Context()) {
			require.NoError(t, err)
			if d.ID == id("guide/intro.md") {
				text = d.Sections[0].Text
			}
		}
		require.Equal(t, "Intro", strings.TrimSpace(strings.TrimPrefix(text, "#")))
		require.Equal(t, 4, f.emu.Faults())
	})
}

// 503 SlowDown and resets are the HTTP stack's to retry; the SDK's own
// retryer is off, so a request is sent no more often than the stack's
// policy allows.
func TestSlowDownIsRetriedByTheStackAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		f.emu.FailNext("/docs", 100, s3emu.SlowDown)
		c := f.connector(t, f.settings())
		err := c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrTransient)
		require.Equal(t, 5, f.emu.Count("/docs"), "httpx's five attempts, no more")
	})
}

func TestRejectedKeysAreCredentialErrorsWithoutSecrets(t *testing.T) {
	f := newFixture(t, treeObjects)
	cr := testCredentials()
	cr.AccessKeyID = "AKIAWRONG"
	c, err := New(f.settings(), cr, f.env())
	require.NoError(t, err)
	err = c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	require.NotContains(t, err.Error(), s3emu.SecretAccessKey)
	for _, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	}
}

func TestMissingBucketIsNotFound(t *testing.T) {
	f := newFixture(t, nil)
	s := f.settings()
	s.Bucket = "nowhere"
	require.ErrorIs(t, f.connector(t, s).Validate(t.Context()), tributary.ErrNotFound)
}

// An endpoint on a loopback address is refused unless the host allows
// private networks: the SDK's requests pass the project's address guard.
func TestPrivateEndpointNeedsPermission(t *testing.T) {
	f := newFixture(t, treeObjects)
	base := f.emu.Start()
	s := f.settings()
	s.Endpoint = base
	c, err := New(s, testCredentials(), tributary.Env{})
	require.NoError(t, err)
	require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrInvalidConfig)
	require.Zero(t, len(f.emu.Requests()))
	c, err = New(s, testCredentials(), tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
}

// Every request the SDK sends is counted by the run's Meter.
func TestRequestsAreMetered(t *testing.T) {
	f := newFixture(t, treeObjects)
	c := f.connector(t, f.settings())
	m := &countingMeter{}
	ctx := tributary.WithMeter(t.Context(), m)
	for _, err := range c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
	}
	require.Equal(t, int64(len(f.emu.Requests())), m.requests.Load())
	require.Equal(t, int64(1+len(treeObjects)), m.requests.Load())
}

func TestSettingsProblemsAreNamed(t *testing.T) {
	cases := []struct {
		name   string
		source tributary.DocumentSource
		s      Settings
		c      Credentials
		fields []string
	}{
		{"nothing", tributary.SourceS3, Settings{}, Credentials{}, []string{"settings.bucket", "credentials.access_key_id", "credentials.secret_access_key"}},
		{"bad bucket and globs", tributary.SourceS3, Settings{Bucket: "Bad_Bucket!", Include: []string{"[a"}, Exclude: []string{"{x"}}, testCredentials(),
			[]string{"settings.bucket", "settings.include[0]", "settings.exclude[0]"}},
		{"bad endpoint", tributary.SourceS3, Settings{Bucket: "docs", Endpoint: "ftp://x", LinkBase: "https://u:p@x"}, testCredentials(),
			[]string{"settings.endpoint", "settings.link_base"}},
		{"limits", tributary.SourceS3, Settings{Bucket: "docs", MaxObjectSize: -1, PageSize: 5000, Prefixes: []string{""}}, testCredentials(),
			[]string{"settings.max_object_size", "settings.page_size", "settings.prefixes[0]"}},
		{"r2 without account", tributary.SourceR2, Settings{Bucket: "docs"}, testCredentials(), []string{"settings.account_id"}},
		{"oci without namespace", tributary.SourceOCIStorage, Settings{Bucket: "docs"}, testCredentials(), []string{"settings.namespace", "settings.region"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFor(tc.source, tc.s, tc.c, tributary.Env{})
			require.ErrorIs(t, err, tributary.ErrInvalidConfig)
			var fields []string
			for _, p := range tributary.ConfigProblems(err) {
				fields = append(fields, p.Field)
			}
			slices.Sort(fields)
			slices.Sort(tc.fields)
			require.Equal(t, tc.fields, fields)
		})
	}
	_, err := NewFor(tributary.SourceFile, Settings{Bucket: "docs"}, testCredentials(), tributary.Env{})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestProviderPresets(t *testing.T) {
	cases := []struct {
		source           tributary.DocumentSource
		s                Settings
		endpoint, region string
		idPrefix         string
	}{
		{tributary.SourceS3, Settings{Bucket: "docs"}, "", "us-east-1", "s3://docs/"},
		{tributary.SourceR2, Settings{Bucket: "docs", AccountID: "0123abcd"}, "https://0123abcd.r2.cloudflarestorage.com", "auto", "r2://docs/"},
		{tributary.SourceGoogleCloudStorage, Settings{Bucket: "docs"}, "https://storage.googleapis.com", "auto", "gs://docs/"},
		{tributary.SourceOCIStorage, Settings{Bucket: "docs", Namespace: "tenant", Region: "us-ashburn-1"},
			"https://tenant.compat.objectstorage.us-ashburn-1.oraclecloud.com", "us-ashburn-1", "oci://docs/"},
	}
	for _, tc := range cases {
		c, err := NewFor(tc.source, tc.s, testCredentials(), tributary.Env{})
		require.NoError(t, err)
		require.Equal(t, tc.source, c.Source())
		require.Equal(t, tc.endpoint, c.s.Endpoint)
		require.Equal(t, tc.region, c.s.Region)
		require.Equal(t, tc.source != tributary.SourceS3, c.s.PathStyle)
		require.Equal(t, tc.idPrefix+"a%23b", c.docID("a#b"))
	}
	c, err := New(Settings{Bucket: "docs", Region: "eu-west-1"}, testCredentials(), tributary.Env{})
	require.NoError(t, err)
	require.Equal(t, "https://docs.s3.eu-west-1.amazonaws.com/a/b%20c.txt", c.link("a/b c.txt"))
}

func TestRegisteredForEverySource(t *testing.T) {
	for _, src := range Sources {
		r, err := tributary.Lookup(src)
		require.NoError(t, err)
		require.True(t, r.Capabilities.Checkpoint && r.Capabilities.Slim)
	}
}

// countingMeter counts requests.
type countingMeter struct{ requests atomic.Int64 }

func (m *countingMeter) Request()                    { m.requests.Add(1) }
func (m *countingMeter) RateLimitWait(time.Duration) {}

// Objects are read many at a time, yet their documents come in key order
// however long each read takes.
func TestConcurrentReadsKeepKeyOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, treeObjects)
		f.emu.FailNext("/docs/a.txt", 1, emulator.Slow(3*time.Second))
		f.emu.FailNext("/docs/guide/intro.md", 1, emulator.Slow(2*time.Second))
		s := f.settings()
		s.Concurrency = 4
		c := f.connector(t, s)
		began := time.Now()
		got := docIDs(items(t, c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil)))
		var want []string
		for _, o := range treeObjects {
			want = append(want, id(o.key))
		}
		require.Equal(t, want, got)
		require.Less(t, time.Since(began), 4*time.Second, "the slow reads overlapped")
	})
}

// An object replaced by a longer one between the listing and its read is
// read whole, as it now is.
func TestObjectChangedSinceListedIsReadAsItIs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, []object{{key: "a.txt", body: "short"}})
		f.emu.FailNext("/docs/a.txt", 1, emulator.Slow(time.Second))
		c := f.connector(t, f.settings())
		go func() {
			time.Sleep(500 * time.Millisecond)
			f.emu.Put(testBucket, "a.txt", []byte("a much longer body than before"), baseTime.Add(time.Minute))
		}()
		var text string
		for d, err := range c.Load(t.Context()) {
			require.NoError(t, err)
			text = d.Sections[0].Text
		}
		require.Equal(t, "a much longer body than before", text)
	})
}
