//go:build !race

package bookstack

const raceEnabled = false
