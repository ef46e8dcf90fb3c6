package slack

import (
	"time"

	"github.com/tributary-dev/tributary/httpx"
)

// Unpaced makes c send requests without pacing to Slack's tiers and retry
// after milliseconds rather than seconds, for tests that run in real time
// (the conformance kit cannot run inside a testing/synctest bubble).
// Retry-After from the server is still honoured.
func Unpaced(c *Connector) error {
	api, err := c.reopen(tuning{unpaced: true,
		retry: httpx.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}, backoff: time.Millisecond})
	if err != nil {
		return err
	}
	c.api = api
	return nil
}
