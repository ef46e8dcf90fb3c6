package asana

import (
	"context"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps an address of an Asana task to its document id,
// https://app.asana.com/0/0/TASK. It reads the forms Asana shows:
// /0/PROJECT/TASK (and /0/0/TASK), with an optional /f (full screen)
// suffix, and /1/WORKSPACE/project/PROJECT/task/TASK or
// /1/WORKSPACE/task/TASK, with or without a query such as ?focus=true or
// a fragment. The address of a project, a list or a search names no task
// (ErrNotSupported); another host is ErrForeignURL. It sends no request.
func (c *Connector) NormalizeURL(_ context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(u.Hostname(), "app.asana.com") {
		return "", tributary.ForeignURL(Source, rawURL, "not an address on app.asana.com")
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if n := len(segs); n > 0 && segs[n-1] == "f" {
		segs = segs[:n-1]
	}
	var gid string
	switch {
	case len(segs) == 3 && segs[0] == "0" && gidPattern.MatchString(segs[1]):
		gid = segs[2]
	case len(segs) == 4 && segs[0] == "0" && gidPattern.MatchString(segs[2]):
		// /0/PROJECT/PARENT/SUBTASK: the last task named.
		gid = segs[3]
	case len(segs) == 6 && segs[0] == "1" && segs[2] == "project" && segs[4] == "task":
		gid = segs[5]
	case len(segs) == 4 && segs[0] == "1" && segs[2] == "task":
		gid = segs[3]
	}
	if !gidPattern.MatchString(gid) || gid == "0" {
		return "", tributary.UnmappableURL(Source, rawURL, "the address names no task")
	}
	return TaskID(gid), nil
}
