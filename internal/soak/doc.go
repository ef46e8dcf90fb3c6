// Package soak holds the crash soak of the tributary command: its test
// builds the command, runs it against each source below with faults
// switched on, kills it with SIGKILL at random moments many times, lets it
// finish, and checks that every document was delivered and that the only
// repeats are those of a batch written but not acknowledged when the
// process died.
//
// The sources, one test each:
//
//   - file: a folder of 3,000 Markdown notes;
//   - github, slack, confluence and jira: their emulators, with 1,000 to
//     2,000 documents each, failing a fixed share of the requests with 500,
//     503, a reset connection, a truncated body and 429 with Retry-After: 1;
//   - web: a crawl of a generated handbook of 1,231 pages served by the
//     emulator kit, with a private area robots.txt disallows, redirecting
//     old addresses, printable copies with canonical links, and pages that
//     fail every other fetch with 500, 503, a reset connection or 429.
//
// A clean run first measures the whole load and its first batch. One kill
// in five then lands during start-up, the others after the first batch, a
// share of the load apart; a kill that finds no new document delivered
// makes the next one land later, so that the killed runs, not the final
// run, do most of the load even for sources that checkpoint seldom.
//
// It runs only when asked for a number of kills: the short form, in CI, is
// make soak (5 kills a connector, about four minutes in all); the long form
// (about six minutes) is
//
//	go test ./internal/soak -run Soak -soak.kills 50 -timeout 30m -v
//
// Each test logs how long a clean load took, how long the kills and the
// final run took, and the requests and faults the emulator served for
// each. It has no code of its own.
package soak
