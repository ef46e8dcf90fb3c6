package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// defaultClientSecretEnv names the environment variable that holds an OAuth
// app's client secret, which is never taken on the command line.
const defaultClientSecretEnv = "TRIBUTARY_OAUTH_CLIENT_SECRET"

// cmdAuth runs a source's OAuth consent on a loopback redirect and keeps
// the granted credentials where the connector's refreshed credentials are
// kept, so that later commands with the same configuration use them. It
// prints the address to open, never the token.
func (a *app) cmdAuth(args []string) int {
	var o options
	var clientID, secretEnv string
	var port int
	fs := a.newFlagSet("auth", "auth SOURCE --config FILE --client-id ID [--client-secret-env VAR] [--port N]")
	o.configFlags(fs)
	o.stateFlags(fs)
	fs.StringVar(&clientID, "client-id", "", "the OAuth app's client `id`")
	fs.StringVar(&secretEnv, "client-secret-env", defaultClientSecretEnv, "environment `variable` holding the OAuth app's client secret")
	fs.IntVar(&port, "port", 0, "loopback `port` the provider redirects the browser to (0: any free port)")
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	secret, _ := a.lookupEnv(secretEnv)
	red := newRedactor(a.stderr, []string{secret})
	if err := a.auth(pos[0], &o, clientID, tributary.NewSecret(secret), port, red); err != nil {
		return a.fail(red, err)
	}
	return exitOK
}

func (a *app) auth(source string, o *options, clientID string, secret tributary.Secret, port int, red *redactor) error {
	reg, err := lookup(source)
	if err != nil {
		return err
	}
	if reg.OAuth == nil {
		return tributary.NewError("auth", tributary.ErrNotSupported,
			fmt.Errorf("the %s source has no OAuth consent: give its credentials in the configuration", reg.Source))
	}
	cfg, err := loadConfig(o.config, reg, a.lookupEnv)
	if err != nil {
		return err
	}
	red.add(cfg.Secrets...)
	instance, err := o.instanceName(string(reg.Source))
	if err != nil {
		return err
	}
	path, err := a.localStatePath(o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen for the provider's redirect: %w", err)
	}
	defer ln.Close()
	flow, err := tributary.StartOAuth(reg, cfg.Settings, tributary.OAuthClient{
		ID: clientID, Secret: secret, RedirectURL: "http://" + ln.Addr().String() + "/callback"})
	if err != nil {
		return err
	}
	hc, err := httpx.New(httpx.Options{Name: "oauth", Env: tributary.Env{AllowPrivateNetwork: o.allowPrivate},
		Retry: httpx.RetryPolicy{MaxAttempts: 1}}) // a code is good once: never resend it
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Open this address in a browser to connect %s:\n\n  %s\n\nWaiting for the browser on %s ...\n",
		reg.OAuth.Provider, flow.AuthorizationURL(), ln.Addr())
	creds, err := awaitConsent(a.ctx, ln, flow, hc.StandardClient())
	if err != nil {
		return err
	}
	red.add(secretValues(creds, reg)...)
	ref := newRefreshed(path, instance, cfg.Credentials)
	if err := ref.save(creds); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Connected. The credentials are kept in %s (readable by you only).\n", ref.path)
	return nil
}

// awaitConsent serves the redirect on ln until one answer to the flow
// arrives, and exchanges its code. An answer whose state is not the
// flow's ends the wait with that error: nothing is kept.
func awaitConsent(ctx context.Context, ln net.Listener, flow *tributary.OAuthFlow, hc *http.Client) (json.RawMessage, error) {
	type result struct {
		creds json.RawMessage
		err   error
	}
	done := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res result
		if e := q.Get("error"); e != "" {
			res.err = tributary.NewError("auth", tributary.ErrCredentialExpired, fmt.Errorf("the provider refused the consent: %s", e))
		} else {
			res.creds, res.err = flow.Exchange(ctx, hc, q.Get("state"), q.Get("code"))
		}
		select {
		case done <- res:
		default: // an answer already ended the wait
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "Tributary was not connected. See the terminal for why.\n")
			return
		}
		_, _ = io.WriteString(w, "Tributary is connected. You may close this window.\n")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	select {
	case res := <-done:
		return res.creds, res.err
	case <-ctx.Done():
		return nil, errors.Join(errors.New("auth: no answer from the browser"), ctx.Err())
	}
}
