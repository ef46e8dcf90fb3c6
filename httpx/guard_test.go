package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

func TestForbiddenAddr(t *testing.T) {
	forbidden := []string{"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "100.100.100.200", "0.0.0.0", "::", "::1", "fc00::1", "fd00:ec2::254", "fe80::1",
		"::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "224.0.0.1", "255.255.255.255"}
	allowed := []string{"8.8.8.8", "140.82.112.3", "2606:4700::1111", "172.32.0.1", "100.128.0.1"}
	for _, s := range forbidden {
		assert.True(t, httpx.ForbiddenAddr(netip.MustParseAddr(s)), s)
	}
	for _, s := range allowed {
		assert.False(t, httpx.ForbiddenAddr(netip.MustParseAddr(s)), s)
	}
}

// redirector sends every request for /start to target and answers others.
func redirector(target string, hits *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, target, http.StatusFound)
			return
		}
		hits.Add(1)
		fmt.Fprint(w, `{}`)
	})
}

func TestRedirectToPrivateRefused(t *testing.T) {
	for _, target := range []string{"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/admin",
		"http://[::1]/", "http://localhost/", "http://metadata.google.internal/computeMetadata/v1/"} {
		t.Run(target, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hits atomic.Int64
				env := envFor(handlerTransport{redirector(target, &hits)})
				c, err := httpx.New(httpx.Options{Env: env})
				require.NoError(t, err)
				err = c.GetJSON(t.Context(), "https://public.test/start", nil)
				assert.ErrorIs(t, err, httpx.ErrForbiddenAddress)
				assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
				assert.Zero(t, hits.Load())

				env.AllowPrivateNetwork = true
				c, err = httpx.New(httpx.Options{Env: env})
				require.NoError(t, err)
				require.NoError(t, c.GetJSON(t.Context(), "https://public.test/start", nil))
				assert.Equal(t, int64(1), hits.Load())
			})
		})
	}
}

func TestPrivateTargetRefused(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(okHandler(&hits))
	defer srv.Close()

	// The default transport: the literal loopback address is refused.
	c, err := httpx.New(httpx.Options{})
	require.NoError(t, err)
	err = c.GetJSON(t.Context(), srv.URL, nil)
	assert.ErrorIs(t, err, httpx.ErrForbiddenAddress)
	fe, ok := errors.AsType[*httpx.ForbiddenAddressError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, httpx.ForbiddenAddressError{Host: "127.0.0.1"}, *fe)
	assert.Equal(t, 1, strings.Count(err.Error(), srv.URL), "the request is named once: %v", err)
	assert.Contains(t, err.Error(), "Env.AllowPrivateNetwork")

	// A public-looking name that resolves to loopback is refused at dial
	// time, on the address actually reached.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	defer tr.CloseIdleConnections()
	c, err = httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: &http.Client{Transport: tr}}})
	require.NoError(t, err)
	err = c.GetJSON(t.Context(), "http://api.example.com/", nil)
	assert.ErrorIs(t, err, httpx.ErrForbiddenAddress)
	fe, ok = errors.AsType[*httpx.ForbiddenAddressError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, httpx.ForbiddenAddressError{Host: "127.0.0.1", Dial: true}, *fe)
	assert.Equal(t, 1, strings.Count(err.Error(), "api.example.com"), "the request is named once: %v", err)
	assert.Zero(t, hits.Load())

	c, err = httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: &http.Client{Transport: tr}, AllowPrivateNetwork: true}})
	require.NoError(t, err)
	require.NoError(t, c.GetJSON(t.Context(), "http://api.example.com/", nil))
	assert.Equal(t, int64(1), hits.Load())
}

func TestCredentialsNotSentToOtherHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seen := map[string]string{}
		h2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen[r.URL.Host+r.URL.Path] = r.Header.Get("Authorization")
			switch r.URL.Path {
			case "/start":
				http.Redirect(w, r, "https://api.test/same", http.StatusFound)
			case "/same":
				http.Redirect(w, r, "https://cdn.other.test/file", http.StatusFound)
			default:
				fmt.Fprint(w, `{}`)
			}
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h2}), Auth: httpx.Bearer(tributary.NewSecret("tok-secret-1"))})
		require.NoError(t, err)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/start", nil))
		assert.Equal(t, "Bearer tok-secret-1", seen["api.test/start"])
		assert.Equal(t, "Bearer tok-secret-1", seen["api.test/same"])
		assert.Empty(t, seen["cdn.other.test/file"])
	})
}
