package zendesk

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, zendeskemu.Options{})
	c := f.connector(t, f.settings("en-us", "de"), f.env())
	for in, want := range map[string]string{
		testBase + "/hc/en-us/articles/360001-How-to-reset?x=1#steps": testBase + "/hc/en-us/articles/360001",
		testBase + "/hc/DE/articles/360001":                           testBase + "/hc/de/articles/360001",
		testBase + "/api/v2/help_center/de/articles/7.json":           testBase + "/hc/de/articles/7",
		testBase + "/agent/tickets/42":                                testBase + "/agent/tickets/42",
		testBase + "/agent/tickets/42/events":                         testBase + "/agent/tickets/42",
		testBase + "/hc/en-us/requests/42":                            testBase + "/agent/tickets/42",
		"HTTP://ZENDESK.TEST/api/v2/tickets/42.json":                  testBase + "/agent/tickets/42",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for in, kind := range map[string]error{
		"https://other.zendesk.com/agent/tickets/42": tributary.ErrForeignURL,
		testBase + "/hc/fr/articles/1":               tributary.ErrForeignURL,
		testBase + "/hc/en-us/sections/5-Billing":    tributary.ErrNotSupported,
		testBase + "/agent/tickets/0":                tributary.ErrNotSupported,
		"not a url at all":                           tributary.ErrForeignURL,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.True(t, errors.Is(err, kind), "%s: %v", in, err)
	}
}
