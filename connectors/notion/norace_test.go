//go:build !race

package notion

const raceEnabled = false
