package discourse

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/discourseemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// TestRateLimitRetryAfter: Discourse's 429 names Retry-After; the client
// waits it out (in fake time) and loses nothing.
func TestRateLimitRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, 35, 2)
		f.emu.FailNext("/latest.json", 2, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second})
		c := f.connector(t, testKey)
		began := time.Now()
		got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if len(got.Documents) != 35 {
			t.Fatalf("got %d documents, want 35", len(got.Documents))
		}
		if waited := time.Since(began); waited < 60*time.Second {
			t.Errorf("waited %v, want the two Retry-After waits", waited)
		}
		if n := f.emu.CountStatus(http.StatusTooManyRequests); n != 2 {
			t.Errorf("%d answers were 429, want 2", n)
		}
	})
}

// TestBumpMidRunLosesNothing: a topic bumped while the listing is read
// moves to the front of latest.json and shifts the pages behind it; the
// reader reads the shifted topic again rather than skipping one, and
// resuming from every checkpoint still gives every topic.
func TestBumpMidRunLosesNothing(t *testing.T) {
	f := newFixture(t, 70, 2)
	c := f.connector(t, testKey)
	seen := map[string]bool{}
	var bumped bool
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Checkpoint != nil && !bumped {
			bumped = true
			// The oldest topic, not read yet, is bumped: every topic
			// after the reader shifts down one place.
			f.emu.Update(func(d *discourseemu.Data) { d.Topics[0].Bumped = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) })
		}
		if it.Document != nil {
			seen[it.Document.ID] = true
		}
	}
	missing := 0
	for _, tp := range f.data.Topics[1:] {
		if !seen[testSite+"/t/"+strconv.Itoa(tp.ID)] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d topics not bumped were missed", missing)
	}
}

// TestMalformedListing: a latest.json without topic_list ends the run
// with ErrMalformedResponse, never as transient.
func TestMalformedListing(t *testing.T) {
	e := emulator.New(emulator.Options{})
	e.Handle("GET /categories.json", func(w http.ResponseWriter, _ *http.Request) {
		emulator.WriteJSON(w, 200, map[string]any{"category_list": map[string]any{"categories": []any{}}})
	})
	e.Handle("GET /latest.json", func(w http.ResponseWriter, _ *http.Request) { emulator.WriteJSON(w, 200, map[string]any{}) })
	t.Cleanup(e.Close)
	s := Settings{BaseURL: testSite}
	s.SetDefaults()
	c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret("k"), Username: "u"},
		tributary.Env{HTTPClient: &http.Client{Transport: e.Transport()}, AllowPrivateNetwork: true}, fast)
	if err != nil {
		t.Fatal(err)
	}
	got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
	if !errors.Is(got.Err, tributary.ErrMalformedResponse) || errors.Is(got.Err, tributary.ErrTransient) {
		t.Fatalf("got %v, want ErrMalformedResponse", got.Err)
	}
}
