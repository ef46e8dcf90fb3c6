package hubspot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, hubspotemu.Options{})
	s := f.settings()
	s.Objects = []string{TypeCompanies, TypeContacts, TypeDeals}
	c := f.connector(t, s, fast)
	deal := testApp + "/record/0-3/1234"
	for in, want := range map[string]string{
		deal:                                    deal,
		deal + "/view/1?interaction=note#notes": deal,
		"https://app.hubspot.com/contacts/7700123/deal/1234/":   deal,
		"http://APP.hubspot.com/contacts/7700123/record/0-1/77": testApp + "/record/0-1/77",
		"https://app.hubspot.com/contacts/7700123/company/5":    testApp + "/record/0-2/5",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for in, kind := range map[string]error{
		testApp + "/record/0-5/9":                                 tributary.ErrNotSupported, // tickets are not read
		testApp + "/objects/0-3/views/all/list":                   tributary.ErrNotSupported,
		testApp + "/record/0-3/abc":                               tributary.ErrNotSupported,
		"https://app.hubspot.com/contacts/99/record/0-3/1":        tributary.ErrForeignURL,
		"https://app-eu1.hubspot.com/contacts/7700123/deal/1234/": tributary.ErrForeignURL,
		"https://example.com/contacts/7700123/deal/1234/":         tributary.ErrForeignURL,
		"mailto:ada@example.com":                                  tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		require.ErrorIs(t, err, kind, in)
	}
}
