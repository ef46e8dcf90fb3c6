//go:build !race

package hubspot

const raceEnabled = false
