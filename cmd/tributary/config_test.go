package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

type testCreds struct {
	Token    tributary.Secret `json:"token"`
	Username string           `json:"username"`
}

var testReg = tributary.Registration{Source: "test", Credentials: testCreds{}}

func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestLoadConfigYAMLAndJSON(t *testing.T) {
	env := envOf(map[string]string{"TOKEN": "tok-123456", "ROOT": "/srv/docs"})
	for name, content := range map[string]string{
		"c.yaml": "settings:\n  root: ${ROOT}/a\n  depth: 3\n  on: yes\n  flag: true\ncredentials:\n  token: ${TOKEN}\n  username: bob\n",
		"c.json": `{"settings": {"root": "${ROOT}/a", "depth": 3, "on": "yes", "flag": true}, "credentials": {"token": "${TOKEN}", "username": "bob"}}`,
		"c.conf": `{"settings": {"root": "${ROOT}/a", "depth": 3, "on": "yes", "flag": true}, "credentials": {"token": "${TOKEN}", "username": "bob"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadConfig(writeFile(t, name, content), testReg, env)
			require.NoError(t, err)
			assert.JSONEq(t, `{"root": "/srv/docs/a", "depth": 3, "on": "yes", "flag": true}`, string(cfg.Settings))
			assert.JSONEq(t, `{"token": "tok-123456", "username": "bob"}`, string(cfg.Credentials))
			assert.Equal(t, []string{"tok-123456"}, cfg.Secrets)
		})
	}
}

func TestLoadConfigEmpty(t *testing.T) {
	cfg, err := loadConfig("", testReg, envOf(nil))
	require.NoError(t, err)
	assert.Nil(t, cfg.Settings)
	cfg, err = loadConfig(writeFile(t, "empty.yaml", ""), testReg, envOf(nil))
	require.NoError(t, err)
	assert.Nil(t, cfg.Settings)
	assert.Nil(t, cfg.Credentials)
}

func TestExpand(t *testing.T) {
	x := &expander{lookup: envOf(map[string]string{"A": "alpha", "EMPTY": ""})}
	for in, want := range map[string]string{
		"plain":              "plain",
		"${A}":               "alpha",
		"x-${A}-${A}-y":      "x-alpha-alpha-y",
		"${EMPTY}":           "",
		"${MISSING:-dflt}":   "dflt",
		"${A:-dflt}":         "alpha",
		"$${A}":              "${A}",
		"cost: $5 and $$ok":  "cost: $5 and $$ok",
		"$A stays":           "$A stays",
		"${EMPTY:-not used}": "",
	} {
		assert.Equal(t, want, x.expand("f", in), in)
	}
	assert.Empty(t, x.problems)
}

func TestExpandProblems(t *testing.T) {
	x := &expander{lookup: envOf(nil)}
	x.expand("settings.a", "${NOPE}")
	x.expand("settings.b", "${bad-name}")
	x.expand("settings.c", "${UNTERMINATED")
	require.Len(t, x.problems, 3)
	var fe *tributary.FieldError
	require.ErrorAs(t, x.problems[0], &fe)
	assert.Equal(t, "settings.a", fe.Field)
	assert.Contains(t, fe.Problem, "NOPE is not set")
	assert.Contains(t, x.problems[1].Error(), "settings.b: invalid environment variable name")
	assert.Contains(t, x.problems[2].Error(), "settings.c: unterminated")
}

func TestLoadConfigProblems(t *testing.T) {
	tests := map[string]struct {
		content string
		fields  []string
	}{
		"unset variables": {"settings:\n  a: ${X1}\n  list: [ok, '${X2}']\ncredentials:\n  token: ${X3}\n",
			[]string{"credentials.token", "settings.a", "settings.list[1]"}},
		"unknown top level": {"settings: {}\nsecrets: {}\n", []string{"secrets"}},
		"not an object":     {"- a\n- b\n", nil},
		"bad yaml":          {"settings: {a: [\n", nil},
		"bad json":          {`{"settings": }`, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			file := "c.yaml"
			if strings.HasPrefix(tt.content, "{") {
				file = "c.json"
			}
			_, err := loadConfig(writeFile(t, file, tt.content), testReg, envOf(nil))
			require.Error(t, err)
			assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
			var got []string
			for _, p := range tributary.ConfigProblems(err) {
				got = append(got, p.Field)
			}
			assert.Equal(t, tt.fields, got)
		})
	}
}

func TestLoadConfigJSONErrorPositions(t *testing.T) {
	tests := map[string]struct{ content, want string }{
		"trailing comma": {"{\n  \"settings\": {\n    \"roots\": [\"docs\"],\n  }\n}\n", "line 4, column 3: invalid character '}'"},
		"bad value":      {`{"settings": {"roots": ["dé", x]}}`, "line 1, column 31: invalid character 'x'"},
		"cut short":      {"{\n  \"settings\": {\n", "line 3, column 1: unexpected EOF"},
		"cut in a list":  {`{"settings": {"roots": ["a"`, "line 1, column 28: unexpected EOF"},
		"no colon":       {"{\"settings\" {}}", "line 1, column 13: invalid character '{' after object key"},
		"data after":     {"{}\n\n  {}", "line 3, column 3: data after the top-level object"},
		"empty":          {"", "not valid JSON: the file holds no value"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(writeFile(t, "c.json", tt.content), testReg, envOf(nil))
			assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestLoadConfigYAMLErrorPositions(t *testing.T) {
	tests := map[string]struct{ content, want string }{
		"indent":        {"settings:\n  roots:\n    - path: docs\n   exclude: [x]\n", "line 4, column 4:"},
		"unclosed flow": {"settings:\n  roots: [docs\n  other: 1\ncredentials: {}\n", "line 3, column 3:"},
		"list and map":  {"settings:\n  - a\n  b: c\n", "line 3, column 3:"},
		"tab":           {"settings:\n  roots:\n    - path: docs\n\texclude: x\n", "line 4, column 1:"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(writeFile(t, "c.yaml", tt.content), testReg, envOf(nil))
			assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
			assert.ErrorContains(t, err, "not valid YAML: "+tt.want)
		})
	}
}

func TestLoadConfigDuplicateKey(t *testing.T) {
	_, err := loadConfig(writeFile(t, "c.yaml", "settings:\n  roots: [a]\n  roots: [b]\n"), testReg, envOf(nil))
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Equal(t, []tributary.FieldError{{Field: "settings.roots", Problem: "given twice, on lines 2 and 3"}},
		derefAll(tributary.ConfigProblems(err)))
}

func TestLoadConfigJSONDuplicateKey(t *testing.T) {
	_, err := loadConfig(writeFile(t, "c.json", "{\"settings\": {\n  \"roots\": [\"a\"],\n  \"x\": {\"roots\": 1},\n  \"roots\": [\"b\"]\n}}"), testReg, envOf(nil))
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Equal(t, []tributary.FieldError{{Field: "settings.roots", Problem: "given twice, on lines 2 and 4"}},
		derefAll(tributary.ConfigProblems(err)))
}

func derefAll(ps []*tributary.FieldError) []tributary.FieldError {
	out := make([]tributary.FieldError, 0, len(ps))
	for _, p := range ps {
		out = append(out, *p)
	}
	return out
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := loadConfig(filepath.Join(t.TempDir(), "nope.yaml"), testReg, envOf(nil))
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestLoadConfigAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("settings: *a9\n")
	_, err := loadConfig(writeFile(t, "bomb.yaml", b.String()), testReg, envOf(nil))
	require.Error(t, err)
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestLoadConfigTooLarge(t *testing.T) {
	big := "settings:\n  a: \"" + strings.Repeat("x", maxConfigSize) + "\"\n"
	_, err := loadConfig(writeFile(t, "big.yaml", big), testReg, envOf(nil))
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestSecretsFromSchemaAndEnvironment(t *testing.T) {
	env := envOf(map[string]string{"USER_NAME": "robert", "SHORT": "ab"})
	content := "credentials:\n  token: literal-token\n  username: ${USER_NAME}\nsettings:\n  who: ${USER_NAME}\n  s: ${SHORT}\n"
	cfg, err := loadConfig(writeFile(t, "c.yaml", content), testReg, env)
	require.NoError(t, err)
	// The token is secret by schema; the username came from the
	// environment into the credentials.
	assert.Equal(t, []string{"literal-token", "robert"}, cfg.Secrets)
}

func TestRedactor(t *testing.T) {
	var b strings.Builder
	w := newRedactor(&b, []string{"hunter22", "t0k3n!"})
	_, err := fmt.Fprintf(w, "password=hunter22 token=t0k3n!\n")
	require.NoError(t, err)
	assert.Equal(t, "password=[redacted] token=[redacted]\n", b.String())
}

func TestParseSince(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":                          {},
		"2024-01-31":                time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC),
		"2024-01-31T10:00:00+02:00": time.Date(2024, 1, 31, 8, 0, 0, 0, time.UTC),
		"72h":                       now.Add(-72 * time.Hour),
	} {
		got, err := parseSince(in, now)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: got %v", in, got)
	}
	for _, bad := range []string{"yesterday", "-5h", "0s", "2024-13-01"} {
		_, err := parseSince(bad, now)
		assert.ErrorIs(t, err, errUsage, bad)
	}
}

func TestCutPartialLine(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"a\n":           "a\n",
		"a\nb\n":        "a\nb\n",
		"a\nb\npartial": "a\nb\n",
		"partial":       "",
		strings.Repeat("x", 70<<10) + "\n" + strings.Repeat("y", 70<<10): strings.Repeat("x", 70<<10) + "\n",
	} {
		p := filepath.Join(t.TempDir(), "out")
		require.NoError(t, os.WriteFile(p, []byte(in), 0o600))
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		require.NoError(t, err)
		require.NoError(t, cutPartialLine(f))
		_, err = f.WriteString("next\n")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, want+"next\n", string(got))
	}
}

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err         error
		interrupted bool
		want        int
	}{
		{nil, false, exitOK},
		{fmt.Errorf("run: %w", context.Canceled), true, exitInterrupted},
		{fmt.Errorf("%w: bad flag", errUsage), false, exitUsage},
		{tributary.NewError("open", tributary.ErrUnknownSource, nil), false, exitUsage},
		{tributary.NewError("probe", tributary.ErrCredentialExpired, nil), false, exitCredentials},
		{tributary.NewError("probe", tributary.ErrInsufficientPermissions, nil), false, exitCredentials},
		{tributary.NewError("decode", tributary.ErrInvalidConfig, nil), false, exitConfig},
		{tributary.NewError("probe", tributary.ErrNotFound, nil), false, exitConfig},
		{fmt.Errorf("prune: %w", tributary.ErrPruneRefused), false, exitRefused},
		{errors.New("disk on fire"), false, exitError},
		{tributary.NewError("list", tributary.ErrTransient, nil), false, exitError},
	} {
		assert.Equal(t, tt.want, exitCode(tt.err, tt.interrupted), "%v", tt.err)
	}
}

func TestProgressLine(t *testing.T) {
	line := progressLine(tributary.Progress{Documents: 1500, Unchanged: 500, Bytes: 3 << 20, Failures: 2,
		Requests: 40, RateLimitWait: 1500 * time.Millisecond, Elapsed: 4 * time.Second})
	assert.Equal(t, "1500 docs (+500 unchanged)  500 docs/s  3.0 MiB  2 failures  40 requests  rate-limit wait 1.5s  4s", line)
	line = progressLine(tributary.Progress{Documents: 10, Skipped: 7, Elapsed: time.Second})
	assert.Equal(t, "10 docs  10 docs/s  0 B  7 skipped  0 failures  rate-limit wait 0s  1s", line)
}

func TestDisplayKeepsLogsClearOfProgress(t *testing.T) {
	var b strings.Builder
	d := newDisplay(&b, true)
	d.status("10 docs", true)
	_, _ = d.Write([]byte("level=WARN msg=x\n"))
	d.done()
	assert.Equal(t, "10 docs\r\x1b[Klevel=WARN msg=x\n10 docs\r\x1b[K", b.String())

	b.Reset()
	quiet := newDisplay(&b, false)
	quiet.status("10 docs", true)
	_, _ = quiet.Write([]byte("log\n"))
	quiet.done()
	assert.Equal(t, "log\n", b.String(), "no progress when stderr is not a terminal")
}

func TestRefreshedCredentials(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.db")
	configured := json.RawMessage(`{"refresh_token": "old-refresh"}`)
	r := newRefreshed(state, "test:/cfg.yaml", configured)
	_, ok, err := r.load()
	require.NoError(t, err)
	assert.False(t, ok, "nothing refreshed yet")

	require.NoError(t, r.save(json.RawMessage(`{"refresh_token":"new-refresh"}`)))
	info, err := os.Stat(r.path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	again := newRefreshed(state, "test:/cfg.yaml", configured)
	got, ok, err := again.load()
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"refresh_token":"new-refresh"}`, string(got))

	edited := newRefreshed(state, "test:/cfg.yaml", json.RawMessage(`{"refresh_token": "pasted-by-user"}`))
	_, ok, err = edited.load()
	require.NoError(t, err)
	assert.False(t, ok, "credentials edited in the configuration win")

	other := newRefreshed(state, "test:/other.yaml", configured)
	_, ok, err = other.load()
	require.NoError(t, err)
	assert.False(t, ok, "another instance has its own")

	require.NoError(t, os.WriteFile(r.path, []byte("{broken"), 0o600))
	_, _, err = again.load()
	assert.Error(t, err)
}

func TestRedactorLearnsSecrets(t *testing.T) {
	var b strings.Builder
	r := newRedactor(&b, []string{"first-secret"})
	r.add("first-secret-longer", "ab")
	_, _ = fmt.Fprint(r, "a first-secret-longer b first-secret c ab")
	assert.Equal(t, "a [redacted] b [redacted] c ab", b.String())
}

func TestSummaryLine(t *testing.T) {
	res := tributary.Result{Progress: tributary.Progress{
		Documents: 3, Unchanged: 4, Nodes: 2, Deletions: 1, Skipped: 5, Requests: 9,
		RateLimitWait: 1500 * time.Millisecond, Elapsed: 2*time.Second + 345678*time.Microsecond,
	}}
	assert.Equal(t, "tributary: run finished: documents 3, unchanged 4, nodes 2, deletions 1, skipped 5, failures 0, requests 9, rate-limit wait 1.5s, time 2.346s",
		summaryLine(res, nil))
	res.Failures, res.Retried = 2, 7
	assert.Equal(t, "tributary: run stopped: documents 3, unchanged 4, nodes 2, deletions 1, skipped 5, failures 2, requests 9, rate-limit wait 1.5s, time 2.346s, 7 failed before and fetched again (tributary state lists the failures)",
		summaryLine(res, errors.New("boom")))
}

// BenchmarkLoadConfigJSON loads a configuration of about 1 MiB.
func BenchmarkLoadConfigJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"settings": {"documents": [`)
	for i := range 10000 {
		if i > 0 {
			sb.WriteString(",\n")
		}
		fmt.Fprintf(&sb, `{"id": "mock://%d", "title": "Document %d", "tags": ["a", "b"], "size": %d}`, i, i, i*7)
	}
	sb.WriteString(`]}, "credentials": {"token": "abcd"}}`)
	path := filepath.Join(b.TempDir(), "c.json")
	require.NoError(b, os.WriteFile(path, []byte(sb.String()), 0o644))
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadConfig(path, testReg, envOf(nil)); err != nil {
			b.Fatal(err)
		}
	}
}

// Two runs of one instance at once refresh a rotating token once: the
// refreshed credentials are their shared provider, locked across
// processes, and both take the new token.
func TestRefreshedCredentialsRefreshOnce(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.db")
	configured := json.RawMessage(`{"refresh_token":"r0"}`)
	var calls atomic.Int32
	var wg sync.WaitGroup
	got := make([]json.RawMessage, 4)
	runs := make([]*refreshed, len(got))
	stale := make([]json.RawMessage, len(got))
	for i := range runs { // each run found the token it started with wanting
		runs[i] = newRefreshed(state, "test:/cfg.yaml", configured)
		var err error
		stale[i], err = runs[i].Credentials(t.Context())
		require.NoError(t, err)
	}
	for i, p := range runs {
		wg.Go(func() {
			var err error
			got[i], err = p.Refresh(t.Context(), stale[i], func(context.Context, json.RawMessage) (json.RawMessage, error) {
				calls.Add(1)
				return json.RawMessage(`{"refresh_token":"r1"}`), nil
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load())
	for _, g := range got {
		assert.JSONEq(t, `{"refresh_token":"r1"}`, string(g))
	}
	again, ok, err := newRefreshed(state, "test:/cfg.yaml", configured).load()
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"refresh_token":"r1"}`, string(again))
}

// Credentials refreshed before they had a file per configured credentials
// are still found, and only for the credentials they were refreshed from.
func TestRefreshedCredentialsOfEarlierVersions(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.db")
	configured := json.RawMessage(`{"refresh_token":"r0"}`)
	r := newRefreshed(state, "test:/cfg.yaml", configured)
	b, err := json.Marshal(legacyFile{Instance: "test:/cfg.yaml", Base: r.base, Credentials: json.RawMessage(`{"refresh_token":"r7"}`)})
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(r.legacy), 0o700))
	require.NoError(t, os.WriteFile(r.legacy, b, 0o600))
	got, err := r.Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, `{"refresh_token":"r7"}`, string(got))
	got, err = newRefreshed(state, "test:/cfg.yaml", json.RawMessage(`{"refresh_token":"pasted"}`)).Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, `{"refresh_token":"pasted"}`, string(got))
}
