package clickup

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// NormalizeURL maps a task's address, as a person pastes it from
// ClickUp, to its document id: https://app.clickup.com/t/TASK_ID (with
// any query, such as a comment's), https://app.clickup.com/t/TEAM/CUSTOM-ID
// (a custom task id, looked up once with GET /task/{id}?custom_task_ids=true),
// and a view with the task open (/TEAM/v/li/LIST?p=TASK_ID). An address
// of another host, or of a workspace the settings do not read, is
// ErrForeignURL; one that names no task is ErrNotSupported.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := tributary.ParseWebURL(Source, rawURL)
	if err != nil {
		return "", err
	}
	if strings.ToLower(u.Hostname()) != "app.clickup.com" {
		return "", tributary.ForeignURL(Source, rawURL, "not an address of app.clickup.com")
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	unmappable := func(why string) (string, error) { return "", tributary.UnmappableURL(Source, rawURL, why) }
	foreignTeam := func(team string) bool {
		return len(c.settings.Workspaces) > 0 && !slices.Contains(c.settings.Workspaces, team)
	}
	switch {
	case len(segs) == 2 && segs[0] == "t":
		if !validTaskID(segs[1]) {
			return unmappable("no task id")
		}
		return TaskID(segs[1]), nil
	case len(segs) == 3 && segs[0] == "t":
		if !numericID.MatchString(segs[1]) || segs[2] == "" || len(segs[2]) > 60 {
			return unmappable("no workspace and custom task id")
		}
		if foreignTeam(segs[1]) {
			return "", tributary.ForeignURL(Source, rawURL, "a workspace the settings do not read")
		}
		return c.customTask(ctx, segs[1], segs[2])
	case len(segs) >= 1 && numericID.MatchString(segs[0]) && u.Query().Get("p") != "":
		if foreignTeam(segs[0]) {
			return "", tributary.ForeignURL(Source, rawURL, "a workspace the settings do not read")
		}
		if p := u.Query().Get("p"); validTaskID(p) {
			return TaskID(p), nil
		}
		return unmappable("the p parameter is not a task id")
	}
	return unmappable("not the address of a task")
}

// customTask looks up the task id of a custom task id.
func (c *Connector) customTask(ctx context.Context, team, custom string) (string, error) {
	var raw json.RawMessage
	q := url.Values{"custom_task_ids": {"true"}, "team_id": {team}}
	if err := c.client.get(ctx, "/task/"+url.PathEscape(custom), q, &raw); err != nil {
		return "", fmt.Errorf("clickup: normalize url: custom task %s: %w", custom, err)
	}
	var k apiTask
	if json.Unmarshal(raw, &k) != nil || !validTaskID(k.ID) {
		return "", malformed("normalize url", "the answer for custom task %s names no task", custom)
	}
	return TaskID(k.ID), nil
}
