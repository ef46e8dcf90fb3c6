package gmail

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// BenchmarkLoad measures full loads of one mailbox over HTTP against the
// emulator with 50ms of latency per request. Every thread costs one
// threads.get besides its share of a listing page, read Concurrency (4)
// at a time, so latency bounds throughput. Gmail's per-user quota is 250
// units a second, a threads.get costing 10: about 25 requests a second,
// the limit reported against (attachments.get costs less, so the figure
// is a floor).
//
//	go test -run '^$' -bench Load -benchtime 2x ./connectors/gmail/
func BenchmarkLoad(b *testing.B) {
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 1, Seed: 21})
	googleemu.GenerateMail(data, googleemu.MailOptions{ThreadsPerUser: 200, Seed: 21})
	emu := googleemu.New(data, googleemu.Options{Latency: 50 * time.Millisecond})
	url := emu.Start()
	defer emu.Close()
	key := emu.AddServiceAccount(testAccount, url+googleemu.TokenPath, allScopes...)
	var s Settings
	s.SetDefaults()
	s.APIURL, s.AdminEmail, s.IncludeAttachments, s.RequestsPerSecond = url, data.Users[0].Email, true, 10000
	c, err := New(s, Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, 25)
}
