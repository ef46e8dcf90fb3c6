package mock_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

func TestNormalizeURLGivesLoadedIDs(t *testing.T) {
	c, err := mock.New(mock.Sample(6), mock.Credentials{}, tributary.Env{})
	require.NoError(t, err)
	ctx := context.Background()
	n := 0
	for d, err := range tributary.Load(ctx, c) {
		require.NoError(t, err)
		variants := []string{d.ID, d.ID + "#part"}
		for _, s := range d.Sections {
			variants = append(variants, s.Link)
		}
		for _, v := range variants {
			id, err := tributary.NormalizeURL(ctx, c, v)
			if assert.NoError(t, err, v) {
				assert.Equal(t, d.ID, id, v)
			}
		}
		n++
	}
	assert.Equal(t, 6, n)
	_, err = c.NormalizeURL(ctx, "mock://docs/99")
	assert.ErrorIs(t, err, tributary.ErrForeignURL)
}
