//go:build race

package imap

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-message run too slow for the test budget; `make scale` runs it
// without -race.
const raceEnabled = true
