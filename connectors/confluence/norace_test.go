//go:build !race

package confluence

const raceEnabled = false
