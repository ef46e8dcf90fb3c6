//go:build !race

package zulip

const raceEnabled = false
