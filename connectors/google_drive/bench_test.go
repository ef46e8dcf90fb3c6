package googledrive

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// BenchmarkLoad measures full loads of a shared drive over HTTP against
// the emulator with 50ms of latency per request. Every file costs one
// download or export besides its share of a listing page, and files are
// read one after another, so latency bounds throughput. Drive's default
// quota is 12,000 requests a minute per user (200 a second), the limit
// reported against.
//
//	go test -run '^$' -bench Load -benchtime 2x ./connectors/google_drive/
func BenchmarkLoad(b *testing.B) {
	data := googleemu.Generate(googleemu.GenerateOptions{Users: 1, SharedDrives: 1, FilesPerDrive: 200, Folders: 8, Light: true, Seed: 21})
	emu := googleemu.New(data, googleemu.Options{Latency: 50 * time.Millisecond})
	url := emu.Start()
	defer emu.Close()
	key := emu.AddServiceAccount(testAccount, url+googleemu.TokenPath, allScopes...)
	var s Settings
	s.SetDefaults()
	s.APIURL, s.AdminEmail, s.IncludeMyDrives = url, data.Users[0].Email, false
	c, err := New(s, Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}, tributary.Env{AllowPrivateNetwork: true})
	if err != nil {
		b.Fatal(err)
	}
	connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, 200)
}
