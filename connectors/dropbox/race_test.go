//go:build race

package dropbox

// raceEnabled says the tests run under the race detector, which makes the
// 10,000-file run too slow for the test budget.
const raceEnabled = true
