package dropbox

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Source is the document source this package reads.
const Source = tributary.SourceDropbox

func init() {
	tributary.Register(tributary.Define(tributary.Registration{
		Source:      Source,
		DisplayName: "Dropbox",
		Category:    tributary.CategoryStorage,
		Description: "Files of a Dropbox account or its team space, with documents extracted as text and Paper docs " +
			"exported as Markdown and archives opened, read with an app's OAuth consent that renews itself (or a team token " +
			"acting as one member), kept current by polling the listing cursor for deletions, with files' and shared " +
			"folders' members as access and the team's groups.",
		DocURL: "https://pkg.go.dev/github.com/tributary-dev/tributary/connectors/dropbox",
		OAuth:  &OAuth,
	}, New))
}

// Connector reads files from Dropbox.
type Connector struct {
	settings Settings
	env      tributary.Env
	client   *client

	mu     sync.Mutex
	member string // the team_member_id team_member resolved to
}

var (
	_ tributary.CheckpointConnector = (*Connector)(nil)
	_ tributary.SlimConnector       = (*Connector)(nil)
)

// New returns a connector for the settings and credentials. It checks
// them and sends no request; Validate probes them.
func New(s Settings, c Credentials, env tributary.Env) (*Connector, error) {
	return newConnector(s, c, env, httpx.RetryPolicy{})
}

func newConnector(s Settings, c Credentials, env tributary.Env, retry httpx.RetryPolicy) (*Connector, error) {
	err := tributary.PrefixFields("settings", s.Validate())
	if err == nil {
		err = tributary.PrefixFields("credentials", c.Validate())
	}
	if err != nil {
		return nil, &tributary.Error{Op: "dropbox: new connector", Kind: tributary.ErrInvalidConfig, Err: err}
	}
	cl, err := newClient(&s, &c, env, retry)
	if err != nil {
		return nil, fmt.Errorf("dropbox: new connector: %w", err)
	}
	return &Connector{settings: s, env: env, client: cl}, nil
}

// Source returns SourceDropbox.
func (c *Connector) Source() tributary.DocumentSource { return Source }

// Validate reads the account (and so the team space) and the configured
// folder. Rejected credentials fail with ErrCredentialExpired, an app
// without a needed permission with ErrInsufficientPermissions, and a
// folder not found with ErrNotFound.
func (c *Connector) Validate(ctx context.Context) error {
	cl, err := c.session(ctx)
	if err != nil {
		return err
	}
	if c.settings.Path != "" {
		var e entry
		if err := cl.rpc(ctx, "files/get_metadata", map[string]string{"path": c.settings.Path}, &e); err != nil {
			return classify("dropbox: validate folder "+c.settings.Path, err)
		}
		if e.Tag != "folder" {
			return tributary.NewError("dropbox: validate folder "+c.settings.Path, tributary.ErrInvalidConfig, fmt.Errorf("not a folder"))
		}
	}
	return nil
}

// session reads the account and returns a client that addresses its
// team space when it has one and the settings ask for it.
func (c *Connector) session(ctx context.Context) (*client, error) {
	cl := *c.client
	if c.settings.TeamMember != "" {
		id, err := c.memberID(ctx)
		if err != nil {
			return nil, err
		}
		cl.selectHeader, cl.selectValue = "Dropbox-API-Select-User", id
		if c.settings.TeamAdmin {
			cl.selectHeader = "Dropbox-API-Select-Admin"
		}
	}
	var a account
	if err := cl.rpc(ctx, "users/get_current_account", nil, &a); err != nil {
		if badRequest(err) {
			hint := "team_member names a member Dropbox does not take"
			if c.settings.TeamMember == "" {
				hint = "a team token needs team_member, the member to read as"
			}
			return nil, tributary.NewError("dropbox: read the account", tributary.ErrInvalidConfig, fmt.Errorf("%s: %w", hint, err))
		}
		return nil, fmt.Errorf("dropbox: read the account: %w", err)
	}
	if a.AccountID == "" {
		return nil, tributary.NewError("dropbox: read the account", tributary.ErrMalformedResponse, fmt.Errorf("answer without account_id"))
	}
	if ri := a.RootInfo; c.settings.TeamSpace && ri.RootNamespaceID != "" && ri.RootNamespaceID != ri.HomeNamespaceID {
		cl.pathRoot = asciiJSON(map[string]string{".tag": "root", "root": ri.RootNamespaceID})
	}
	return &cl, nil
}

// memberID returns the team_member_id of team_member: the setting itself
// when it is one, or the member team/members/get_info finds by address,
// asked once.
func (c *Connector) memberID(ctx context.Context) (string, error) {
	m := c.settings.TeamMember
	if strings.HasPrefix(m, "dbmid:") {
		return m, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.member != "" {
		return c.member, nil
	}
	var res []struct {
		Tag     string `json:".tag"`
		Profile struct {
			TeamMemberID string `json:"team_member_id"`
		} `json:"profile"`
	}
	op := "dropbox: find team_member " + m
	err := c.client.teamRPC(ctx, "team/members/get_info", map[string]any{"members": []map[string]string{{".tag": "email", "email": m}}}, &res)
	switch {
	case badRequest(err):
		return "", tributary.NewError(op, tributary.ErrInvalidConfig, fmt.Errorf("team_member is set, but the token is no team token: %w", err))
	case err != nil:
		return "", fmt.Errorf("%s: %w", op, err)
	case len(res) != 1 || res[0].Tag != "member_info" && res[0].Tag != "id_not_found":
		return "", tributary.NewError(op, tributary.ErrMalformedResponse, fmt.Errorf("%d answers to one member asked", len(res)))
	case res[0].Tag == "id_not_found":
		return "", tributary.NewError(op, tributary.ErrInvalidConfig, errors.New("team_member: no member of the team has this address"))
	case !strings.HasPrefix(res[0].Profile.TeamMemberID, "dbmid:"):
		return "", tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("member without a team_member_id"))
	}
	c.member = res[0].Profile.TeamMemberID
	return c.member, nil
}

// LoadFromCheckpoint yields the folders as nodes and the files whose
// server_modified lies in [start, end) as documents, with a checkpoint
// after every listing page. A poll window under a host that keeps Values
// first reads the changes since the last run's cursor for deletions.
func (c *Connector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		pos, err := decodePosition(cp)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.newRun(ctx, start, end, false, yield).all(pos)
	}
}

// LoadSlim yields the ids of exactly the documents LoadFromCheckpoint
// would yield for [start, end), with access when asked, reading no
// content. Any failure ends the listing with an error.
func (c *Connector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return tributary.StrictSlim("dropbox: slim listing", func(yield func(tributary.Item, error) bool) {
		c.newRun(tributary.WithValues(ctx, nil), start, end, true, yield).all(position{})
	})
}
