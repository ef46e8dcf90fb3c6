// Package soak holds the crash soak of the tributary command: its test
// builds the command, runs it against a folder and against the GitHub,
// Slack, Confluence and Jira emulators with faults switched on (500, 503,
// a reset connection, a truncated body and 429 with Retry-After: 1, each
// on a fixed share of the requests), kills it with SIGKILL at random
// moments many times, lets it finish, and checks that every document was
// delivered and that the only repeats are those of a batch written but not
// acknowledged when the process died.
//
// It runs only when asked for a number of kills: the short form, in CI, is
// make soak (5 kills a connector); the long form is
//
//	go test ./internal/soak -run Soak -soak.kills 50 -timeout 30m -v
//
// It has no code of its own.
package soak
