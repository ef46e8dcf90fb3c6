//go:build !race

package mediawiki

const raceEnabled = false
