package dropbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

const teamToken = "sl.team-token-0001"

func teamFixture(t *testing.T) *fixture {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 2, Team: true}, dropboxemu.Options{}, false)
	f.emu.AddTeamToken(teamToken)
	return f
}

// A team token reads as the member team_member names, by id or by
// address (resolved once through team/members/get_info), sending
// Dropbox-API-Select-User, or Dropbox-API-Select-Admin with team_admin,
// on every user call and neither on team calls.
func TestTeamMemberSelected(t *testing.T) {
	for _, tc := range []struct {
		member, header string
		admin          bool
	}{
		{"dbmid:AABo00000000000002", "Dropbox-API-Select-User", false},
		{"cy@acme.test", "Dropbox-API-Select-User", false},
		{"ana@acme.test", "Dropbox-API-Select-Admin", true},
	} {
		f := teamFixture(t)
		s := f.settings()
		s.TeamMember, s.TeamAdmin = tc.member, tc.admin
		c := f.connector(t, s, Credentials{AccessToken: tributary.NewSecret(teamToken)}, f.env())
		got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
		if got.Err != nil || len(got.Documents) == 0 {
			t.Fatalf("%s: %v, %d documents", tc.member, got.Err, len(got.Documents))
		}
		lookups := 0
		for _, r := range f.emu.Requests() {
			team := strings.HasPrefix(r.Path, "/2/team/")
			if team {
				lookups++
			}
			if sel := r.Header.Get(tc.header); team != (sel == "") || !team && !strings.HasPrefix(sel, "dbmid:") {
				t.Errorf("%s: %s with %s %q", tc.member, r.Path, tc.header, sel)
			}
		}
		if want := map[bool]int{true: 1, false: 0}[strings.Contains(tc.member, "@")]; lookups != want {
			t.Errorf("%s: %d member lookups", tc.member, lookups)
		}
		if err := c.Validate(context.Background()); err != nil {
			t.Errorf("%s: validate: %v", tc.member, err)
		}
	}
}

// A team token without team_member, a member the team does not have, an
// admin selection of a member who is no admin, and team_member with a
// user's token are configuration errors that say what to set.
func TestTeamMemberErrors(t *testing.T) {
	f := teamFixture(t)
	for _, tc := range []struct {
		member, token, says string
		admin               bool
	}{
		{"", teamToken, "team_member", false},
		{"nobody@acme.test", teamToken, "no member", false},
		{"dbmid:AAUnknown", teamToken, "team_member", false},
		{"bo@acme.test", teamToken, "team_member", true},
		{"bo@acme.test", testToken, "no team token", false},
	} {
		s := f.settings()
		s.TeamMember, s.TeamAdmin = tc.member, tc.admin
		c := f.connector(t, s, Credentials{AccessToken: tributary.NewSecret(tc.token)}, f.env())
		err := c.Validate(context.Background())
		if !errors.Is(err, tributary.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("member %q admin %v token %s: %v", tc.member, tc.admin, tc.token, err)
		}
	}
}

func TestTeamSettings(t *testing.T) {
	for _, s := range []Settings{{TeamMember: "bob"}, {TeamAdmin: true}, {TeamMember: "a@b\nX-Evil: 1"}} {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

// Groups pages through the team's groups and each group's members (one
// entry a page here), yielding each group's active members' addresses
// lower-cased and sorted; a user's token is ErrNotSupported.
func TestGroups(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 1, FilesPerFolder: 1, Team: true}, dropboxemu.Options{TeamPage: 1}, false)
	f.emu.AddTeamToken(teamToken)
	s := f.settings()
	s.TeamMember = "ana@acme.test"
	c := f.connector(t, s, Credentials{AccessToken: tributary.NewSecret(teamToken)}, f.env())
	var got []tributary.ExternalGroup
	for g, err := range c.Groups(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	want := []tributary.ExternalGroup{
		{ID: "g:engineering", Name: "Engineering", MemberEmails: []string{"ana@acme.test", "bo@acme.test"}},
		{ID: "g:everyone", Name: "Everyone at Acme", MemberEmails: []string{"ana@acme.test", "bo@acme.test", "cy@acme.test"}},
	}
	if len(got) != len(want) {
		t.Fatalf("groups %+v", got)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Name != want[i].Name || strings.Join(got[i].MemberEmails, ",") != strings.Join(want[i].MemberEmails, ",") {
			t.Errorf("group %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	user := f.connector(t, f.settings(), Credentials{}, f.env())
	for _, err := range user.Groups(context.Background()) {
		if !errors.Is(err, tributary.ErrNotSupported) {
			t.Errorf("a user's token: %v", err)
		}
	}
}

// With a team token the probe reports group sync too, naming groups.read
// when the token lacks it.
func TestProbeGroupSync(t *testing.T) {
	f := teamFixture(t)
	f.emu.AddTeamToken("sl.team-nogroups", dropboxemu.ScopeTeamDataMember, dropboxemu.ScopeMembersRead, dropboxemu.ScopeAccountInfoRead,
		dropboxemu.ScopeFilesMetadataRead, dropboxemu.ScopeSharingRead)
	s := f.settings()
	s.TeamMember = "bo@acme.test"
	for tok, want := range map[string]tributary.ProbeStatus{teamToken: tributary.ProbePassed, "sl.team-nogroups": tributary.ProbeFailed} {
		res := tributary.Probe(context.Background(), f.connector(t, s, Credentials{AccessToken: tributary.NewSecret(tok)}, f.env()))
		if len(res) != 3 || res[2].Capability != tributary.CapGroupSync || res[2].Status != want || res[0].Status != tributary.ProbePassed {
			t.Fatalf("%s: %v", tok, res)
		}
		if want == tributary.ProbeFailed && (len(res[2].Missing) != 1 || res[2].Missing[0] != "groups.read") {
			t.Errorf("%s: missing %v", tok, res[2].Missing)
		}
	}
}

// answers serves fixed JSON bodies by path, for answers no emulator
// gives.
type answers map[string]string

func (a answers) RoundTrip(req *http.Request) (*http.Response, error) {
	body, ok := a[req.URL.Path]
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, `{}`
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Request: req,
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
}

// A groups listing that says more without a new cursor, or a group
// without an id, ends with ErrMalformedResponse instead of looping.
func TestGroupsMalformed(t *testing.T) {
	for name, a := range map[string]answers{
		"repeated cursor": {
			"/2/team/groups/list":          `{"groups":[],"cursor":"c1","has_more":true}`,
			"/2/team/groups/list/continue": `{"groups":[],"cursor":"c1","has_more":true}`,
		},
		"no cursor":   {"/2/team/groups/list": `{"groups":[],"has_more":true}`},
		"no group id": {"/2/team/groups/list": `{"groups":[{"group_name":"x"}],"has_more":false}`},
		"members without cursor": {
			"/2/team/groups/list":         `{"groups":[{"group_id":"g:a","group_name":"A"}],"has_more":false}`,
			"/2/team/groups/members/list": `{"members":[],"has_more":true}`,
		},
	} {
		var s Settings
		s.SetDefaults()
		s.TeamMember = "dbmid:AAx"
		c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret(teamToken)}, tributary.Env{HTTPClient: &http.Client{Transport: a}}, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for _, err := range c.Groups(context.Background()) {
			last = err
		}
		if !errors.Is(last, tributary.ErrMalformedResponse) {
			t.Errorf("%s: %v", name, last)
		}
	}
}
