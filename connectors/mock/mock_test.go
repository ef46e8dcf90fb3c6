package mock_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/connectortest"
)

// fixture is nine sample documents (the fourth fails to load) and one
// without an update time, in pages of two, accepting the token "good".
func fixture() mock.Settings {
	s := mock.Sample(9)
	s.PageSize = 2
	s.AcceptToken = tributary.NewSecret("good")
	s.FailIDs = []string{mock.SampleID(4)}
	s.Documents = append(s.Documents, tributary.Document{
		ID:       "mock://docs/undated",
		Title:    "Undated",
		Sections: []tributary.Section{tributary.TextSection("mock://docs/undated", "No time known.")},
	})
	return s
}

func ids(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = mock.SampleID(n)
	}
	return out
}

func open(t testing.TB, s mock.Settings, token string) *mock.Connector {
	t.Helper()
	c, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret(token)}, tributary.Env{WantPermissions: true})
	require.NoError(t, err)
	return c
}

func TestConformance(t *testing.T) {
	s := fixture()
	connectortest.Run(t, connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, s, "good") },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, s, "bad") },
		WantIDs:        append(ids(1, 2, 3, 5, 6, 7, 8, 9), "mock://docs/undated"),
		WantFailureIDs: ids(4),
		Windows: []connectortest.Window{
			{Start: mock.SampleTime(2), End: mock.SampleTime(6), WantIDs: ids(2, 3, 5)},
			{Start: mock.SampleTime(8), WantIDs: ids(8, 9)},
			{End: mock.SampleTime(1), WantIDs: []string{"mock://docs/undated"}},
			{Start: mock.SampleTime(100), WantIDs: nil},
		},
		Requests: func(c tributary.Connector) int { return c.(*mock.Connector).Requests() },
		Events: []connectortest.Event{
			{Name: "changed", Event: tributary.Event{Type: tributary.EventChanged, Key: mock.SampleID(3)}, WantIDs: ids(3)},
			{Name: "removed", Event: tributary.Event{Type: tributary.EventRemoved, Key: mock.SampleID(2)}, WantDeletions: ids(2)},
			{Name: "changed but gone", Event: tributary.Event{Type: tributary.EventChanged, Key: "mock://docs/gone"}, WantDeletions: []string{"mock://docs/gone"}},
			{Name: "webhook", Event: tributary.Event{Type: tributary.EventWebhook, Name: "document.changed",
				Body: []byte(`{"type":"changed","id":"mock://docs/1"}`)}, WantIDs: ids(1)},
		},
	})
}

func TestConformanceUnpaged(t *testing.T) {
	s := mock.Sample(3)
	s.PageSize = 1000
	connectortest.Run(t, connectortest.Harness{
		New:      func(t testing.TB) tributary.Connector { return open(t, s, "") },
		WantIDs:  ids(1, 2, 3),
		Requests: func(c tributary.Connector) int { return c.(*mock.Connector).Requests() },
	})
}

func TestRegistry(t *testing.T) {
	reg, err := tributary.Lookup(mock.Source)
	require.NoError(t, err)
	assert.Equal(t, tributary.Capabilities{Load: true, Poll: true, Slim: true, Event: true, Checkpoint: true, Groups: true, Refetch: true, Probe: true, NormalizeURL: true}, reg.Capabilities)

	settings, err := json.Marshal(mock.Sample(2))
	require.NoError(t, err)
	c, err := tributary.New(mock.Source, tributary.Params{Settings: settings, Credentials: json.RawMessage(`{"token":"x"}`)})
	require.NoError(t, err)
	var got []string
	for d, err := range tributary.Load(t.Context(), c) {
		require.NoError(t, err)
		got = append(got, d.ID)
	}
	assert.Equal(t, ids(1, 2), got)

	var schema map[string]any
	require.NoError(t, json.Unmarshal(reg.CredentialsSchema(), &schema))
	assert.Contains(t, string(reg.CredentialsSchema()), `"x-secret":true`)
}

func TestSettingsProblems(t *testing.T) {
	_, err := tributary.New(mock.Source, tributary.Params{Settings: json.RawMessage(`{
		"documents": [{"id": "a", "parent_id": "nowhere"}, {"id": "a"}, {"id": "", "source": "slack"}],
		"nodes": [{"id": "n1", "parent_id": "n2"}, {"id": "n2", "parent_id": "n1"}],
		"fail_ids": ["missing"],
		"page_size": 0,
		"pagesize": 3
	}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	assert.Contains(t, fields, "settings.pagesize") // unknown field, reported before the rest

	_, err = mock.New(mock.Settings{
		Documents: []tributary.Document{{ID: "a", ParentID: "nowhere"}, {ID: "a"}, {ID: "", Source: tributary.SourceSlack}},
		Nodes:     []tributary.HierarchyNode{{ID: "n1", ParentID: "n2"}, {ID: "n2", ParentID: "n1"}},
		FailIDs:   []string{"missing"},
		PageSize:  -1,
	}, mock.Credentials{}, tributary.Env{})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	fields = nil
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	assert.ElementsMatch(t, []string{
		"settings.page_size", "settings.nodes", "settings.documents[0].parent_id", "settings.documents[1].id",
		"settings.documents[2].id", "settings.documents[2].source", "settings.fail_ids[0]",
	}, fields, "named as the registry names them")
}

func TestBadTokenIsNotLeaked(t *testing.T) {
	s := mock.Sample(1)
	s.AcceptToken = tributary.NewSecret("right-secret")
	c := open(t, s, "wrong-secret")
	err := c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "secret")
}

func TestFailAfterPagesResumes(t *testing.T) {
	s := mock.Sample(7)
	s.PageSize = 2
	s.FailAfterPages = 2
	c := open(t, s, "")
	var got []string
	var cp tributary.Checkpoint
	for range 10 {
		var last error
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cp) {
			if err != nil {
				last = err
				break
			}
			switch it.Kind() {
			case tributary.ItemDocument:
				got = append(got, it.Document.ID)
			case tributary.ItemCheckpoint:
				cp = it.Checkpoint
			}
		}
		if last == nil {
			break
		}
		require.ErrorIs(t, last, tributary.ErrTransient)
	}
	assert.Equal(t, ids(1, 2, 3, 4, 5, 6, 7), got)
}

func TestPutAndDeleteDuringRun(t *testing.T) {
	s := mock.Sample(4)
	s.PageSize = 2
	c := open(t, s, "")
	var got []string
	for d, err := range c.Load(t.Context()) {
		require.NoError(t, err)
		got = append(got, d.ID)
		if d.ID == mock.SampleID(2) {
			// An edit upstream mid-run moves document 1 to the end; a
			// deletion removes document 3 before its page is read.
			ev, err := c.Put(&tributary.Document{ID: mock.SampleID(1), Title: "Edited", UpdatedAt: mock.SampleTime(10)})
			require.NoError(t, err)
			assert.Equal(t, tributary.EventChanged, ev.Type)
			assert.Equal(t, tributary.EventRemoved, c.Delete(mock.SampleID(3)).Type)
		}
	}
	assert.Equal(t, ids(1, 2, 4, 1), got)

	_, err := c.Put(&tributary.Document{ID: "x", ParentID: "nowhere"})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestCheckpointOfAnotherWindow(t *testing.T) {
	c := open(t, mock.Sample(3), "")
	var cp tributary.Checkpoint
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Kind() == tributary.ItemCheckpoint {
			cp = it.Checkpoint
			break
		}
	}
	for _, err := range c.LoadFromCheckpoint(t.Context(), mock.SampleTime(2), time.Time{}, cp) {
		require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
		assert.Contains(t, err.Error(), "window")
	}
}

// TestSettingsFromJSON decodes the settings shown in the package
// documentation through the registry.
func TestSettingsFromJSON(t *testing.T) {
	c, err := tributary.New(mock.Source, tributary.Params{Settings: json.RawMessage(`{
	  "documents": [
	    {"id": "mock://docs/1", "title": "Welcome", "updated_at": "2024-01-01T02:00:00+02:00",
	     "parent_id": "mock://folders/root",
	     "sections": [{"kind": "text", "link": "mock://docs/1", "text": "Hello"}]}
	  ],
	  "nodes": [{"id": "mock://folders/root", "name": "Root", "kind": "folder"}],
	  "page_size": 2
	}`)})
	require.NoError(t, err)
	var items []tributary.Item
	for it, err := range tributary.Stream(t.Context(), c, time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		items = append(items, it)
	}
	require.Len(t, items, 4) // node, checkpoint, document, checkpoint
	assert.Equal(t, "Root", items[0].Node.Name)
	d := items[2].Document
	assert.Equal(t, "Welcome", d.SemanticID)
	assert.Equal(t, mock.Source, d.Source)
	assert.Equal(t, time.UTC, d.UpdatedAt.Location())
	assert.True(t, d.UpdatedAt.Equal(mock.SampleTime(1)))
}

func TestPermissionsOnlyWhenWanted(t *testing.T) {
	s := mock.Sample(1)
	s.Documents[0].ExternalAccess = &tributary.ExternalAccess{UserEmails: []string{"ana@example.com"}}
	for _, want := range []bool{false, true} {
		c, err := mock.New(s, mock.Credentials{}, tributary.Env{WantPermissions: want})
		require.NoError(t, err)
		for d, err := range c.Load(t.Context()) {
			require.NoError(t, err)
			assert.Equal(t, want, d.ExternalAccess != nil, "document, WantPermissions %v", want)
		}
		for sd, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			require.NoError(t, err)
			assert.Equal(t, want, sd.ExternalAccess != nil, "slim, WantPermissions %v", want)
		}
	}
}
