package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
)

func TestRunReadsTheEmulatorWithoutAToken(t *testing.T) {
	var out, log bytes.Buffer
	require.NoError(t, run(t.Context(), slack.Settings{IncludePrivate: true}, "", &out, &log))
	n := 0
	for l := range strings.Lines(out.String()) {
		var d tributary.Document
		require.NoError(t, json.Unmarshal([]byte(l), &d))
		assert.True(t, strings.HasPrefix(d.ID, "https://emulated.slack.com/archives/"), d.ID)
		n++
	}
	assert.Equal(t, 30, n, "three channels of twelve messages, two of them bot messages each")
	assert.Contains(t, log.String(), "30 documents, 0 failures")
}
