//go:build race

package clickup

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-task run too slow for the test budget; `make test` runs it
// without -race.
const raceEnabled = true
