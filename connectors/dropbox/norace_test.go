//go:build !race

package dropbox

const raceEnabled = false
