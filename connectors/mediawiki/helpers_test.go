package mediawiki

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

const (
	testUser     = "Indexer@tributary"
	testPassword = "bp-4831emulatedbotpassword"
	testAPI      = "https://wiki.test/w/api.php"
)

var idPattern = regexp.MustCompile(`^https://wiki\.test/wiki/[^ ]+$`)

type fixture struct {
	data *mediawikiemu.Data
	emu  *mediawikiemu.Server
}

func newFixture(t testing.TB, gen mediawikiemu.GenerateOptions, opts mediawikiemu.Options) *fixture {
	t.Helper()
	data := mediawikiemu.Generate(gen)
	emu := mediawikiemu.New(data, opts)
	emu.AddUser(testUser, testPassword)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testAPI
	return s
}

func (f *fixture) credentials() Credentials {
	return Credentials{Username: testUser, Password: tributary.NewSecret(testPassword)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings, c Credentials) *Connector {
	t.Helper()
	conn, err := newConnector(Source, s, c, f.env(), fast)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

var fast = options{retry: httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, rate: 1e6}

// expectedIDs lists the non-redirect pages of the namespaces whose last
// revision lies in [start, end).
func expectedIDs(d *mediawikiemu.Data, namespaces []int, start, end time.Time) []string {
	var ids []string
	for _, p := range d.Pages {
		t := p.Last().At
		if p.Redirect || !slices.Contains(namespaces, p.NS) || t.Before(start) || !end.IsZero() && !t.Before(end) {
			continue
		}
		ids = append(ids, "https://wiki.test/wiki/"+titleKey(p.Title))
	}
	slices.Sort(ids)
	return ids
}

func titleKey(t string) string {
	si := siteInfo{Server: "https://wiki.test", ArticlePath: "/wiki/$1"}
	return si.pageURL(t)[len("https://wiki.test/wiki/"):]
}

func lastTimes(d *mediawikiemu.Data, namespaces []int) []time.Time {
	var ts []time.Time
	for _, p := range d.Pages {
		if !p.Redirect && slices.Contains(namespaces, p.NS) {
			ts = append(ts, p.Last().At)
		}
	}
	slices.SortFunc(ts, time.Time.Compare)
	return ts
}
