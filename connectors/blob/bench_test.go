package blob

import (
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

// BenchmarkLoad measures full loads over loopback HTTP against the
// emulator, with no latency (the connector's own cost per object: signing,
// decoding, extraction) and with 20ms per request, the order of S3's
// first-byte latency for a small object, where Settings.Concurrency (8)
// reads at once bound the rate at about 8/latency.
//
//	go test -run '^$' -bench Load -benchtime 3x ./connectors/blob/
func BenchmarkLoad(b *testing.B) {
	for _, lat := range []time.Duration{0, 20 * time.Millisecond} {
		b.Run("latency="+lat.String(), func(b *testing.B) {
			emu := s3emu.New(s3emu.Options{Latency: lat})
			defer emu.Close()
			emu.CreateBucket(testBucket)
			for _, o := range scaleObjects(200) {
				emu.Put(testBucket, o.key, []byte(o.body), o.modified)
			}
			s := Settings{Bucket: testBucket, Endpoint: emu.Start(), PathStyle: true}
			c, err := New(s, testCredentials(), tributary.Env{AllowPrivateNetwork: true})
			if err != nil {
				b.Fatal(err)
			}
			connectortest.BenchLoad(b, c, func() int { return len(emu.Requests()) }, 0)
		})
	}
}
