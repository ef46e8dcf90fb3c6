package asana

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// Source is the document source this package reads.
const Source = tributary.SourceAsana

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Asana",
		Category:    tributary.CategoryTicketing,
		Description: "Tasks of Asana projects with their comments, read with a personal access token or an OAuth " +
			"token, by workspace and project, with the projects' privacy, assignees and followers as access, " +
			"teams and workspace members as groups, and deletions from the events API.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/asana",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads tasks from Asana.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks them
// and sends no request; Validate probes them. In a Settings built in Go,
// zero sizes mean their defaults but IncludeComments must be set
// (SetDefaults sets every default).
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, options{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, o options) (*Connector, error) {
	s.Workspaces, s.Projects = slices.Clone(s.Workspaces), slices.Clone(s.Projects)
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "asana: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, o)
	if err != nil {
		return nil, fmt.Errorf("asana: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceAsana.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate checks the token (GET /users/me) and that it may read the
// projects of each workspace read and the tasks (and, with comments, the
// stories) of one project. A rejected token fails with
// ErrCredentialExpired; a token without a needed OAuth scope with
// ErrInsufficientPermissions naming it.
func (c *Connector) Validate(ctx context.Context) error {
	if err := c.validate(ctx); err != nil {
		return fmt.Errorf("asana: validate credentials: %w", err)
	}
	return nil
}

func (c *Connector) validate(ctx context.Context) error {
	wss, err := c.workspaces(ctx)
	if err != nil {
		return err
	}
	for _, ws := range wss {
		var p page
		if _, err := c.client.get(ctx, "/projects", url.Values{"workspace": {ws.GID}, "limit": {"1"}}, &p); err != nil {
			return needs(err, "projects:read", "the projects of workspace "+ws.GID)
		}
		var pr ref
		if len(p.Data) == 0 || jsonInto(p.Data[0], &pr) != nil || pr.GID == "" {
			continue
		}
		var tp page
		if _, err := c.client.get(ctx, "/tasks", url.Values{"project": {pr.GID}, "limit": {"1"}}, &tp); err != nil {
			return needs(err, "tasks:read", "the tasks of project "+pr.GID)
		}
		var t ref
		if c.settings.IncludeComments && len(tp.Data) > 0 && jsonInto(tp.Data[0], &t) == nil && t.GID != "" {
			var sp page
			if _, err := c.client.get(ctx, "/tasks/"+t.GID+"/stories", url.Values{"limit": {"1"}}, &sp); err != nil {
				return needs(err, "stories:read", "the stories of task "+t.GID)
			}
		}
		return nil
	}
	return nil
}

// needs names the OAuth scope a refused (403) request lacked.
func needs(err error, scope, what string) error {
	if statusOf(err) == 403 {
		return &scopeError{scope: scope, what: what, err: err}
	}
	return err
}

// scopeError is a 403 with the scope the request needed.
type scopeError struct {
	scope, what string
	err         error
}

func (e *scopeError) Error() string {
	return fmt.Sprintf("the token may not read %s (it needs the OAuth scope %s): %v", e.what, e.scope, e.err)
}

func (e *scopeError) Unwrap() error { return e.err }

// missingScope names the scope err says was missing, if any.
func missingScope(err error) []string {
	if se, ok := errors.AsType[*scopeError](err); ok {
		return []string{se.scope}
	}
	return nil
}

// me is the token's user with the workspaces it belongs to.
type me struct {
	GID        string      `json:"gid"`
	Email      string      `json:"email"`
	Workspaces []workspace `json:"workspaces"`
}

// workspaces are the workspaces read, by gid: the settings' or all of the
// user's. A workspace the settings name that the user is not in is an
// ErrNotFound error.
func (c *Connector) workspaces(ctx context.Context) ([]workspace, error) {
	var m struct {
		Data me `json:"data"`
	}
	if _, err := c.client.get(ctx, "/users/me", url.Values{"opt_fields": {"email,workspaces.name,workspaces.is_organization"}}, &m); err != nil {
		return nil, fmt.Errorf("read the token's user: %w", needs(err, "users:read", "its own user"))
	}
	if m.Data.GID == "" {
		return nil, malformed("users/me", "no gid")
	}
	all := m.Data.Workspaces
	slices.SortFunc(all, func(a, b workspace) int { return compareGID(a.GID, b.GID) })
	if len(c.settings.Workspaces) == 0 {
		return all, nil
	}
	var out []workspace
	for _, g := range c.settings.Workspaces {
		i := slices.IndexFunc(all, func(w workspace) bool { return w.GID == g })
		if i < 0 {
			return nil, tributary.NewError("asana: workspaces", tributary.ErrNotFound,
				fmt.Errorf("the token's user is not in workspace %s", g))
		}
		out = append(out, all[i])
	}
	slices.SortFunc(out, func(a, b workspace) int { return compareGID(a.GID, b.GID) })
	return out, nil
}

// compareGID orders gids as numbers: shorter first, then by digits.
func compareGID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// LoadFromCheckpoint yields, workspace by workspace and project by
// project (by gid), each node before what it holds, the tasks modified in
// [start, end); with a host that keeps Values, each project's deletions
// since the last run follow its tasks. A checkpoint follows every page.
// See the package documentation for what a checkpoint holds.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, yield, start, end, false).all(pos)
	}
}

// LoadSlim yields the ids of exactly the tasks LoadFromCheckpoint would
// yield for [start, end), with their access, without comments. Any
// failure ends the listing with an error, so that pruning never acts on
// an incomplete listing.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("asana: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(ctx, yield, start, end, true).all(position{})
	})
}

// The ids and links of what the connector yields: tasks at
// https://app.asana.com/0/0/TASK (an address Asana keeps for a task
// wherever it moves), projects and workspaces at their web addresses.
const web = "https://app.asana.com"

// TaskID is the document id of the task with gid.
func TaskID(gid string) string { return web + "/0/0/" + gid }

func workspaceID(ws string) string { return web + "/1/" + ws + "/home" }

func projectID(ws, p string) string { return web + "/1/" + ws + "/project/" + p }

// Group ids in ExternalAccess: the members of a workspace, and a team.
func workspaceGroup(ws string) string { return "workspace:" + ws }

func teamGroup(team string) string { return "team:" + team }
