package salesforce

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/jwtsign"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

const (
	testConsumerKey = "3MVG9-test-consumer-key"
	testInstance    = "https://acme.my.salesforce.com"
)

// testKeys are the connected app's key and a key it does not know, made
// once for the package.
var testKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var ks [2]*rsa.PrivateKey
	for i := range ks {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks[i] = k
	}
	return ks
})

type fixture struct {
	data *salesforceemu.Data
	emu  *salesforceemu.Server
}

func newFixture(t testing.TB, gen salesforceemu.GenerateOptions, opts salesforceemu.Options) *fixture {
	t.Helper()
	data := salesforceemu.Generate(gen)
	emu := salesforceemu.New(data, opts)
	emu.AddApp(testConsumerKey, &testKeys()[0].PublicKey, "")
	emu.AddRefreshToken("5Aep861-refresh", salesforceemu.Integration)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.Knowledge = true
	return s
}

func creds(key int) Credentials {
	return Credentials{ConsumerKey: testConsumerKey, Username: salesforceemu.Integration,
		PrivateKey: tributary.NewSecret(string(jwtsign.EncodePKCS8(testKeys()[key])))}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

// docID is the document id of a record.
func docID(object string, r *salesforceemu.Record) string {
	return testInstance + "/lightning/r/" + object + "/" + r.ID() + "/view"
}

// live lists the records a load reads: not deleted, and for Knowledge
// online in en_US.
func (f *fixture) live(s Settings, fn func(object string, r *salesforceemu.Record)) {
	for _, obj := range s.objects() {
		for _, r := range f.data.Objects[obj].Records {
			if r.Deleted() || obj == salesforceemu.Knowledge && (r.Fields["PublishStatus"] != "Online" || r.Fields["Language"] != "en_US") {
				continue
			}
			fn(obj, r)
		}
	}
}

// expectedIDs lists the live records modified in [start, end).
func (f *fixture) expectedIDs(s Settings, start, end time.Time) []string {
	var ids []string
	f.live(s, func(obj string, r *salesforceemu.Record) {
		at := r.Modstamp()
		if !r.Broken && !at.Before(start) && (end.IsZero() || at.Before(end)) {
			ids = append(ids, docID(obj, r))
		}
	})
	slices.Sort(ids)
	return ids
}

// times returns the SystemModstamps of the live records, oldest first.
func (f *fixture) times(s Settings) []time.Time {
	var ts []time.Time
	f.live(s, func(_ string, r *salesforceemu.Record) { ts = append(ts, r.Modstamp()) })
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}
