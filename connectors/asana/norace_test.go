//go:build !race

package asana

const raceEnabled = false
