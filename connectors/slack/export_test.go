package slack

// Unpaced makes c send requests without pacing to Slack's tiers, for
// benchmarks of the connector's own cost: they run in real time, where
// pacing would measure only the tiers. Backoff and Retry-After are as in
// production. Tests run in testing/synctest bubbles and need no such hook.
func Unpaced(c *Connector) error {
	api, err := c.reopen(tuning{unpaced: true})
	if err != nil {
		return err
	}
	c.api = api
	return nil
}
