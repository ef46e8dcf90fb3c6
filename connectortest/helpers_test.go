package connectortest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestIDPrefix(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"https://wiki/pages/1", "https://wiki/pages/22"}, "https://wiki/pages/"},
		{[]string{"https://wiki/pages/1"}, "https://wiki/pages/"},
		{[]string{"PROJ-1", "PROJ-12"}, "PROJ-"},
		{[]string{"a", "b"}, ""},
		{nil, ""},
	} {
		assert.Equal(t, tc.want, idPrefix(tc.ids), "%q", tc.ids)
	}
}

func TestBreakPoints(t *testing.T) {
	assert.Equal(t, []int{1, 2, 3}, breakPoints(3, maxBreaks))
	assert.Empty(t, breakPoints(0, maxBreaks))
	assert.Equal(t, []int{1, 5, 9}, breakPoints(9, 3))
	many := breakPoints(1000, maxBreaks)
	assert.LessOrEqual(t, len(many), maxBreaks)
	assert.Equal(t, 1, many[0])
	assert.Equal(t, 1000, many[len(many)-1])
}

func TestSplitTimes(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2024, 1, 1, h, 0, 0, 0, time.UTC) }
	assert.Nil(t, splitTimes(map[string]time.Time{"a": at(1), "b": at(1)}))
	assert.Equal(t, []time.Time{at(2), at(3), at(4)},
		splitTimes(map[string]time.Time{"a": at(1), "b": at(2), "c": at(3), "d": at(4), "e": at(4)}))
}

func TestParseGoroutine(t *testing.T) {
	g, ok := parseGoroutine(strings.Join([]string{
		"goroutine 7 [chan receive]:",
		"example.com/c.(*Conn).pump(0xc000010000)",
		"\t/src/c.go:12 +0x1d",
		"example.com/c.(*Conn).Load.func1()",
		"\t/src/c.go:30 +0x8f",
		"created by example.com/c.(*Conn).Load in goroutine 6",
		"\t/src/c.go:29 +0x8f",
	}, "\n"))
	assert.True(t, ok)
	assert.Equal(t, "7", g.id)
	assert.Equal(t, "example.com/c.(*Conn).Load.func1", g.entry)
	_, ok = parseGoroutine("not a goroutine")
	assert.False(t, ok)
}

func TestHarnessContradiction(t *testing.T) {
	h := Harness{WantIDs: []string{"a"}, Windows: []Window{{WantIDs: []string{"a", "b"}}}}
	assert.ErrorContains(t, h.check(), `Harness.Windows[0] wants "b", which is not in WantIDs`)
}
