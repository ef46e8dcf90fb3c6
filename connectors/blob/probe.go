package blob

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Prober = (*Connector)(nil)

// Probe reports whether the keys may index the bucket: list it
// (s3:ListBucket) and read the first object listed (s3:GetObject, one
// byte of it). A bucket may grant listing without reading, which Validate
// alone does not tell. An empty bucket passes on its listing. Buckets name
// no people, so there is no access or group sync to probe.
func (c *Connector) Probe(ctx context.Context) []tributary.ProbeResult {
	pg, err := c.client.list(ctx, c.s.Bucket, c.prefixes[0], "", "", 1)
	if err != nil {
		return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, fmt.Errorf("%s: probe: %w", c.source, err), "s3:ListBucket")}
	}
	for _, o := range pg.objects {
		if aws.ToInt64(o.Size) == 0 {
			continue
		}
		if _, err := c.client.first(ctx, c.s.Bucket, aws.ToString(o.Key), 1); err != nil {
			return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, fmt.Errorf("%s: probe: %w", c.source, err), "s3:GetObject")}
		}
	}
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapIndexing, nil)}
}
