package connectortest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/connectortest"
)

// testConformance is what a connector package's TestConformance(t) holds:
// a harness describing the fixture, and Run.
func testConformance(t *testing.T) {
	settings := mock.Sample(5)
	settings.PageSize = 2 // several pages, so several checkpoints to resume from
	settings.AcceptToken = tributary.NewSecret("good")
	settings.FailIDs = []string{mock.SampleID(5)}
	open := func(t testing.TB, token string) tributary.Connector {
		c, err := mock.New(settings, mock.Credentials{Token: tributary.NewSecret(token)}, tributary.Env{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	connectortest.Run(t, connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, "good") },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "revoked") },
		WantIDs:        []string{mock.SampleID(1), mock.SampleID(2), mock.SampleID(3), mock.SampleID(4)},
		WantFailureIDs: []string{mock.SampleID(5)},
		Windows: []connectortest.Window{
			{Start: mock.SampleTime(2), End: mock.SampleTime(4), WantIDs: []string{mock.SampleID(2), mock.SampleID(3)}},
		},
		Requests: func(c tributary.Connector) int { return c.(*mock.Connector).Requests() },
	})
}

// A connector's test describes its fixture in a Harness and calls Run from
// a test function: func TestConformance(t *testing.T) { testConformance(t) }.
func Example() {
	_ = testConformance
}

// Collect gathers what a stream yielded, for a connector's own assertions.
func ExampleCollect() {
	c, err := mock.New(mock.Sample(3), mock.Credentials{}, tributary.Env{})
	if err != nil {
		panic(err)
	}
	got := connectortest.Collect(tributary.Stream(context.Background(), c, time.Time{}, time.Time{}, nil))
	fmt.Println(got.IDs(), len(got.Checkpoints) > 0, got.Err)
	// Output: [mock://docs/1 mock://docs/2 mock://docs/3] true <nil>
}

// Sink stands in for an index in a runner test: here a run crashes at its
// third write (the first holds the folders), and the next run resumes
// and delivers the rest.
func ExampleSink() {
	settings := mock.Sample(6)
	settings.PageSize = 2
	c, err := mock.New(settings, mock.Credentials{}, tributary.Env{})
	if err != nil {
		panic(err)
	}
	sink := &connectortest.Sink{CrashAt: 3}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 2}
	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	fmt.Println(errors.Is(err, connectortest.ErrSinkCrashed), len(sink.IDs()))
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	fmt.Println(err, res.Resumed, len(sink.IDs()), sink.Repeats())
	// Output:
	// true 2
	// <nil> true 6 0
}
