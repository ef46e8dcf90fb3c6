//go:build !race

package bitbucket

const raceEnabled = false
