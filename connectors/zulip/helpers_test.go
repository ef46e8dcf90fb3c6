package zulip

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

const testSite = "http://zulip.test"

var past = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)

var smallGen = zulipemu.GenerateOptions{Users: 4, Streams: 4, Topics: 3, Messages: 3, PrivateEvery: 3, WebPublicEvery: 4, Seed: 2, Start: past}

type fixture struct {
	data *zulipemu.Data
	emu  *zulipemu.Server
}

func newFixture(t testing.TB, gen zulipemu.GenerateOptions, opts zulipemu.Options) *fixture {
	t.Helper()
	data := zulipemu.Generate(gen)
	emu := zulipemu.New(data, opts)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func testSettings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.Site = testSite
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func adminCredentials() Credentials {
	return Credentials{Email: "user0@example.com", APIKey: tributary.NewSecret("key0")}
}

// expectedIDs lists the topics whose latest message or edit is in
// [start, end), as the admin (subscribed to every stream) sees them.
func expectedIDs(d *zulipemu.Data, start, end time.Time) []string {
	type key struct {
		s int64
		t string
	}
	latest := map[key]time.Time{}
	for _, m := range d.Messages {
		k := key{m.StreamID, m.Subject}
		latest[k] = maxTime(latest[k], m.Sent, m.Edited)
	}
	c := &Connector{site: testSite}
	var ids []string
	for k, t := range latest {
		if !t.Before(start) && (end.IsZero() || t.Before(end)) {
			ids = append(ids, c.topicID(k.s, k.t))
		}
	}
	slices.Sort(ids)
	return ids
}

func topicTimes(d *zulipemu.Data) []time.Time {
	latest := map[string]time.Time{}
	for _, m := range d.Messages {
		k := strconv.FormatInt(m.StreamID, 10) + "/" + m.Subject
		latest[k] = maxTime(latest[k], m.Sent, m.Edited)
	}
	var ts []time.Time
	for _, t := range latest {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}
