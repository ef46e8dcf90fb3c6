package googleemu

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestQueryLanguage(t *testing.T) {
	d := &Data{Groups: []*Group{{Email: "eng@acme.test", Members: []string{"bo@acme.test"}}}}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 123_456_789, time.UTC)
	f := &File{ID: "1A", Name: "it's.txt", MimeType: "text/plain", Parent: "1P", Owner: "ana@acme.test", Modified: t0,
		Permissions: []Permission{{Type: "group", EmailAddress: "eng@acme.test"}}}
	for _, tc := range []struct {
		q      string
		caller string
		want   bool
	}{
		{"", "ana@acme.test", true},
		{"'1P' in parents", "", true},
		{"'1Q' in parents", "", false},
		{"'me' in owners", "ana@acme.test", true},
		{"'me' in owners", "bo@acme.test", false},
		{"'ana@acme.test' in owners", "bo@acme.test", true},
		{"sharedWithMe = true", "bo@acme.test", true},
		{"sharedWithMe = true", "ana@acme.test", false},
		{`name = 'it\'s.txt'`, "", true},
		{"mimeType != 'text/plain' or trashed = false", "", true},
		{"not (mimeType = 'text/plain' and trashed = false)", "", false},
		{"modifiedTime >= '2024-05-01T10:00:00.123Z'", "", true}, // compared to the millisecond
		{"modifiedTime > '2024-05-01T10:00:00.123Z'", "", false},
		{"modifiedTime < '2024-05-01T10:00:00.124Z' and createdTime < '2025-01-01T00:00:00Z'", "", true},
	} {
		m, err := compileQuery(tc.q)
		require.NoError(t, err, tc.q)
		require.Equal(t, tc.want, m(f, tc.caller, d), "%s as %s", tc.q, tc.caller)
	}
	for _, bad := range []string{"name contains 'x'", "'x' in writers", "modifiedTime > 'yesterday'", "(trashed = false", "trashed = maybe", "'open"} {
		_, err := compileQuery(bad)
		require.Error(t, err, bad)
	}
}

func TestFieldMasks(t *testing.T) {
	v := map[string]any{"a": 1, "b": map[string]any{"c": 2, "d": 3}, "e": []any{map[string]any{"f": 4, "g": 5}}}
	for mask, want := range map[string]map[string]any{
		"a":         {"a": 1},
		"b(c),e(g)": {"b": map[string]any{"c": 2}, "e": []any{map[string]any{"g": 5}}},
		"b/d":       {"b": map[string]any{"d": 3}},
		"a,b(*)":    {"a": 1, "b": map[string]any{"c": 2, "d": 3}},
		"*":         v,
	} {
		m, err := parseMask(mask)
		require.NoError(t, err, mask)
		require.Equal(t, want, m.apply(v), mask)
	}
	for _, bad := range []string{"a(", "a,,b", "a)b"} {
		_, err := parseMask(bad)
		require.Error(t, err, bad)
	}
}
