package confluence

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// Known failure: invented timestamps. A result without history keeps a
// zero creation time, and one without a version time is refused (it could
// not be placed in a window) rather than given the time of the run.
func TestTimesAreNeverInvented(t *testing.T) {
	c, err := New(Settings{BaseURL: cloudSite, IncludeComments: true}, Credentials{Email: testEmail, APIToken: tributary.NewSecret(testToken)}, tributary.Env{})
	require.NoError(t, err)
	var p apiContent
	require.NoError(t, json.Unmarshal([]byte(`{"id":"7","type":"page","title":"T","version":{"when":"2024-05-01T10:00:00.000+02:00","number":2},
		"_links":{"webui":"/spaces/ENG/pages/7/T"}}`), &p))
	require.NoError(t, checkContent(&p))
	d := c.toDocument("ENG", &p, nil)
	assert.True(t, d.CreatedAt.IsZero(), "no history, no creation time")
	assert.Equal(t, time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC), d.UpdatedAt)
	assert.Equal(t, cloudSite+"/spaces/ENG/pages/7/T", d.ID)
	assert.Empty(t, d.PrimaryOwners)

	var noVersion apiContent
	require.NoError(t, json.Unmarshal([]byte(`{"id":"8","title":"U","_links":{"webui":"/spaces/ENG/pages/8/U"}}`), &noVersion))
	assert.Error(t, checkContent(&noVersion))
}

// A search result that does not decode, or lacks its version, is a failure
// named by the id its document would have had; the rest of the page comes.
func TestMalformedResultsAreFailures(t *testing.T) {
	f := newFixture(t, gen3, confluenceemu.Options{})
	s := f.settings("S000")
	s.IncludeComments = false
	c := f.connector(t, s)
	r := newRun(c, t.Context(), time.Time{}, time.Time{}, nil)
	var items []tributary.Item
	r.Yielder = tributary.NewYielder(t.Context(), func(it tributary.Item, err error) bool {
		require.NoError(t, err)
		items = append(items, it)
		return true
	}, checkpointKind, checkpointVersion)
	sp := &apiSpace{Key: "S000"}
	l := &lister{run: r, sp: sp}
	raw := []json.RawMessage{
		json.RawMessage(`{"id":"1","title":"No version","_links":{"webui":"/spaces/S000/pages/1/No+version"}}`),
		json.RawMessage(`{"id":2,"title":"bad id type"}`),
		json.RawMessage(`{"id":"3","type":"page","title":"Fine","version":{"when":"2024-01-01T00:00:00.000Z","number":1},"_links":{"webui":"/spaces/S000/pages/3/Fine"}}`),
	}
	require.Equal(t, pageRead, l.page(raw))
	require.Len(t, items, 3)
	assert.Equal(t, cloudSite+"/spaces/S000/pages/1/No+version", items[0].Failure.DocumentID)
	assert.True(t, strings.HasPrefix(items[1].Failure.EntityID, "content:"))
	assert.Equal(t, cloudSite+"/spaces/S000/pages/3/Fine", items[2].Document.ID)
}

// Known failure: paging that stops after the first page while reporting
// success. With five results a page, every page of every space is read.
func TestEveryPageOfTheListingIsRead(t *testing.T) {
	for _, flavor := range []confluenceemu.Flavor{confluenceemu.Cloud, confluenceemu.DataCenter} {
		f := newFixture(t, gen3, confluenceemu.Options{Flavor: flavor})
		s := f.settings()
		s.PageSize, s.IncludeComments = 5, false
		got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(nil, time.Time{}, time.Time{}), got.IDs())
		assert.GreaterOrEqual(t, f.emu.Searches(), 3*60/5)
	}
}

func TestCloudRefusesPersonalAccessTokens(t *testing.T) {
	_, err := New(Settings{BaseURL: cloudSite, IncludeComments: true}, Credentials{PersonalAccessToken: tributary.NewSecret("pat")}, tributary.Env{})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Equal(t, "credentials.personal_access_token", tributary.ConfigProblems(err)[0].Field)
}

func FuzzStorageText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<ac:structured-macro><![CDATA[x", "<table><tr><td>1", "</p></p><p", "<ac:parameter>p</ac:parameter>t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := storageText(s)
		if strings.Contains(out, "\n\n\n") {
			t.Errorf("more than one blank line in %q", out)
		}
	})
}

// Any bytes as a search result give a document or a failure, never a
// panic.
func FuzzSearchResult(f *testing.F) {
	f.Add([]byte(`{"id":"3","type":"page","title":"Fine","version":{"when":"2024-01-01T00:00:00.000Z"},"_links":{"webui":"/x"},"ancestors":[{"id":"1"}],"body":{"storage":{"value":"<p>x"}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"_links":{"webui":""}}`))
	c, err := New(Settings{BaseURL: cloudSite, IncludeComments: false}, Credentials{Email: testEmail, APIToken: tributary.NewSecret(testToken)}, tributary.Env{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := newRun(c, t.Context(), time.Time{}, time.Time{}, nil)
		r.Yielder = tributary.NewYielder(t.Context(), func(it tributary.Item, err error) bool {
			if err != nil || it.Kind() == tributary.ItemInvalid {
				t.Fatalf("item %+v, error %v", it, err)
			}
			return true
		}, checkpointKind, checkpointVersion)
		l := &lister{run: r, sp: &apiSpace{Key: "K"}}
		if l.page([]json.RawMessage{b}) == pageStopped {
			t.Fatal("page stopped")
		}
	})
}

func TestNextLinks(t *testing.T) {
	c := &client{site: cloudSite, api: cloudSite + "/rest/api"}
	for next, want := range map[string]string{
		"/rest/api/content/search?cursor=a":                                   cloudSite + "/rest/api/content/search?cursor=a",
		"/wiki/rest/api/content/search?cursor=b":                              cloudSite + "/rest/api/content/search?cursor=b",
		"https://example.atlassian.net/wiki/rest/api/content/search?cursor=c": cloudSite + "/rest/api/content/search?cursor=c",
		"https://evil.example/wiki/rest/api/content/search":                   "",
		"/wiki/other/rest/api/x":                                              "",
		"//evil.example/rest/api/x":                                           "",
	} {
		got, err := c.link(next)
		if want == "" {
			assert.Error(t, err, next)
			continue
		}
		require.NoError(t, err, next)
		assert.Equal(t, want, got)
	}
}
