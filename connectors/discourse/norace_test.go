//go:build !race

package discourse

const raceEnabled = false
