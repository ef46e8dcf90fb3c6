package blob

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// Every document's link, and its id, map back to its id.
func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	f := newFixture(t, archiveObjects)
	c := f.connector(t, f.settings())
	got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	for _, d := range got.Documents {
		for _, raw := range []string{d.ID, " " + d.ID + "\n"} {
			id, err := tributary.NormalizeURL(t.Context(), c, raw)
			if assert.NoError(t, err, raw) {
				assert.Equal(t, d.ID, id)
			}
		}
		if len(d.Sections) > 0 && d.Sections[0].Link != "" {
			id, err := c.NormalizeURL(t.Context(), d.Sections[0].Link)
			if assert.NoError(t, err, d.Sections[0].Link) {
				assert.Equal(t, d.ID, id)
			}
		}
	}
	id, err := c.NormalizeURL(t.Context(), "https://s3.emulator.test/docs/docs/readme.txt?versionId=3")
	require.NoError(t, err)
	assert.Equal(t, "s3://docs/docs/readme.txt", id, "a query is dropped")
	for raw, kind := range map[string]any{
		"s3://other/docs/readme.txt":                        tributary.ErrForeignURL,
		"https://example.com/docs/readme.txt":               tributary.ErrForeignURL,
		"ftp://s3.emulator.test/docs/docs/readme.txt":       tributary.ErrForeignURL,
		"s3://docs/docs/":                                   tributary.ErrNotSupported,
		"https://s3.emulator.test/docs/docs/bundle.zip":     tributary.ErrNotSupported, // an archive
		"https://s3.emulator.test/docs/docs/":               tributary.ErrNotSupported,
		"https://s3.emulator.test/docs/docs/bundle.zip%zz":  tributary.ErrForeignURL, // not a URL
		"https://docs.s3.emulator.test/docs/readme.txt#top": "",
	} {
		_, err := c.NormalizeURL(t.Context(), raw)
		if kind == "" {
			assert.NoError(t, err, raw)
			continue
		}
		assert.ErrorIs(t, err, kind.(error), raw)
	}
}

// Amazon's own URL forms of an object map to its id.
func TestNormalizeURLAmazonForms(t *testing.T) {
	c, err := New(Settings{Bucket: "acme-docs", Region: "eu-west-1", Prefixes: []string{"guides/"}}, testCredentials(), tributary.Env{})
	require.NoError(t, err)
	for _, raw := range []string{
		"https://acme-docs.s3.eu-west-1.amazonaws.com/guides/setup%20notes.md",
		"https://acme-docs.s3.amazonaws.com/guides/setup%20notes.md",
		"https://s3.eu-west-1.amazonaws.com/acme-docs/guides/setup%20notes.md",
		"s3://acme-docs/guides/setup notes.md",
	} {
		id, err := c.NormalizeURL(t.Context(), raw)
		if assert.NoError(t, err, raw) {
			assert.Equal(t, "s3://acme-docs/guides/setup notes.md", id)
		}
	}
	_, err = c.NormalizeURL(t.Context(), "https://acme-docs.s3.amazonaws.com/other/x.md")
	assert.ErrorIs(t, err, tributary.ErrNotSupported, "outside the prefixes")
}

// The probe lists the bucket and reads a byte of an object; rejected keys
// fail it.
func TestProbe(t *testing.T) {
	f := newFixture(t, archiveObjects)
	res := tributary.Probe(t.Context(), f.connector(t, f.settings()))
	require.Len(t, res, 1)
	assert.Equal(t, tributary.ProbePassed, res[0].Status, "%v", res[0].Err)
	cr := testCredentials()
	cr.AccessKeyID = "AKIAREVOKED"
	bad, err := New(f.settings(), cr, f.env())
	require.NoError(t, err)
	res = tributary.Probe(t.Context(), bad)
	require.Len(t, res, 1)
	assert.Equal(t, tributary.ProbeFailed, res[0].Status)
	assert.ErrorIs(t, res[0].Err, tributary.ErrCredentialExpired)
}
