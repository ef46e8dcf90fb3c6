//go:build race

package discord

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-message run too slow for the test budget; it runs without -race.
const raceEnabled = true
