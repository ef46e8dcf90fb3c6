package salesforce

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// A record whose SystemModstamp cannot be read does not move the
// position, so the query asked again after an expired locator meets it
// again: it is still answered once, in slim listings and in loads.
func TestUnstampedRecordOnceAcrossExpiredLocator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Opportunities: 8, Seed: 4}, salesforceemu.Options{BatchSize: 3})
		broken := f.data.Objects[salesforceemu.Opportunity].Records[2]
		broken.Broken = true
		s := f.settings()
		s.Objects, s.Knowledge = []string{ObjectOpportunity}, false
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		brokenID := docID(salesforceemu.Opportunity, broken)

		seen := map[string]int{}
		for d, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			require.NoError(t, err)
			if seen[d.ID]++; d.ID == brokenID {
				f.emu.ExpireLocators()
			}
		}
		require.Len(t, seen, 8)
		for id, n := range seen {
			require.Equal(t, 1, n, "slim id %s", id)
		}

		seen = map[string]int{}
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			switch {
			case it.Document != nil:
				seen[it.Document.ID]++
			case it.Failure != nil:
				seen[it.Failure.DocumentID]++
				require.Equal(t, brokenID, it.Failure.DocumentID)
				f.emu.ExpireLocators()
			}
		}
		require.Len(t, seen, 8)
		for id, n := range seen {
			require.Equal(t, 1, n, "id %s", id)
		}
	})
}

// queries returns the SOQL of the queries (not the nextRecordsUrl pages)
// the emulator got, in order.
func queries(f *fixture) []string {
	var out []string
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/query") || strings.HasSuffix(r.Path, "/queryAll") {
			v, _ := url.ParseQuery(r.Query)
			out = append(out, v.Get("q"))
		}
	}
	return out
}

// onlyObject is the fixture's settings reading one object.
func (f *fixture) onlyObject(object string) Settings {
	s := f.settings()
	s.Objects, s.Knowledge = []string{object}, false
	return s
}

// Locators expire (15 minutes unused, or an eleventh cursor): each time
// one does mid-listing, the query is asked again from the last record
// read, with the position filter, not from the start; with every record
// of the object sharing one SystemModstamp, only the Id tells the
// position, and still no record is lost or read twice.
func TestExpiredLocatorResumesFromPosition(t *testing.T) {
	for _, tied := range []int{0, 1} {
		t.Run(fmt.Sprintf("tied=%d", tied), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, salesforceemu.GenerateOptions{Cases: 14, Tied: tied, Seed: 9}, salesforceemu.Options{BatchSize: 3})
				c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
				require.NoError(t, err)
				seen := map[string]int{}
				n := 0
				for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
					require.NoError(t, err)
					if it.Document == nil {
						continue
					}
					seen[it.Document.ID]++
					if n++; n%4 == 0 {
						f.emu.ExpireLocators()
					}
				}
				assert.Len(t, seen, 14)
				for id, k := range seen {
					assert.Equal(t, 1, k, "case %s", id)
				}
				qs := slices.DeleteFunc(queries(f), func(q string) bool { return !strings.Contains(q, "FROM Case") || strings.Contains(q, "LIMIT") })
				require.Len(t, qs, 4, "the first query and one per expired locator (after the 4th, 8th and 12th records)")
				assert.NotContains(t, qs[0], "Id >")
				for _, q := range qs[1:] {
					assert.Contains(t, q, "(SystemModstamp > ", "asked again from the position")
					assert.Contains(t, q, "AND Id > '")
				}
				assert.Positive(t, f.emu.CountStatus(http.StatusBadRequest), "the locators were refused")
			})
		})
	}
}

// A locator refused on every page still reads the object whole, each
// batch from a query asked again from the position; but locators refused
// while no batch moves the position (an answer of empty batches that are
// not done) end the listing after a few tries rather than asking forever.
func TestLocatorsRefusedAgainAndAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		refused := `[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]`
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 9, Seed: 9}, salesforceemu.Options{BatchSize: 3})
		f.emu.AnswerNext("/services/data/v61.0/query/", 100, http.StatusBadRequest, refused)
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		assert.Len(t, got.Documents, 9)
		assert.Len(t, queries(f), 1+3, "the organization, then a query per batch")

		f = newFixture(t, salesforceemu.GenerateOptions{Cases: 9, Seed: 9}, salesforceemu.Options{BatchSize: 3})
		c, err = New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		require.NoError(t, c.Validate(t.Context()))
		f.emu.AnswerNext("/services/data/v61.0/query/", 100, http.StatusBadRequest, refused)
		f.emu.AnswerNext("/services/data/v61.0/query", 100, http.StatusOK,
			`{"totalSize":9,"done":false,"records":[],"nextRecordsUrl":"/services/data/v61.0/query/01g5g0000000001AAA-3"}`)
		got = connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.Error(t, got.Err)
		assert.Contains(t, got.Err.Error(), "INVALID_QUERY_LOCATOR")
		assert.Equal(t, 1+maxExpired, f.emu.CountStatus(http.StatusBadRequest)-0, "refused locators")
	})
}

// Records tied on SystemModstamp (here all of them) straddle every batch
// and every checkpoint: a listing resumed from any checkpoint reads each
// record after it once, and none before it again.
func TestTiesAcrossBatchesAndCheckpoints(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Opportunities: 11, Tied: 1, Seed: 3}, salesforceemu.Options{BatchSize: 3})
		recs := f.data.Objects[salesforceemu.Opportunity].Records
		require.Equal(t, recs[0].Modstamp(), recs[10].Modstamp(), "one SystemModstamp")
		c, err := New(f.onlyObject(ObjectOpportunity), creds(0), f.env())
		require.NoError(t, err)
		var order []string // document ids, then "cp" at each checkpoint
		var cps []tributary.Checkpoint
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			switch {
			case it.Document != nil:
				order = append(order, it.Document.ID)
			case !it.Checkpoint.IsZero():
				order = append(order, "cp")
				cps = append(cps, it.Checkpoint)
			}
		}
		all := slices.DeleteFunc(slices.Clone(order), func(s string) bool { return s == "cp" })
		require.Len(t, all, 11)
		require.Len(t, slices.Compact(slices.Sorted(slices.Values(all))), 11)
		require.GreaterOrEqual(t, len(cps), 4, "a checkpoint after each batch")
		before := 0
		k := 0
		for _, s := range order {
			if s != "cp" {
				before++
				continue
			}
			got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, cps[k]))
			require.NoError(t, got.Err)
			ids := []string{}
			for _, d := range got.Documents {
				ids = append(ids, d.ID)
			}
			assert.Equal(t, all[before:], ids, "resumed from checkpoint %d", k)
			k++
		}
	})
}

// Sforce-Limit-Info tells the org's API use of the last 24 hours; with
// less than a tenth of the daily limit left the client spreads the rest
// over an hour, so a run that would send its requests at ten a second
// sends them minutes apart (in the bubble's fake time). With room left
// it keeps its own pace.
func TestLimitInfoNearTheLimitSlowsTheClient(t *testing.T) {
	gaps := func(t *testing.T, used int) []time.Duration {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 9, Seed: 9}, salesforceemu.Options{BatchSize: 3, DailyLimit: 1000})
		f.emu.SetUsed(used)
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 9)
		var out []time.Duration
		var last time.Time
		for _, r := range f.emu.Requests() {
			if !strings.HasPrefix(r.Path, "/services/data/") {
				continue
			}
			if !last.IsZero() {
				out = append(out, r.At.Sub(last))
			}
			last = r.At
		}
		require.GreaterOrEqual(t, len(out), 4)
		return out
	}
	synctest.Test(t, func(t *testing.T) {
		for _, g := range gaps(t, 0) {
			assert.Less(t, g, 2*time.Second, "room left: the client's own pace")
		}
		// 950 of 1,000 used: 50 requests for the hour left, one each 72 s.
		for i, g := range gaps(t, 950) {
			if i > 0 { // the first answer is the one that tells
				assert.GreaterOrEqual(t, g, 60*time.Second, "request %d came %v after the one before", i+1, g)
			}
		}
	})
}

// The daily limit spent, Salesforce answers 403 REQUEST_LIMIT_EXCEEDED
// until the rolling 24 hours free some: the run stops at once with
// ErrRateLimited (not a permission error, and no retries through the
// hour), keeping the checkpoints read before.
func TestDailyLimitStopsWithRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 9, Seed: 9}, salesforceemu.Options{BatchSize: 3, DailyLimit: 4})
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		// organization, describe, query, a page: the second page is refused.
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.ErrorIs(t, got.Err, tributary.ErrRateLimited)
		assert.NotErrorIs(t, got.Err, tributary.ErrInsufficientPermissions)
		assert.Len(t, got.Documents, 6)
		assert.NotEmpty(t, got.Checkpoints)
		assert.Equal(t, 1, f.emu.CountStatus(http.StatusForbidden), "no retry against a spent limit")

		err = c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrRateLimited)
	})
}

// A session that expires (401 INVALID_SESSION_ID) is renewed once and the
// request sent again, so the run reads everything; a fresh session
// refused too is ErrCredentialExpired, after one renewal only.
func TestInvalidSessionRenewsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 9, Seed: 9}, salesforceemu.Options{BatchSize: 3})
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		n := 0
		for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			require.NoError(t, err)
			if it.Document != nil {
				if n++; n == 4 {
					f.emu.ExpireSessions()
				}
			}
		}
		assert.Equal(t, 9, n)
		assert.Equal(t, 2, f.emu.Count("POST /services/oauth2/token"), "signed in, then renewed once")
		assert.Equal(t, 1, f.emu.CountStatus(http.StatusUnauthorized))

		f.emu.ExpireSessions()
		invalid := `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
		f.emu.AnswerNext("/services/data/", 5, http.StatusUnauthorized, invalid)
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.ErrorIs(t, got.Err, tributary.ErrCredentialExpired)
		assert.Equal(t, 3, f.emu.Count("POST /services/oauth2/token"), "signed in again once")
		assert.Equal(t, 3, f.emu.CountStatus(http.StatusUnauthorized), "the expired session, then the renewed one refused")
	})
}

// A field settings.fields names that the object lacks is ErrInvalidConfig
// naming settings.fields and the field, from Validate and from a load;
// so is a field the describe listed but the query refuses (field-level
// security changed since).
func TestInvalidFieldIsInvalidConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 3, Seed: 9}, salesforceemu.Options{})
		s := f.onlyObject(ObjectCase)
		s.Fields = map[string][]string{ObjectCase: {"Priority", "Reason__c"}}
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		err = c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.ErrorContains(t, err, "settings.fields")
		assert.ErrorContains(t, err, "Reason__c")
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.ErrorIs(t, got.Err, tributary.ErrInvalidConfig)
		assert.ErrorContains(t, got.Err, "Reason__c")

		s.Fields = map[string][]string{ObjectCase: {"Priority"}}
		c, err = New(s, creds(0), f.env())
		require.NoError(t, err)
		require.NoError(t, c.Validate(t.Context()))
		f.emu.Update(func(d *salesforceemu.Data) {
			ob := d.Objects[salesforceemu.Case]
			ob.Fields = slices.DeleteFunc(ob.Fields, func(fd salesforceemu.Field) bool { return fd.Name == "Priority" })
		})
		got = connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.ErrorIs(t, got.Err, tributary.ErrInvalidConfig)
		assert.ErrorContains(t, got.Err, "settings.fields")
		assert.ErrorContains(t, got.Err, "Priority")
	})
}

// INSUFFICIENT_ACCESS (and its _OR_READONLY and _ON_CROSS_REFERENCE_ENTITY
// forms) is ErrInsufficientPermissions: from Validate, and in a load a
// failure of the object's node while the other objects are read.
func TestInsufficientAccessIsInsufficientPermissions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 3, Accounts: 2, Seed: 9}, salesforceemu.Options{})
		s := f.settings()
		s.Objects, s.Knowledge = []string{ObjectCase, ObjectAccount}, false
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		denied := `[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]`
		f.emu.AnswerNext("/services/data/v61.0/sobjects/Case/", 1, http.StatusForbidden, denied)
		err = c.Validate(t.Context())
		require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		assert.ErrorContains(t, err, "INSUFFICIENT_ACCESS")

		c, err = New(s, creds(0), f.env())
		require.NoError(t, err)
		f.emu.AnswerNext("/services/data/v61.0/query", 2, http.StatusForbidden, strings.Replace(denied, "_OR_READONLY", "", 1))
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.ErrorIs(t, got.Failures[0], tributary.ErrInsufficientPermissions)
		assert.Equal(t, testInstance+"/lightning/o/Case/list", got.Failures[0].EntityID)
		assert.Len(t, got.Documents, 2, "the accounts are read")
	})
}

// Malformed answers never panic: a body that is not JSON, or JSON of
// another shape, is ErrMalformedResponse once the stack's attempts are
// spent; a record without an Id, a batch not done without a
// nextRecordsUrl, or a nextRecordsUrl off the API end the listing with
// ErrMalformedResponse; a record whose SystemModstamp is not a datetime
// is a Failure under its id.
func TestMalformedAnswers(t *testing.T) {
	const query = "/services/data/v61.0/query"
	for name, body := range map[string]string{
		"not JSON":         `<html>Service down</html>`,
		"records a string": `{"totalSize":1,"done":true,"records":"x"}`,
		"record a number":  `{"totalSize":1,"done":true,"records":[7]}`,
		"no Id":            `{"totalSize":1,"done":true,"records":[{"Name":"x"}]}`,
		"no next":          `{"totalSize":9,"done":false,"records":[]}`,
		"next elsewhere":   `{"totalSize":9,"done":false,"records":[],"nextRecordsUrl":"https://evil.example/x"}`,
		"next climbs":      `{"totalSize":9,"done":false,"records":[],"nextRecordsUrl":"/services/data/v61.0/../../x"}`,
		"an array":         `[]`,
		"errors not array": `{"errorCode":"X"}`,
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, salesforceemu.GenerateOptions{Cases: 3, Seed: 9}, salesforceemu.Options{})
				c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
				require.NoError(t, err)
				require.NoError(t, c.Validate(t.Context()))
				f.emu.AnswerNext(query, 10, http.StatusOK, body)
				got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
				require.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
				assert.Equal(t, tributary.ErrMalformedResponse, tributary.Kind(got.Err))
			})
		})
	}
	t.Run("unstamped record", func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Cases: 3, Seed: 9}, salesforceemu.Options{})
		c, err := New(f.onlyObject(ObjectCase), creds(0), f.env())
		require.NoError(t, err)
		id := f.data.Objects[salesforceemu.Case].Records[1].ID()
		// The first is the organization's query, which reads no stamp.
		f.emu.AnswerNext(query, 2, http.StatusOK, `{"totalSize":1,"done":true,"records":[{"Id":"`+id+`","SystemModstamp":"soon","CaseNumber":3}]}`)
		got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
		assert.Equal(t, testInstance+"/lightning/r/Case/"+id+"/view", got.Failures[0].DocumentID)
	})
}
