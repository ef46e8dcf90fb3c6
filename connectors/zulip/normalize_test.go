package zulip

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURL(t *testing.T) {
	c, err := New(testSettings(), adminCredentials(), tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	topic := c.topicID(42, "release plan 2.0/beta")
	for raw, want := range map[string]string{
		testSite + "/#narrow/channel/42-general/topic/release.20plan.202.2E0.2Fbeta":          topic,
		testSite + "/#narrow/stream/42-general/topic/release.20plan.202.2E0.2Fbeta/near/9001": topic,
		testSite + "/#narrow/channel/42/topic/release.20plan.202.2E0.2Fbeta/with/9001":        topic,
		testSite + "/#narrow/channel/42-general/subject/release.20plan.202.2E0.2Fbeta":        topic,
		testSite + "/#narrow/channel/42-general/topic/release%2E20plan%2E202%2E2E0%2E2Fbeta":  topic,
		"  " + testSite + "/#narrow/channel/42-general/topic/release.20plan.202.2E0.2Fbeta  ": topic,
		"HTTP://ZULIP.TEST/#narrow/channel/42-general/topic/release.20plan.202.2E0.2Fbeta":    topic,
		testSite + "/#narrow/channel/7-random/topic/caf.C3.A9":                                c.topicID(7, "café"),
		testSite + "/#narrow/channel/7-random/topic/" + encodeHash("100% sure. Really?"):      c.topicID(7, "100% sure. Really?"),
	} {
		got, err := c.NormalizeURL(context.Background(), raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, got, raw)
		if want == topic {
			stream, name, ok := c.parseTopicID(got)
			require.True(t, ok)
			require.Equal(t, int64(42), stream)
			require.Equal(t, "release plan 2.0/beta", name)
		}
	}
	for raw, kind := range map[string]error{
		"https://other.zulipchat.com/#narrow/channel/42-general/topic/x": tributary.ErrForeignURL,
		testSite + "/sub/#narrow/channel/42-general/topic/x":             tributary.ErrForeignURL,
		"mailto:someone@zulip.test":                                      tributary.ErrForeignURL,
		"%zz":                                                            tributary.ErrForeignURL,
		testSite + "/#narrow/channel/42-general":                         tributary.ErrNotSupported,
		testSite + "/#narrow/stream/general/topic/x":                     tributary.ErrNotSupported,
		testSite + "/#narrow/dm/12,13-group":                             tributary.ErrNotSupported,
		testSite + "/#narrow/channel/42-general/search/x/topic/y":        tributary.ErrNotSupported,
		testSite + "/#narrow/channel/42-general/topic/bad.zz":            tributary.ErrNotSupported,
		testSite + "/#inbox":                                             tributary.ErrNotSupported,
		testSite + "/":                                                   tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(context.Background(), raw)
		require.Error(t, err, raw)
		require.True(t, errors.Is(err, kind), "%s: %v", raw, err)
	}
}
