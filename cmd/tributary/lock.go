package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// errLocked: another process holds the instance's lock.
var errLocked = errors.New("locked")

// lockInstance keeps two processes from running or pruning one instance at
// once, which the runner does not allow. The lock is a file beside the
// state database, named after the instance.
func lockInstance(statePath, instance string) (unlock func(), err error) {
	dir := statePath + ".locks"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create lock directory: %w", err)
	}
	sum := sha256.Sum256([]byte(instance))
	path := filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock")
	unlock, err = lockFile(path)
	if errors.Is(err, errLocked) {
		return nil, fmt.Errorf("another tributary process is running or pruning %s (lock %s)", instance, path)
	}
	return unlock, err
}
