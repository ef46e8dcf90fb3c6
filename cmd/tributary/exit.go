package main

import (
	"context"
	"errors"

	"github.com/tributary-dev/tributary"
)

// Exit codes. They are part of the command's interface: scripts rely on
// them, so they never change meaning.
const (
	exitOK          = 0   // success
	exitError       = 1   // any other error
	exitUsage       = 2   // bad command line: unknown command, flag or source
	exitConfig      = 3   // bad configuration: a field is missing, malformed or refused
	exitCredentials = 4   // credentials rejected, expired or lacking permissions
	exitPartial     = 5   // finished, but some documents failed (see the log and `state`)
	exitRefused     = 6   // prune refused: too much would be deleted (use --force) or the listing failed
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM; the last checkpoint is kept
)

const exitCodesHelp = `Exit codes:
  0    success
  1    error not covered below (network, disk, a bug)
  2    bad command line: unknown command, flag or source
  3    bad configuration: each problem is printed with the field it concerns
  4    credentials rejected, expired, or lacking permissions
  5    partial success: the run finished but some documents failed
  6    prune refused: more than the allowed share would be deleted (see
       --force) or the listing did not finish cleanly
  130  interrupted (SIGINT or SIGTERM): the run stopped cleanly and the next
       run resumes from its last checkpoint
`

// errUsage marks command-line mistakes.
var errUsage = errors.New("usage")

// exitCode classifies err. interrupted reports whether a signal asked the
// command to stop.
func exitCode(err error, interrupted bool) int {
	switch {
	case err == nil:
		return exitOK
	case interrupted && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return exitInterrupted
	case errors.Is(err, errUsage), errors.Is(err, tributary.ErrUnknownSource):
		return exitUsage
	case errors.Is(err, tributary.ErrCredentialExpired), errors.Is(err, tributary.ErrInsufficientPermissions):
		return exitCredentials
	case errors.Is(err, tributary.ErrInvalidConfig), errors.Is(err, tributary.ErrNotFound):
		return exitConfig
	case errors.Is(err, errPruneRefused):
		return exitRefused
	case interrupted:
		return exitInterrupted
	}
	return exitError
}
