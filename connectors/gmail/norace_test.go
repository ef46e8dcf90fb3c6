//go:build !race

package gmail

const raceEnabled = false
