package github

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 20, PullShare: 0.5, Seed: 3}, githubemu.Options{})
	c := f.connector(t, f.settings("acme/repo-000"), f.env())
	ctx := context.Background()
	got := collect(ctx, c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	for _, d := range got.Documents {
		variants := []string{
			d.ID,
			d.ID + "#issuecomment-12345",
			d.ID + "/?notification_referrer_id=abc",
			strings.Replace(d.ID, "acme/repo-000", "ACME/Repo-000", 1),
			" " + d.ID + "\n",
		}
		if strings.Contains(d.ID, "/pull/") {
			variants = append(variants, d.ID+"/files", d.ID+"/files#diff-abc", d.ID+"/commits/0123abc")
		}
		for _, v := range variants {
			id, err := tributary.NormalizeURL(ctx, c, v)
			if assert.NoError(t, err, v) {
				assert.Equal(t, d.ID, id, v)
			}
		}
	}
}

func TestNormalizeURLRefusesOthers(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 1, Seed: 3}, githubemu.Options{})
	c := f.connector(t, f.settings("acme/repo-000"), f.env())
	ctx := context.Background()
	for raw, kind := range map[string]error{
		"https://github.com/acme/other/issues/1":    tributary.ErrForeignURL,
		"https://gitlab.com/acme/repo-000/issues/1": tributary.ErrForeignURL,
		"ftp://github.com/acme/repo-000/issues/1":   tributary.ErrForeignURL,
		"::not a url": tributary.ErrForeignURL,
		"https://github.com/acme/repo-000/issues":         tributary.ErrNotSupported,
		"https://github.com/acme/repo-000/issues/0":       tributary.ErrNotSupported,
		"https://github.com/acme/repo-000/issues/01":      tributary.ErrNotSupported,
		"https://github.com/acme/repo-000/blob/main/x.go": tributary.ErrNotSupported,
		"https://github.com/acme/repo-000/pull/x":         tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(ctx, raw)
		assert.ErrorIs(t, err, kind, raw)
	}
}

func TestNormalizeURLOwnerAndEnterprise(t *testing.T) {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = "https://git.corp.example/api/v3"
	s.Owner = "acme"
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, tributary.Env{})
	require.NoError(t, err)
	id, err := c.NormalizeURL(context.Background(), "https://GIT.corp.example/acme/tool/pull/7/files")
	require.NoError(t, err)
	assert.Equal(t, "https://git.corp.example/acme/tool/pull/7", id)
	_, err = c.NormalizeURL(context.Background(), "https://git.corp.example/other/tool/pull/7")
	assert.ErrorIs(t, err, tributary.ErrForeignURL)
}
