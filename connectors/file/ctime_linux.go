package file

import (
	"io/fs"
	"syscall"
	"time"
)

// statusChange returns a file's status-change time (ctime), in UTC, or
// zero when fi does not carry it.
func statusChange(fi fs.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Unix()).UTC()
	}
	return time.Time{}
}
