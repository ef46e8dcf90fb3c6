package jira

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// tiedFixture is a site where issues come in runs of six updated at the
// same instant, served by a Jira that breaks those ties in its own order
// (otherTies) or in key order.
func tiedFixture(t *testing.T, otherTies bool) *fixture {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: 2, Issues: 36, Seed: 11}, jiraemu.Options{OtherTieOrder: otherTies})
	f.emu.Update(func(d *jiraemu.Data) {
		for _, p := range d.Projects {
			for i, is := range p.Issues {
				is.Updated = time.Date(2024, 3, 1, 9, i/6, 7, 0, time.UTC)
			}
		}
	})
	return f
}

// Ties on the update time are normal. Whatever order the server gives them
// in, a search is read once (no "not sorted" re-read), every issue exactly
// once, with as many requests as a server that orders ties by key.
func TestTiedUpdateTimesCostNothing(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		requests := map[bool]int{}
		for _, otherTies := range []bool{false, true} {
			f := tiedFixture(t, otherTies)
			s := f.settings(deployment)
			s.PageSize = 4
			got := collect(context.Background(), f.connector(t, s), time.Time{}, time.Time{}, nil)
			require.NoError(t, got.Err)
			assert.Equal(t, expectedIDs(f.data, nil, time.Time{}, time.Time{}), got.IDs())
			assert.Len(t, got.Documents, len(got.IDs()), "%s: an issue delivered twice", deployment)
			requests[otherTies] = len(f.emu.Requests())
		}
		assert.Equal(t, requests[false], requests[true], "%s: requests with the server's own tie order", deployment)
	}
}

// Resuming inside a run of ties, from any checkpoint, loses nothing when
// the server's tie order is not key order.
func TestResumeInsideTiesInTheServersOrder(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		f := tiedFixture(t, true)
		s := f.settings(deployment)
		s.PageSize = 4
		c := f.connector(t, s)
		want := expectedIDs(f.data, nil, time.Time{}, time.Time{})
		for n := 0; ; n++ {
			seen, cp, more := runUntilCheckpoint(t, c, n)
			if !more {
				break
			}
			f.emu.ExpireTokens()
			rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
			require.NoError(t, rest.Err)
			for _, id := range rest.IDs() {
				seen[id] = true
			}
			assert.Equal(t, want, sortedKeys(seen), "%s: resume from checkpoint %d", deployment, n)
		}
	}
}

// The keys kept for a tie are bounded: a longer tie is delivered again on
// a restart, never lost, and the checkpoint does not grow with it.
func TestTiedKeysAreBounded(t *testing.T) {
	var p position
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 * maxTied {
		p.pass(at, fmt.Sprintf("AAA-%d", i))
	}
	assert.Len(t, p.Tied, maxTied-1)
	assert.True(t, p.passed(at, "AAA-0"))
	assert.True(t, p.passed(at, "AAA-1"))
	assert.False(t, p.passed(at, fmt.Sprintf("AAA-%d", 2*maxTied)), "beyond the bound: delivered again")
	assert.True(t, p.passed(at.Add(-time.Millisecond), "ZZZ-1"))
	p.pass(at.Add(time.Second), "BBB-1")
	assert.Empty(t, p.Tied)
	assert.Equal(t, "BBB-1", p.Key)
}
