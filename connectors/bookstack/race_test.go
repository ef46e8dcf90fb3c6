//go:build race

package bookstack

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-page run too slow for the test budget.
const raceEnabled = true
