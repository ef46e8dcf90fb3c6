package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/oauthemu"
)

// authRun is one "tributary auth" in the background.
type authRun struct {
	url    string // the address printed for the browser
	done   chan int
	copied chan struct{}
	out    *bytes.Buffer
	errb   *bytes.Buffer
}

// wait returns the exit code once the command and its output are done.
func (r *authRun) wait() int {
	code := <-r.done
	<-r.copied
	return code
}

// startAuth runs the command until it prints the address to open.
func startAuth(t *testing.T, args ...string) *authRun {
	t.Helper()
	pr, pw := io.Pipe()
	r := &authRun{done: make(chan int, 1), copied: make(chan struct{}), out: &bytes.Buffer{}, errb: &bytes.Buffer{}}
	a := &app{ctx: t.Context(), stdout: pw, stderr: r.errb,
		lookupEnv: envOf(map[string]string{defaultClientSecretEnv: "gh-secret"})}
	go func() {
		code := a.main(append([]string{"auth"}, args...))
		pw.Close()
		r.done <- code
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		r.out.WriteString(sc.Text() + "\n")
		if u, ok := strings.CutPrefix(sc.Text(), "  http"); ok {
			r.url = "http" + u
			break
		}
	}
	go func() {
		_, _ = io.Copy(r.out, pr)
		close(r.copied)
	}()
	require.NotEmpty(t, r.url, "no address printed: %s", r.errb)
	return r
}

func authSetup(t *testing.T) (srv *oauthemu.Server, args []string, state string) {
	srv = oauthemu.New("gh-app", "gh-secret", 0)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gh.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("settings:\n  base_url: "+srv.URL()+"/api/v3\n  repositories: [octo/hello]\n"), 0o600))
	state = filepath.Join(dir, "state.db")
	return srv, []string{"github", "--config", cfg, "--state", state, "--client-id", "gh-app", "--allow-private-network"}, state
}

// storedCreds reads what auth kept for the configuration, if anything.
func storedCreds(t *testing.T, state, cfg string) (json.RawMessage, bool) {
	t.Helper()
	abs, err := filepath.Abs(cfg)
	require.NoError(t, err)
	creds, ok, err := newRefreshed(state, "github:"+abs, nil).load()
	require.NoError(t, err)
	return creds, ok
}

func TestAuthKeepsGrantedToken(t *testing.T) {
	srv, args, state := authSetup(t)
	run := startAuth(t, args...)
	resp, err := srv.Client().Get(run.url) // the browser: consent, then the loopback redirect
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, exitOK, run.wait(), run.errb.String())

	creds, ok := storedCreds(t, state, args[2])
	require.True(t, ok, "the credentials are kept for the configuration")
	var c struct{ Token string }
	require.NoError(t, json.Unmarshal(creds, &c))
	assert.True(t, srv.ValidAccess(c.Token))
	assert.NotContains(t, run.out.String()+run.errb.String(), c.Token, "the token is never printed")
	assert.NotContains(t, run.out.String()+run.errb.String(), "gh-secret")
	matches, err := filepath.Glob(state + ".credentials/*.json")
	require.NoError(t, err)
	require.Len(t, matches, 1)
	fi, err := os.Stat(matches[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestAuthRefusesForeignAnswers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  func(t *testing.T, srv *oauthemu.Server, u string) (state, code string)
		wantErr string
	}{
		{"tampered state", func(t *testing.T, srv *oauthemu.Server, u string) (string, string) {
			return "forged", codeOf(t, srv, u)
		}, "oauth state does not match"},
		{"foreign verifier", func(t *testing.T, srv *oauthemu.Server, u string) (string, string) {
			// A code granted for another flow's challenge.
			other := strings.Replace(u, url.QueryEscape(challengeOf(t, u)), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1)
			return stateOf(t, u), codeOf(t, srv, other)
		}, "invalid_grant"},
		{"replayed code", func(t *testing.T, srv *oauthemu.Server, u string) (string, string) {
			code := codeOf(t, srv, u)
			spend(t, srv, u, code)
			return stateOf(t, u), code
		}, "invalid_grant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, args, state := authSetup(t)
			run := startAuth(t, args...)
			st, code := tc.answer(t, srv, run.url)
			assert.Equal(t, http.StatusBadRequest, callback(t, run.url, st, code))
			assert.Equal(t, exitCredentials, run.wait(), run.errb.String())
			assert.Contains(t, run.errb.String(), tc.wantErr)
			_, ok := storedCreds(t, state, args[2])
			assert.False(t, ok, "nothing is kept")
		})
	}
}

func TestAuthSourceWithoutOAuth(t *testing.T) {
	var out, errb bytes.Buffer
	a := &app{ctx: t.Context(), stdout: &out, stderr: &errb, lookupEnv: envOf(nil)}
	code := a.main([]string{"auth", "mock_connector"})
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, errb.String(), "has no OAuth consent")
}

// codeOf consents at the provider for the authorization URL u and returns
// the code it would send the browser back with.
func codeOf(t *testing.T, srv *oauthemu.Server, u string) string {
	t.Helper()
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(u)
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return back.Query().Get("code")
}

// spend exchanges code at the provider as an attacker who saw it would.
func spend(t *testing.T, srv *oauthemu.Server, u, code string) {
	t.Helper()
	q := mustQuery(t, u)
	resp, err := srv.Client().PostForm(srv.URL()+oauthemu.TokenPath, url.Values{"grant_type": {"authorization_code"},
		"code": {code}, "client_id": {"gh-app"}, "client_secret": {"gh-secret"}, "redirect_uri": {q.Get("redirect_uri")}})
	require.NoError(t, err)
	resp.Body.Close()
}

// callback sends the browser back to the command's redirect with state and
// code, and returns the status the command answers.
func callback(t *testing.T, u, state, code string) int {
	t.Helper()
	redirect, err := url.Parse(mustQuery(t, u).Get("redirect_uri"))
	require.NoError(t, err)
	redirect.RawQuery = url.Values{"state": {state}, "code": {code}}.Encode()
	resp, err := http.Get(redirect.String())
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	require.NoError(t, err)
	return p.Query()
}

func stateOf(t *testing.T, u string) string     { return mustQuery(t, u).Get("state") }
func challengeOf(t *testing.T, u string) string { return mustQuery(t, u).Get("code_challenge") }

// spec shows a source's OAuth flow, so a user interface can offer it.
func TestSpecShowsOAuth(t *testing.T) {
	var out, errb bytes.Buffer
	a := &app{ctx: t.Context(), stdout: &out, stderr: &errb, lookupEnv: envOf(nil)}
	require.Equal(t, exitOK, a.main([]string{"spec", "github"}), errb.String())
	var info struct {
		OAuth struct {
			Provider string   `json:"provider"`
			AuthURL  string   `json:"auth_url"`
			Scopes   []string `json:"scopes"`
		} `json:"oauth"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &info))
	assert.Equal(t, "GitHub", info.OAuth.Provider)
	assert.Equal(t, "https://github.com/login/oauth/authorize", info.OAuth.AuthURL)
	assert.Equal(t, []string{"repo", "read:org"}, info.OAuth.Scopes)
}
