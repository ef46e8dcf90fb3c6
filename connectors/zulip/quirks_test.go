package zulip

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

func load(t *testing.T, f *fixture, s Settings) connectortest.Collected {
	t.Helper()
	c, err := New(s, adminCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	return connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
}

// TestMessagesPageBackwardsToTheCap reads a topic of 25 messages in pages of
// 4 anchored on the oldest message read, and keeps the newest 10 when the
// cap is 10.
func TestMessagesPageBackwardsToTheCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, zulipemu.GenerateOptions{Users: 2, Streams: 1, Topics: 1, Messages: 25, Start: past}, zulipemu.Options{})
		s := testSettings()
		s.PageSize = 4
		got := load(t, f, s)
		if got.Err != nil || len(got.Documents) != 1 || len(got.Documents[0].Sections) != 25 {
			t.Fatalf("err %v, %d docs", got.Err, len(got.Documents))
		}
		d := got.Documents[0]
		if d.CreatedAt.IsZero() || !d.UpdatedAt.After(d.CreatedAt) {
			t.Errorf("times %v %v", d.CreatedAt, d.UpdatedAt)
		}
		if n := f.emu.Count("GET /api/v1/messages"); n != 7 {
			t.Errorf("%d message requests, want 7", n)
		}
		s.MaxMessagesPerTopic = 10
		got = load(t, f, s)
		if got.Err != nil || len(got.Documents[0].Sections) != 10 || !got.Documents[0].CreatedAt.IsZero() {
			t.Fatalf("capped: err %v, %d sections", got.Err, len(got.Documents[0].Sections))
		}
		if last := got.Documents[0].Sections[9].Link; last != d.Sections[24].Link {
			t.Errorf("the cap kept %s last, want the newest %s", last, d.Sections[24].Link)
		}
	})
}

// TestRateLimitHitIsWaitedOut runs under a budget of five requests a
// minute, whose X-RateLimit-Remaining and X-RateLimit-Reset headers the
// client paces itself by, and refuses two message reads with 429 and
// Retry-After besides: every topic still arrives.
func TestRateLimitHitIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, zulipemu.Options{RequestsPerMinute: 5})
		f.emu.FailNext("GET /api/v1/messages", 2, zulipemu.RateLimited)
		got := load(t, f, testSettings())
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if len(got.Documents) != len(expectedIDs(f.data, time.Time{}, time.Time{})) {
			t.Errorf("%d docs", len(got.Documents))
		}
		if f.emu.CountStatus(http.StatusTooManyRequests) == 0 {
			t.Error("the rate limit never refused a request")
		}
	})
}

// TestBadCredentials: a rejected API key is ErrCredentialExpired.
func TestBadCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, zulipemu.Options{})
		c, err := New(testSettings(), Credentials{Email: "user0@example.com", APIKey: tributary.NewSecret("nope")}, f.env())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(context.Background()); !errors.Is(err, tributary.ErrCredentialExpired) {
			t.Errorf("validate: %v", err)
		}
	})
}

// TestBadConfig: every problem is named at once.
func TestBadConfig(t *testing.T) {
	_, err := New(Settings{Site: "ftp://x/y", PageSize: 9000}, Credentials{}, tributary.Env{})
	if !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Fatal(err)
	}
	for _, f := range []string{"site", "page_size"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%v does not name %s", err, f)
		}
	}
}
