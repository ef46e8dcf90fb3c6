//go:build !race

package outline

const raceEnabled = false
