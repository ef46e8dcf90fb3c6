package tributary_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

type pos struct {
	Page   int    `json:"page"`
	Cursor string `json:"cursor,omitempty"`
}

func TestCheckpointRoundTrip(t *testing.T) {
	cp, err := tributary.EncodeCheckpoint("github", 2, pos{Page: 3, Cursor: "abc"})
	require.NoError(t, err)
	got, ok, err := tributary.DecodeCheckpoint[pos](cp, "github", 2)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, pos{Page: 3, Cursor: "abc"}, got)

	got, ok, err = tributary.DecodeCheckpoint[pos](nil, "github", 2)
	require.NoError(t, err)
	assert.False(t, ok, "an empty checkpoint means start")
	assert.Zero(t, got)
}

func TestCheckpointRefusesBadInput(t *testing.T) {
	good, err := tributary.EncodeCheckpoint("github", 2, pos{Page: 1})
	require.NoError(t, err)
	cases := map[string]struct {
		cp   tributary.Checkpoint
		want string
	}{
		"other connector": {good, `made by "github", not "slack"`},
		"garbage":         {tributary.Checkpoint("\x00\xffnot json"), "malformed"},
		"truncated":       {good[:len(good)-3], "malformed"},
		"no state":        {tributary.Checkpoint(`{"kind":"slack","version":2}`), "no state"},
		"unknown field":   {tributary.Checkpoint(`{"kind":"slack","version":2,"state":{"pagex":1}}`), "unknown field"},
		"wrong type":      {tributary.Checkpoint(`{"kind":"slack","version":2,"state":{"page":"x"}}`), "state"},
		"too large":       {tributary.Checkpoint(strings.Repeat(" ", tributary.MaxCheckpointSize+1)), "bound"},
		"trailing":        {tributary.Checkpoint(`{"kind":"slack","version":2,"state":{"page":1}} {}`), "trailing"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := tributary.DecodeCheckpoint[pos](tc.cp, "slack", 2)
			require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, _, err = tributary.DecodeCheckpoint[pos](good, "github", 3)
	require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
	assert.Contains(t, err.Error(), "version 2, this build reads version 3")
}

func TestCheckpointSizeBound(t *testing.T) {
	_, err := tributary.EncodeCheckpoint("web", 1, map[string]string{"frontier": strings.Repeat("x", tributary.MaxCheckpointSize)})
	require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
	assert.Contains(t, err.Error(), "over the")
	_, err = tributary.EncodeCheckpoint("web", 1, func() {})
	require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
}

func FuzzDecodeCheckpoint(f *testing.F) {
	good, _ := tributary.EncodeCheckpoint("github", 1, pos{Page: 1, Cursor: "c"})
	f.Add([]byte(good))
	f.Add([]byte(`{"kind":"github","version":1,"state":null}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok, err := tributary.DecodeCheckpoint[pos](b, "github", 1)
		if err != nil {
			assert.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
			return
		}
		if ok {
			// Whatever decodes re-encodes to an equivalent checkpoint.
			again, err := tributary.EncodeCheckpoint("github", 1, got)
			require.NoError(t, err)
			back, _, err := tributary.DecodeCheckpoint[pos](again, "github", 1)
			require.NoError(t, err)
			assert.Equal(t, got, back)
		}
	})
}

func TestItemKind(t *testing.T) {
	assert.Equal(t, tributary.ItemDocument, tributary.DocumentItem(&tributary.Document{ID: "a"}).Kind())
	assert.Equal(t, tributary.ItemDeletion, tributary.DeletionItem("a").Kind())
	assert.Equal(t, tributary.ItemNode, tributary.NodeItem(&tributary.HierarchyNode{ID: "n"}).Kind())
	assert.Equal(t, tributary.ItemFailure, tributary.FailureItem(&tributary.Failure{DocumentID: "a"}).Kind())
	assert.Equal(t, tributary.ItemCheckpoint, tributary.CheckpointItem(tributary.Checkpoint(`{}`)).Kind())
	assert.Equal(t, tributary.ItemInvalid, tributary.Item{}.Kind())
	assert.Equal(t, tributary.ItemInvalid, tributary.Item{Deletion: "a", Document: &tributary.Document{}}.Kind())
}
