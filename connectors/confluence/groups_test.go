package confluence

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func listGroups(t *testing.T, c tributary.Connector) ([]tributary.ExternalGroup, error) {
	t.Helper()
	var out []tributary.ExternalGroup
	for g, err := range tributary.Groups(t.Context(), c) {
		if err != nil {
			return out, err
		}
		out = append(out, g)
	}
	return out, nil
}

func TestGroups(t *testing.T) {
	for name, flavor := range map[string]confluenceemu.Flavor{"cloud": confluenceemu.Cloud, "data center": confluenceemu.DataCenter} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 1, Pages: 2, Seed: 8}, confluenceemu.Options{Flavor: flavor})
				f.emu.Update(func(d *confluenceemu.Data) {
					for i := range 250 { // more groups, and members, than one page holds
						d.Groups = append(d.Groups, &confluenceemu.Group{Name: fmt.Sprintf("team %03d", i), Users: d.Users[:1]})
					}
					for range 250 {
						d.Groups[1].Users = append(d.Groups[1].Users, d.Users[4])
					}
				})
				got, err := listGroups(t, f.connector(t, f.settings()))
				require.NoError(t, err)
				require.Len(t, got, 252)
				assert.Equal(t, "group:confluence-users", got[0].ID)
				assert.Equal(t, "group:team 249", got[251].ID)
				if flavor == confluenceemu.DataCenter {
					assert.Empty(t, got[0].MemberEmails, "Server's API shows no addresses")
					return
				}
				// chen and fay hide their addresses.
				assert.Equal(t, tributary.ExternalGroup{ID: "group:confluence-users", Name: "confluence-users",
					MemberEmails: []string{"ana@example.com", "bo@example.com", "dara@example.com", "eli@example.com"}}, got[0])
				assert.Equal(t, []string{"ana@example.com", "bo@example.com", "eli@example.com"}, got[1].MemberEmails)
			})
		})
	}
}

func TestGroupsFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hidden bool
		fault  string
		want   error
	}{
		{name: "groups hidden from the account", hidden: true, want: tributary.ErrInsufficientPermissions},
		{name: "members fail midway", fault: "GET /wiki/rest/api/group/member", want: tributary.ErrTransient},
		{name: "groups fail", fault: "GET /wiki/rest/api/group", want: tributary.ErrTransient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 1, Pages: 2, Seed: 8}, confluenceemu.Options{})
				f.emu.Update(func(d *confluenceemu.Data) { d.Users[0].HideGroups = tc.hidden })
				if tc.fault != "" {
					f.emu.FailEvery(tc.fault, 1, emulator.Fault{Status: http.StatusBadGateway})
				}
				c := f.connector(t, f.settings())
				got, err := listGroups(t, c)
				assert.ErrorIs(t, err, tc.want)
				assert.Empty(t, got)
				assert.NotContains(t, err.Error(), testToken)

				r := tributary.Probe(t.Context(), c)[2]
				assert.Equal(t, tributary.CapGroupSync, r.Capability)
				if tc.hidden {
					assert.Equal(t, tributary.ProbeFailed, r.Status)
					assert.Equal(t, []string{"permission to view groups"}, r.Missing)
				} else {
					assert.Equal(t, tributary.ProbeIndeterminate, r.Status)
				}
			})
		})
	}
}
