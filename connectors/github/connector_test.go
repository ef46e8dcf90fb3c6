package github

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/githubemu"
)

func TestLoadEverything(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 3, Items: 130, PullShare: 0.4, Seed: 1}, githubemu.Options{})
	repos := []string{"acme/repo-000", "acme/repo-002"}
	c := f.connector(t, f.settings(repos...), f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	assert.Empty(t, got.failures)
	assert.Equal(t, f.expectedIDs(repos, time.Time{}, time.Time{}, anyItem), got.ids())
	assert.Len(t, got.nodes, 2)
}
