//go:build !race

package googledrive

const raceEnabled = false
