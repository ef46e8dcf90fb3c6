//go:build race

package discourse

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-topic run too slow for the test budget; run it without -race.
const raceEnabled = true
