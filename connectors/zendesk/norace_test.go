//go:build !race

package zendesk

const raceEnabled = false
