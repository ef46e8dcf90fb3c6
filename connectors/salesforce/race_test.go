//go:build race

package salesforce

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-record run too slow for the test budget; run it without -race.
const raceEnabled = true
