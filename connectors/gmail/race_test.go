//go:build race

package gmail

// raceEnabled says the tests run under the race detector, which makes the
// 5,000-thread run too slow for the test budget; `make test` runs it
// without -race.
const raceEnabled = true
