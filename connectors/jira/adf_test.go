package jira

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderADF(t *testing.T) {
	for _, tc := range []struct {
		name, adf, want string
	}{
		{"paragraphs", `{"type":"doc","version":1,"content":[
			{"type":"paragraph","content":[{"type":"text","text":"Hello "},{"type":"text","text":"world","marks":[{"type":"strong"}]}]},
			{"type":"paragraph","content":[{"type":"text","text":"line one"},{"type":"hardBreak"},{"type":"text","text":"line two"}]}]}`,
			"Hello world\n\nline one\nline two"},
		{"heading", `{"type":"doc","content":[{"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Title"}]},
			{"type":"paragraph","content":[{"type":"text","text":"body"}]}]}`, "Title\n\nbody"},
		{"bullet and nested lists", `{"type":"doc","content":[{"type":"bulletList","content":[
			{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]},
				{"type":"orderedList","attrs":{"order":3},"content":[
					{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
					{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}]},
			{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]}]}`,
			"- one\n  3. a\n  4. b\n- two"},
		{"code block", `{"type":"doc","content":[{"type":"codeBlock","attrs":{"language":"go"},"content":[{"type":"text","text":"x := 1\ny := 2"}]}]}`,
			"```go\nx := 1\ny := 2\n```"},
		{"mention emoji status date", `{"type":"doc","content":[{"type":"paragraph","content":[
			{"type":"mention","attrs":{"id":"5b10","text":"@Ana Silva"}},{"type":"text","text":" "},
			{"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},{"type":"text","text":" "},
			{"type":"status","attrs":{"text":"DONE","color":"green"}},{"type":"text","text":" "},
			{"type":"date","attrs":{"timestamp":"1700000000000"}}]}]}`,
			"@Ana Silva 😄 [DONE] 2023-11-14"},
		{"links and cards", `{"type":"doc","content":[{"type":"paragraph","content":[
			{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"https://example.com/d"}}]},
			{"type":"text","text":" and "},
			{"type":"text","text":"https://example.com/same","marks":[{"type":"link","attrs":{"href":"https://example.com/same"}}]},
			{"type":"text","text":" and "},{"type":"inlineCard","attrs":{"url":"https://example.com/card"}}]}]}`,
			"docs (https://example.com/d) and https://example.com/same and https://example.com/card"},
		{"table", `{"type":"doc","content":[{"type":"table","content":[
			{"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Name"}]}]},
				{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Role"}]}]}]},
			{"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"Ana"}]}]},
				{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"Lead"}]}]}]}]}]}`,
			"Name | Role\nAna | Lead"},
		{"blockquote panel rule", `{"type":"doc","content":[{"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"quoted"}]}]},
			{"type":"rule"},{"type":"panel","attrs":{"panelType":"info"},"content":[{"type":"paragraph","content":[{"type":"text","text":"note"}]}]}]}`,
			"> quoted\n\n---\n\nnote"},
		{"tasks", `{"type":"doc","content":[{"type":"taskList","content":[
			{"type":"taskItem","attrs":{"state":"DONE"},"content":[{"type":"text","text":"ship"}]},
			{"type":"taskItem","attrs":{"state":"TODO"},"content":[{"type":"text","text":"test"}]}]}]}`,
			"[x] ship\n[ ] test"},
		{"unknown node types keep their text", `{"type":"doc","content":[{"type":"futureBlock","content":[
			{"type":"paragraph","content":[{"type":"text","text":"inside"}]},{"type":"futureInline","text":"raw"}]}]}`,
			"inside\n\nraw"},
		{"media and expand", `{"type":"doc","content":[{"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"x"}},
			{"type":"caption","content":[{"type":"text","text":"diagram"}]}]},
			{"type":"expand","attrs":{"title":"Details"},"content":[{"type":"paragraph","content":[{"type":"text","text":"hidden"}]}]}]}`,
			"diagram\n\nDetails\n\nhidden"},
		{"empty", `{"type":"doc","version":1,"content":[]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := bodyText(json.RawMessage(tc.adf))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBodyTextServerStringAndNull(t *testing.T) {
	got, err := bodyText(json.RawMessage(`"h1. Title\n*bold* text "`))
	require.NoError(t, err)
	assert.Equal(t, "h1. Title\n*bold* text", got)
	got, err = bodyText(json.RawMessage(`null`))
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = bodyText(json.RawMessage(`{"type":`))
	assert.Error(t, err)
}

// A hostile tree nested deeper than the walker goes renders without
// blowing the stack.
func TestRenderADFDeepNesting(t *testing.T) {
	inner := `{"type":"paragraph","content":[{"type":"text","text":"deep"}]}`
	for range 300 {
		inner = `{"type":"blockquote","content":[` + inner + `]}`
	}
	got, err := bodyText(json.RawMessage(`{"type":"doc","content":[` + inner + `]}`))
	require.NoError(t, err)
	assert.False(t, strings.Contains(got, "deep"), "text below the depth bound is dropped")
}

func FuzzBodyText(f *testing.F) {
	f.Add(`{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"x"}]}]}`)
	f.Add(`{"type":"table","content":[null,{"type":"tableRow","content":[null]}]}`)
	f.Add(`"plain"`)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = bodyText(json.RawMessage(s))
	})
}
