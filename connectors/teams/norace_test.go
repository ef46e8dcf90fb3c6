//go:build !race

package teams

const raceEnabled = false
