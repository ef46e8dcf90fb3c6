//go:build !race

package clickup

const raceEnabled = false
