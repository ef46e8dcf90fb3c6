package linear

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

var smallGen = linearemu.GenerateOptions{Teams: 2, Private: 1, Projects: 2, Issues: 12, Comments: 1, Documents: 3, Seed: 3}

// waits is a Meter that keeps the rate-limit waits it is told of.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) Request() {}
func (w *waits) RateLimitWait(d time.Duration) {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
}

func (w *waits) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.d)
}

func loadAll(t *testing.T, f *fixture, s Settings) (connectortest.Collected, *waits) {
	t.Helper()
	c, err := New(s, Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
	require.NoError(t, err)
	m := &waits{}
	ctx := tributary.WithMeter(t.Context(), m)
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil)), m
}

func docIDs(r connectortest.Collected) []string {
	var ids []string
	for _, d := range r.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

// Linear reports a spent budget as a RATELIMITED GraphQL error, under HTTP
// 400 (its documented answer) or 200. Both are waited out by the reset
// headers and asked again; neither is taken for a malformed answer.
func TestRateLimitedUnder400And200IsWaitedOut(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusOK} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, smallGen, linearemu.Options{})
				f.emu.FailOperation("Issues", 2, linearemu.CodeRateLimited, status)
				f.emu.FailOperation("Viewer", 1, linearemu.CodeRateLimited, status)
				s := testSettings()
				s.PageSize = 5
				r, m := loadAll(t, f, s)
				require.NoError(t, r.Err)
				assert.ElementsMatch(t, expectedIDs(f.data, time.Time{}, time.Time{}), docIDs(r))
				assert.Equal(t, 3, f.emu.RateLimited())
				assert.GreaterOrEqual(t, m.count(), 3, "each RATELIMITED answer is reported as a rate-limit wait")
			})
		})
	}
}

// The emulator's real buckets: a request budget of 30 an hour and a
// complexity budget of 3,000 points, both refilled continuously, and more
// pages to read than either allows at once. The connector waits out each refusal (in the bubble's time) and
// loads everything; the bucket's reset comes inside the connector's
// longest wait.
func TestRequestAndComplexityBudgetsAreWaitedOut(t *testing.T) {
	for name, o := range map[string]linearemu.Options{
		"requests":   {RequestLimit: 30},
		"complexity": {ComplexityLimit: 3000},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gen := smallGen
				gen.Issues = 40
				f := newFixture(t, gen, o)
				s := testSettings()
				s.PageSize = 1
				r, m := loadAll(t, f, s)
				require.NoError(t, r.Err)
				assert.ElementsMatch(t, expectedIDs(f.data, time.Time{}, time.Time{}), docIDs(r))
				assert.Positive(t, f.emu.RateLimited()+m.count(), "the budget ran out and was waited for")
			})
		})
	}
}

// A refusal whose reset lies past the connector's longest wait ends the
// stream with ErrRateLimited telling when to come back, never a
// malformed-response or transient error.
func TestRateLimitTooLongIsErrRateLimitedWithRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{RequestLimit: 2})
		r, _ := loadAll(t, f, testSettings())
		require.ErrorIs(t, r.Err, tributary.ErrRateLimited)
		te, ok := errors.AsType[*tributary.Error](r.Err)
		require.True(t, ok)
		assert.Greater(t, te.RetryAfter, maxWait)
		assert.LessOrEqual(t, te.RetryAfter, time.Hour)
		ge, ok := errors.AsType[*GraphQLError](r.Err)
		require.True(t, ok)
		assert.Equal(t, "RATELIMITED", ge.Code)
		assert.Equal(t, http.StatusBadRequest, ge.Status)
	})
}

// The client paces itself by the budgets Linear reports: once a budget is
// spent with its reset near, the next request waits for the reset instead
// of being refused.
func TestClientPacesBySpentBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
		require.NoError(t, err)
		h := http.Header{}
		h.Set("X-RateLimit-Requests-Remaining", "0")
		h.Set("X-RateLimit-Requests-Reset", formatMillis(time.Now().Add(30*time.Second)))
		c.client.observe(h, time.Now())
		m := &waits{}
		require.NoError(t, c.Validate(tributary.WithMeter(t.Context(), m)))
		require.Equal(t, 1, m.count())
		assert.Equal(t, 30*time.Second, m.d[0])
		assert.Zero(t, f.emu.RateLimited())
	})
}

func formatMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// GraphQL errors are classified like the HTTP statuses they stand for,
// whether Linear sends them under 200 or 400.
func TestGraphQLErrorsClassifiedLikeHTTP(t *testing.T) {
	cases := []struct {
		code string
		want error
	}{
		{linearemu.CodeAuthentication, tributary.ErrCredentialExpired},
		{linearemu.CodeForbidden, tributary.ErrInsufficientPermissions},
		{linearemu.CodeInvalidInput, tributary.ErrInvalidConfig},
		{"SOMETHING_NEW", tributary.ErrMalformedResponse},
	}
	for _, tc := range cases {
		for _, status := range []int{http.StatusOK, http.StatusBadRequest} {
			t.Run(tc.code+"/"+http.StatusText(status), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					f := newFixture(t, smallGen, linearemu.Options{})
					f.emu.FailOperation("Viewer", 1, tc.code, status)
					c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
					require.NoError(t, err)
					err = c.Validate(t.Context())
					require.ErrorIs(t, err, tc.want)
					assert.NotErrorIs(t, err, tributary.ErrTransient)
					assert.NotContains(t, err.Error(), testKey)
				})
			})
		}
	}
	// An internal error is transient: asked again, it passes.
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, linearemu.Options{})
		f.emu.FailOperation("Viewer", 2, linearemu.CodeInternal, http.StatusOK)
		c, err := New(testSettings(), Credentials{APIKey: tributary.NewSecret(testKey)}, f.env())
		require.NoError(t, err)
		require.NoError(t, c.Validate(context.Background()))
		assert.Equal(t, 3, f.emu.Count(linearemu.Route))
	})
}
