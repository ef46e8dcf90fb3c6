package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

// searches returns the offsets (after) of the searches the emulator got.
func searches(f *fixture) []string {
	var out []string
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/search") {
			after := ""
			if i := strings.Index(string(r.Body), `"after":"`); i >= 0 {
				after = strings.SplitN(string(r.Body[i+9:]), `"`, 2)[0]
			}
			out = append(out, after)
		}
	}
	return out
}

// The search API pages through at most 10,000 results per query (a 400
// past it). The connector asks again from the last modification time
// after each page, so no query goes past its first page, and an account
// larger than the cap is read whole. Here the cap is 5 and pages hold 2.
func TestSearchCapIsNeverReached(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, hubspotemu.GenerateOptions{Companies: 30, Seed: 4}, hubspotemu.Options{SearchCap: 5})
		s := f.settings()
		s.Objects, s.PageSize = []string{TypeCompanies}, 2
		got := collect(t.Context(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(s, time.Time{}, time.Time{}), ids(got.Documents))
		assert.Zero(t, f.emu.CountStatus(http.StatusBadRequest))
		for _, after := range searches(f) {
			assert.True(t, after == "" || after == "2", "a search asked from offset %q", after)
		}
	})
}

// More records than the cap share one millisecond: the search cannot
// page through them. That type is one failure, named by its node, and
// the other types are read.
func TestTieLongerThanTheCapFailsTheType(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, hubspotemu.GenerateOptions{Companies: 8, Contacts: 3, Seed: 4}, hubspotemu.Options{SearchCap: 4})
		tie := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
		f.emu.Update(func(d *hubspotemu.Data) {
			for _, o := range d.Objects[TypeCompanies] {
				o.UpdatedAt = tie
			}
		})
		s := f.settings()
		s.Objects, s.PageSize = []string{TypeCompanies, TypeContacts}, 2
		o := fast
		o.searchCap = 4
		got := collect(t.Context(), f.connector(t, s, o), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.Equal(t, testApp+"/objects/0-2/views/all/list", got.Failures[0].EntityID)
		assert.Zero(t, f.emu.CountStatus(http.StatusBadRequest), "the connector knows the cap")

		// An account whose cap is lower than the connector knows answers 400:
		// the same failure.
		f.emu.Requests()
		got = collect(t.Context(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.ErrorIs(t, got.Failures[0].Err, tributary.ErrNotSupported)
		assert.ErrorIs(t, got.Failures[0].Err, tributary.ErrNotSupported)
		want := f.expectedIDs(Settings{Objects: []string{TypeContacts}}, time.Time{}, time.Time{})
		for _, id := range ids(got.Documents) {
			if strings.Contains(id, "/0-1/") {
				assert.Contains(t, want, id)
			}
		}
		var contacts int
		for _, d := range got.Documents {
			if strings.Contains(d.ID, "/0-1/") {
				contacts++
			}
		}
		assert.Equal(t, len(want), contacts)
		assert.Len(t, got.Documents, 4+len(want), "the companies read before the cap are kept")
	})
}

// A record edited while its type is read moves to the end of the
// search: nothing unread shifts past the reader.
func TestEditDuringRunSkipsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, hubspotemu.GenerateOptions{Contacts: 20, Seed: 6}, hubspotemu.Options{})
		s := f.settings()
		s.Objects, s.PageSize = []string{TypeContacts}, 3
		c := f.connector(t, s, fast)
		seen := map[string]bool{}
		n := 0
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			if it.Document == nil {
				continue
			}
			seen[it.Document.ID] = true
			if n++; n%4 == 0 {
				f.emu.Update(func(d *hubspotemu.Data) {
					oldest := slices.MinFunc(d.Objects[TypeContacts], func(a, b *hubspotemu.Object) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
					d.Touch(oldest, time.Date(2030, 1, 1, 0, 0, 0, n*int(time.Millisecond), time.UTC), nil)
				})
			}
		}
		assert.Len(t, seen, 20)
	})
}

// HubSpot's 429s say which budget was spent only in their body, with no
// Retry-After: the searches' (SECONDLY) is waited out a second, the
// rolling ten-second one (TEN_SECONDLY_ROLLING) its interval. Every
// record arrives.
func TestRateLimitPoliciesAreWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, hubspotemu.Options{SearchPerSecond: 1, TenSecondly: 6})
		s := f.settings()
		s.PageSize = 3
		got := collect(t.Context(), f.connector(t, s, options{rate: 1000, search: 1000}), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(s, time.Time{}, time.Time{}), ids(got.Documents))
		var secondly, rolling int
		for _, r := range f.emu.Requests() {
			if r.Status == http.StatusTooManyRequests {
				if strings.HasSuffix(r.Path, "/search") {
					secondly++
				} else {
					rolling++
				}
			}
		}
		assert.Positive(t, secondly, "the searches' budget refused some")
		assert.Positive(t, rolling, "the ten-second budget refused some")
	})
}

// The daily budget spent: the run ends with ErrRateLimited saying when
// the account's day ends, after one refusal, instead of retrying for
// minutes.
func TestDailyLimitEndsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, hubspotemu.Options{Daily: 3})
		got := collect(t.Context(), f.connector(t, f.settings(), options{rate: 1000, search: 1000}), time.Time{}, time.Time{}, nil)
		require.ErrorIs(t, got.Err, tributary.ErrRateLimited)
		var te *tributary.Error
		require.True(t, errors.As(got.Err, &te))
		assert.Greater(t, te.RetryAfter, time.Minute, "the wait to the account's midnight")
		assert.Equal(t, 1, f.emu.CountStatus(http.StatusTooManyRequests))
	})
}

// A token without the tickets scope: Validate names it; a load reads
// the other types and reports the tickets as one failure; the slim
// listing, which pruning trusts, fails instead of leaving tickets out.
func TestMissingScopeFailsTheTypeOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, hubspotemu.Options{})
		f.emu.AddToken("pat-na1-notickets", hubspotemu.ScopeOf(TypeCompanies), hubspotemu.ScopeOf(TypeContacts),
			hubspotemu.ScopeOf(TypeDeals), hubspotemu.ScopeEmails, hubspotemu.ScopeOwners)
		s := f.settings()
		c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret("pat-na1-notickets")}, f.env(), fast)
		require.NoError(t, err)
		err = c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		assert.Contains(t, err.Error(), "tickets")

		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.Equal(t, testApp+"/objects/0-5/views/all/list", got.Failures[0].EntityID)
		three := f.settings()
		three.Objects = []string{TypeCompanies, TypeContacts, TypeDeals}
		assert.Equal(t, f.expectedIDs(three, time.Time{}, time.Time{}), ids(got.Documents))

		for _, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			if err != nil {
				assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
				return
			}
		}
		t.Fatal("the slim listing left the tickets out without an error")
	})
}

// Records archived in a poll's window are deletions; a full load yields
// none (pruning removes what a full load no longer finds).
func TestPollYieldsArchivedRecordsAsDeletions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, hubspotemu.Options{})
		s := f.settings()
		c := f.connector(t, s, fast)
		require.NoError(t, collect(t.Context(), c, time.Time{}, time.Time{}, nil).Err)
		at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		var gone *hubspotemu.Object
		f.emu.Update(func(d *hubspotemu.Data) {
			gone = d.Objects[TypeDeals][0]
			d.Archive(gone, at)
		})
		poll := collect(t.Context(), c, at.Add(-time.Hour), at.Add(time.Hour), nil)
		require.NoError(t, poll.Err)
		assert.Equal(t, []string{recordID(gone)}, poll.Deletions)
		full := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, full.Err)
		assert.Empty(t, full.Deletions)
		assert.NotContains(t, ids(full.Documents), recordID(gone))
	})
}

// A record's document: its name as title, its properties as the first
// section, then its notes (HTML to text) and e-mails newest first, its
// owner, the creation and modification times HubSpot gives, metadata.
func TestDocumentShape(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, hubspotemu.GenerateOptions{Deals: 1, Seed: 1}, hubspotemu.Options{})
		created := time.Date(2024, 2, 3, 4, 5, 6, 789_000_000, time.UTC)
		var deal *hubspotemu.Object
		f.emu.Update(func(d *hubspotemu.Data) {
			deal = d.Add(TypeDeals, created, map[string]string{"dealname": "Acme renewal", "amount": "12000",
				"dealstage": "closedwon", "pipeline": "default", "hubspot_owner_id": "502", "hs_next_step": "Sign"})
			for i, body := range []string{"<p>First <b>call</b>.</p>", "<p>Second call.</p>"} {
				n := d.Add(hubspotemu.Notes, created.Add(time.Duration(i+1)*time.Hour), map[string]string{"hs_note_body": body,
					"hubspot_owner_id": "503"})
				n.Properties["hs_timestamp"] = "2024-02-0" + fmt.Sprint(4+i) + "T10:00:00.000Z"
				d.Associate(deal, n)
			}
			e := d.Add(hubspotemu.Emails, created.Add(3*time.Hour), map[string]string{"hs_email_subject": "Contract", "hs_email_text": "Attached."})
			d.Associate(deal, e)
			d.Touch(deal, created.Add(4*time.Hour), nil)
		})
		s := f.settings()
		s.Objects = []string{TypeDeals}
		s.Properties = map[string][]string{TypeDeals: {"hs_next_step"}}
		got := collect(t.Context(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		var d *tributary.Document
		for _, doc := range got.Documents {
			if doc.ID == recordID(deal) {
				d = doc
			}
		}
		require.NotNil(t, d)
		assert.Equal(t, "Acme renewal", d.Title)
		assert.Equal(t, created, d.CreatedAt)
		assert.Equal(t, created.Add(4*time.Hour), d.UpdatedAt)
		assert.Equal(t, testApp+"/objects/0-3/views/all/list", d.ParentID)
		require.Len(t, d.Sections, 4)
		assert.Contains(t, d.Sections[0].Text, "Deal: Acme renewal")
		assert.Contains(t, d.Sections[0].Text, "Amount: 12000")
		assert.Contains(t, d.Sections[0].Text, "hs_next_step: Sign")
		assert.Equal(t, "Note (2024-02-05)", d.Sections[1].Heading)
		assert.Equal(t, "Second call.", d.Sections[1].Text)
		assert.Equal(t, "First call.", strings.Join(strings.Fields(d.Sections[2].Text), " "))
		assert.Equal(t, "Contract", d.Sections[3].Heading)
		require.Len(t, d.PrimaryOwners, 1)
		assert.Equal(t, f.data.Owner(502).Email, d.PrimaryOwners[0].Email)
		require.Len(t, d.SecondaryOwners, 1)
		assert.Equal(t, f.data.Owner(503).Email, d.SecondaryOwners[0].Email)
		assert.Equal(t, "closedwon", d.Metadata.Get("dealstage"))
		assert.Equal(t, "Sign", d.Metadata.Get("hs_next_step"))
		assert.Equal(t, "2", d.Metadata.Get(MetaNotes))
		assert.Equal(t, []string{GroupUsers}, d.ExternalAccess.GroupIDs)
	})
}

// A record with more notes than a document keeps holds the newest 50.
func TestEngagementsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, hubspotemu.GenerateOptions{Seed: 1}, hubspotemu.Options{})
		at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		f.emu.Update(func(d *hubspotemu.Data) {
			c := d.Add(TypeCompanies, at, map[string]string{"name": "Busy"})
			for i := range 60 {
				d.Associate(c, d.Add(hubspotemu.Notes, at, map[string]string{"hs_note_body": fmt.Sprintf("note %02d", i)}))
			}
		})
		s := f.settings()
		s.Objects = []string{TypeCompanies}
		got := collect(t.Context(), f.connector(t, s, fast), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 1)
		secs := got.Documents[0].Sections
		require.Len(t, secs, 1+maxEngagements)
		assert.Equal(t, "note 59", secs[1].Text)
		assert.Equal(t, "note 10", secs[len(secs)-1].Text)
	})
}
