package salesforce

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

func TestID18(t *testing.T) {
	for in, want := range map[string]string{
		"001A0000006Vm9r":    "001A0000006Vm9rIAC",
		"001A0000006Vm9rIAC": "001A0000006Vm9rIAC",
		"001a0000006vm9riac": "001A0000006Vm9rIAC", // case restored from the suffix
		"5005g0000000001":    "5005g0000000001AAA",
	} {
		got, ok := id18(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, salesforceemu.ID18(want[:15]), got, "agrees with the emulator")
	}
	for _, bad := range []string{"", "001A0000006Vm9", "001A0000006Vm9r!", "001A0000006Vm9rIA", "0010000000000009ZZ", "001A0000006Vm9r___"} {
		_, ok := id18(bad)
		assert.False(t, ok, bad)
	}
}

func TestNormalizeURL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, salesforceemu.GenerateOptions{Accounts: 2, Cases: 2}, salesforceemu.Options{})
		s := f.settings()
		s.Objects, s.Knowledge = []string{ObjectAccount, ObjectCase}, false
		c, err := New(s, creds(0), f.env())
		require.NoError(t, err)
		acct := f.data.Objects[salesforceemu.Account].Records[1].ID()
		cs := f.data.Objects[salesforceemu.Case].Records[0].ID()
		want := testInstance + "/lightning/r/Account/" + acct + "/view"
		for _, in := range []string{
			want,
			"https://acme.lightning.force.com/lightning/r/Account/" + acct + "/view",
			"https://acme.lightning.force.com/lightning/r/account/" + acct[:15] + "/related/Contacts/view?ws=1#x",
			"https://ACME.my.salesforce.com/" + acct[:15],
			"https://acme.my.salesforce.com/" + strings.ToLower(acct),
			"https://acme.my.salesforce.com/" + acct + "/e",
		} {
			got, err := c.NormalizeURL(t.Context(), in)
			require.NoError(t, err, in)
			assert.Equal(t, want, got, in)
		}
		got, err := c.NormalizeURL(t.Context(), "https://acme.my.salesforce.com/"+cs[:15])
		require.NoError(t, err)
		assert.Equal(t, testInstance+"/lightning/r/Case/"+cs+"/view", got, "the object from the key prefix")

		for in, kind := range map[string]error{
			"https://other.my.salesforce.com/" + acct:                           tributary.ErrForeignURL,
			"https://acme.lightning.force.com.evil.example/" + acct:             tributary.ErrForeignURL,
			"ftp://acme.my.salesforce.com/" + acct:                              tributary.ErrForeignURL,
			"https://acme.my.salesforce.com/lightning/o/Account/list":           tributary.ErrNotSupported,
			"https://acme.my.salesforce.com/lightning/r/Lead/" + acct + "/view": tributary.ErrNotSupported,
			"https://acme.my.salesforce.com/0065g0000000001":                    tributary.ErrNotSupported,
			"https://acme.my.salesforce.com/lightning/r/Account/nope/view":      tributary.ErrNotSupported,
			"https://acme.my.salesforce.com/setup/home":                         tributary.ErrNotSupported,
		} {
			_, err := c.NormalizeURL(t.Context(), in)
			assert.ErrorIs(t, err, kind, in)
		}
	})
}

func TestOrgHost(t *testing.T) {
	assert.True(t, orgHost("https://acme--uat.sandbox.my.salesforce.com", "acme--uat.sandbox.lightning.force.com"))
	assert.False(t, orgHost("https://acme--uat.sandbox.my.salesforce.com", "acme--uat.lightning.force.com"))
	assert.True(t, orgHost("https://na1.salesforce.com", "NA1.salesforce.com"))
	assert.False(t, orgHost("https://na1.salesforce.com", "na1.lightning.force.com"))
}
