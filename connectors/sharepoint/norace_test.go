//go:build !race

package sharepoint

const raceEnabled = false
