package slack_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
)

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), nil)
		got := collect(t.Context(), f.c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.NotEmpty(t, got.Documents)
		threads := 0
		for _, d := range got.Documents {
			variants := []string{d.ID, d.ID + "#top", strings.Replace(d.ID, "emulated", "EMULATED", 1)}
			for _, s := range d.Sections {
				variants = append(variants, s.Link)
				if s.Link != d.ID {
					threads++
				}
			}
			for _, v := range variants {
				id, err := tributary.NormalizeURL(t.Context(), f.c, v)
				if assert.NoError(t, err, v) {
					assert.Equal(t, d.ID, id, v)
				}
			}
		}
		assert.Positive(t, threads, "some replies' permalinks were checked")
	})
}

func TestNormalizeURLRefusesOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallWorkspace(), func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"C00000001"} })
		for raw, kind := range map[string]error{
			"https://other.slack.com/archives/C00000001/p1700000000000100":                tributary.ErrForeignURL,
			"https://emulated.slack.com/archives/C00000002/p1700000000000100":             tributary.ErrForeignURL,
			"mailto:someone@example.com":                                                  tributary.ErrForeignURL,
			"https://emulated.slack.com/archives/C00000001":                               tributary.ErrNotSupported,
			"https://emulated.slack.com/archives/C00000001/pabc":                          tributary.ErrNotSupported,
			"https://emulated.slack.com/archives/C00000001/p1700000000000100?thread_ts=x": tributary.ErrNotSupported,
		} {
			_, err := f.c.NormalizeURL(t.Context(), raw)
			assert.ErrorIs(t, err, kind, raw)
		}
	})
}
