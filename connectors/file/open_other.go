//go:build !unix

package file

import "io"

// openFile opens a regular file of the folder through the folder's
// os.Root, which refuses to leave it.
func (d *dirState) openFile(name string) (io.ReadCloser, error) {
	return d.handle.Open(name)
}
