//go:build race

package blob

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-object run too slow for the test budget; `make scale` runs it
// without -race.
const raceEnabled = true
