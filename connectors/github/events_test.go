package github

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

const testWebhookSecret = "whsec-emulated"

// delivery returns the event GitHub would deliver for an item.
func delivery(f *fixture, repo string, number int, action, secret string) tributary.Event {
	r := f.data.Repo(repo)
	h, body := f.emu.Webhook(r, r.Items[number-1], action, secret)
	return tributary.Event{Type: tributary.EventWebhook, Header: h, Body: body}
}

func eventItems(t *testing.T, c *Connector, ev tributary.Event) ([]tributary.Item, error) {
	t.Helper()
	var items []tributary.Item
	for it, err := range c.HandleEvent(context.Background(), ev) {
		if err != nil {
			return items, err
		}
		items = append(items, it)
	}
	return items, nil
}

func TestWebhookDeliveries(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 3, Items: 10, PullShare: 0.5, Comments: 2, Seed: 3}, githubemu.Options{})
	s := f.settings(twoRepos...)
	s.IncludeComments = true
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken), WebhookSecret: tributary.NewSecret(testWebhookSecret)}, f.env())
	require.NoError(t, err)

	for n := 1; n <= 4; n++ {
		it := f.data.Repo("acme/repo-000").Items[n-1]
		items, err := eventItems(t, c, delivery(f, "acme/repo-000", n, "edited", testWebhookSecret))
		require.NoError(t, err)
		require.Len(t, items, 2)
		require.NotNil(t, items[0].Node, "the repository comes first")
		d := items[1].Document
		require.NotNil(t, d)
		assert.Equal(t, itemURL("acme/repo-000", it), d.ID)
		assert.Equal(t, items[0].Node.ID, d.ParentID)
		assert.True(t, it.UpdatedAt.Equal(d.UpdatedAt))
		assert.Len(t, d.Sections, 1+len(it.Comments))
	}

	items, err := eventItems(t, c, delivery(f, "acme/repo-000", 2, "deleted", testWebhookSecret))
	require.NoError(t, err)
	require.Len(t, items, 1)
	assert.Equal(t, itemURL("acme/repo-000", f.data.Repos[0].Items[1]), items[0].Deletion)

	items, err = eventItems(t, c, delivery(f, "acme/repo-001", 1, "opened", testWebhookSecret))
	require.NoError(t, err)
	assert.Empty(t, items, "repo-001 is not read")
}

func TestWebhookSignatures(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 3, Seed: 3}, githubemu.Options{})
	c, err := New(f.settings("acme/repo-000"), Credentials{Token: tributary.NewSecret(testToken), WebhookSecret: tributary.NewSecret(testWebhookSecret)}, f.env())
	require.NoError(t, err)
	_, err = eventItems(t, c, delivery(f, "acme/repo-000", 1, "opened", "another-secret"))
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)

	ev := delivery(f, "acme/repo-000", 1, "opened", testWebhookSecret)
	ev.Body = append([]byte(nil), ev.Body...)
	ev.Body[len(ev.Body)-2] ^= 1
	_, err = eventItems(t, c, ev)
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "a changed body fails the signature")

	unsigned := delivery(f, "acme/repo-000", 1, "opened", testWebhookSecret)
	http.Header(unsigned.Header).Del("X-Hub-Signature-256")
	_, err = eventItems(t, c, unsigned)
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)

	noSecret := f.connector(t, f.settings("acme/repo-000"), f.env())
	_, err = eventItems(t, noSecret, delivery(f, "acme/repo-000", 1, "opened", testWebhookSecret))
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), testWebhookSecret)
}

// An item closed while only open ones are read leaves the index.
func TestWebhookStateFilter(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 12, Seed: 3}, githubemu.Options{})
	s := f.settings("acme/repo-000")
	s.State = "open"
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken), WebhookSecret: tributary.NewSecret(testWebhookSecret)}, f.env())
	require.NoError(t, err)
	for _, it := range f.data.Repos[0].Items {
		items, err := eventItems(t, c, delivery(f, "acme/repo-000", it.Number, "edited", testWebhookSecret))
		require.NoError(t, err)
		if it.State == "closed" {
			require.Len(t, items, 1)
			assert.Equal(t, itemURL("acme/repo-000", it), items[0].Deletion)
		} else {
			require.Len(t, items, 2)
			assert.Equal(t, itemURL("acme/repo-000", it), items[1].Document.ID)
		}
	}
}
