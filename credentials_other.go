//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package tributary

import "context"

// lockCredentialsFile does nothing where file locks are not available:
// there, only the goroutines of one process are kept apart.
func lockCredentialsFile(context.Context, string) (unlock func(), err error) { return func() {}, nil }
