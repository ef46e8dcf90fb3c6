//go:build unix

package file

import (
	"io"
	"io/fs"

	"golang.org/x/sys/unix"
)

// openFile opens a regular file of the folder relative to the folder's
// open descriptor, refusing to follow a symbolic link put in its place
// since the walk saw it. It reads through the bare descriptor: an
// *os.File would first try to register a file of an os.Root with the
// poller, which costs five system calls per file, more than reading a
// small file does.
func (d *dirState) openFile(name string) (io.ReadCloser, error) {
	fd, err := unix.Openat(int(d.dir.Fd()), name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return fdFile(fd), nil
}

// fdFile reads a file through its descriptor.
type fdFile int

// Read reads from the file, returning io.EOF at its end.
func (f fdFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(int(f), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Err: err}
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close closes the descriptor.
func (f fdFile) Close() error { return unix.Close(int(f)) }
