package mediawiki

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// apiErr is the error object of an Action API answer.
type apiErr struct {
	Code string `json:"code"`
	Info string `json:"info"`
}

// envelope is what every answer may carry besides its own fields.
type envelope struct {
	Error         *apiErr           `json:"error"`
	Continue      map[string]string `json:"continue"`
	BatchComplete bool              `json:"batchcomplete"`
}

// maxWaits bounds the maxlag and ratelimited answers one request waits
// out before it fails with ErrRateLimited.
const maxWaits = 6

// session keeps the cookies of a login; it is the connector's Auth.
type session struct {
	mu       sync.Mutex
	cookies  []*http.Cookie
	password tributary.Secret
}

func (s *session) Authorize(req *http.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	return nil
}

func (s *session) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{s.password.Reveal()}
	for _, c := range s.cookies {
		out = append(out, c.Value)
	}
	return out
}

func (s *session) set(h http.Header) {
	cs := (&http.Response{Header: h}).Cookies()
	if len(cs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		kept := s.cookies[:0]
		for _, o := range s.cookies {
			if o.Name != c.Name {
				kept = append(kept, o)
			}
		}
		s.cookies = append(kept, &http.Cookie{Name: c.Name, Value: c.Value})
	}
}

// client speaks the Action API through the shared HTTP stack.
type client struct {
	http   *httpx.Client
	api    string
	maxLag int
	creds  Credentials
	sess   *session
	// loginMu serialises logins; loggedIn says the session is one.
	loginMu  sync.Mutex
	loggedIn bool
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	sess := &session{password: c.Password}
	agent := s.UserAgent
	if agent == "" {
		agent = "tributary-mediawiki-connector (https://github.com/tributary-dev/tributary)"
	}
	pace := httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: 1}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "mediawiki", Auth: sess, UserAgent: agent, RateLimit: pace, Retry: o.retry})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.BaseURL, maxLag: s.MaxLag, creds: *c, sess: sess}, nil
}

// query sends a GET with the parameters, logging in first when the
// connector has credentials, and decodes the answer into v. API errors
// are classified; maxlag and ratelimited answers are waited out.
func (c *client) query(ctx context.Context, q url.Values, v any) error {
	if err := c.ensureLogin(ctx); err != nil {
		return err
	}
	err := c.do(ctx, http.MethodGet, q, v)
	if errors.Is(err, errSessionLost) {
		c.loginMu.Lock()
		c.loggedIn = false
		c.loginMu.Unlock()
		if err := c.ensureLogin(ctx); err != nil {
			return err
		}
		err = c.do(ctx, http.MethodGet, q, v)
	}
	return err
}

var errSessionLost = errors.New("mediawiki: session lost")

func (c *client) do(ctx context.Context, method string, q url.Values, v any) error {
	q.Set("format", "json")
	q.Set("formatversion", "2")
	if c.maxLag > 0 {
		q.Set("maxlag", strconv.Itoa(c.maxLag))
	}
	if c.creds.Username != "" && q.Get("action") != "login" && q.Get("meta") != "tokens" {
		q.Set("assert", "user")
	}
	for attempt := 0; ; attempt++ {
		var req *http.Request
		var err error
		if method == http.MethodPost {
			req, err = http.NewRequestWithContext(ctx, method, c.api, strings.NewReader(q.Encode()))
			if req != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		} else {
			req, err = http.NewRequestWithContext(ctx, method, c.api+"?"+q.Encode(), nil)
		}
		if err != nil {
			return tributary.NewError("mediawiki", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
		}
		var raw json.RawMessage
		h, err := c.http.DoJSON(req, &raw)
		if err != nil {
			return err
		}
		c.sess.set(h)
		var env envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			return malformed("read answer", err.Error())
		}
		if env.Error == nil {
			if err := json.Unmarshal(raw, v); err != nil {
				return malformed("read answer", err.Error())
			}
			return nil
		}
		wait, err := classify(env.Error, h)
		if wait == 0 {
			return err
		}
		if attempt+1 >= maxWaits {
			return tributary.NewError("mediawiki", tributary.ErrRateLimited, fmt.Errorf("%s after %d waits: %s", env.Error.Code, attempt+1, env.Error.Info))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// classify turns an API error into an error kind, or into a wait for the
// errors that ask the client to come back later.
func classify(e *apiErr, h http.Header) (time.Duration, error) {
	msg := fmt.Errorf("%s: %s", e.Code, e.Info)
	switch e.Code {
	case "maxlag", "ratelimited":
		wait := 5 * time.Second
		if n, err := strconv.Atoi(h.Get("Retry-After")); err == nil && n > 0 && n <= 300 {
			wait = time.Duration(n) * time.Second
		}
		return wait, nil
	case "readapidenied", "permissiondenied":
		return 0, tributary.NewError("mediawiki", tributary.ErrInsufficientPermissions,
			fmt.Errorf("%w (a private wiki needs a bot password with the basic rights)", msg))
	case "assertuserfailed", "assertnameduserfailed":
		return 0, errSessionLost
	case "missingtitle", "nosuchpageid":
		return 0, tributary.NewError("mediawiki", tributary.ErrNotFound, msg)
	case "badcontinue":
		return 0, tributary.NewError("mediawiki", tributary.ErrMalformedResponse, msg)
	}
	if strings.HasPrefix(e.Code, "internal_api_error") || e.Code == "readonly" {
		return 0, tributary.NewError("mediawiki", tributary.ErrTransient, msg)
	}
	return 0, tributary.NewError("mediawiki", tributary.ErrInvalidConfig, msg)
}

// ensureLogin logs in with the bot password once per session.
func (c *client) ensureLogin(ctx context.Context) error {
	if c.creds.Username == "" {
		return nil
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if c.loggedIn {
		return nil
	}
	// A login token is good for one attempt, so a login cut short by a
	// server error or a broken connection starts again from a new token.
	var last error
	for range 4 {
		var tok struct {
			Query struct {
				Tokens struct {
					LoginToken string `json:"logintoken"`
				} `json:"tokens"`
			} `json:"query"`
		}
		if err := c.do(ctx, http.MethodGet, url.Values{"action": {"query"}, "meta": {"tokens"}, "type": {"login"}}, &tok); err != nil {
			return fmt.Errorf("mediawiki: login token: %w", err)
		}
		last = nil
		if tok.Query.Tokens.LoginToken == "" {
			return malformed("login token", "no logintoken in the answer")
		}
		var res struct {
			Login struct {
				Result string `json:"result"`
				Reason string `json:"reason"`
			} `json:"login"`
		}
		form := url.Values{"action": {"login"}, "lgname": {c.creds.Username}, "lgpassword": {c.creds.Password.Reveal()},
			"lgtoken": {tok.Query.Tokens.LoginToken}}
		if err := c.do(ctx, http.MethodPost, form, &res); err != nil {
			if errors.Is(err, tributary.ErrTransient) && ctx.Err() == nil {
				last = err
				continue
			}
			return fmt.Errorf("mediawiki: login: %w", err)
		}
		switch res.Login.Result {
		case "Success":
			c.loggedIn = true
			return nil
		case "WrongToken", "NeedToken":
			continue
		}
		return tributary.NewError("mediawiki: login", tributary.ErrCredentialExpired,
			fmt.Errorf("bot password refused (%s): %s", res.Login.Result, res.Login.Reason))
	}
	if last != nil {
		return fmt.Errorf("mediawiki: login: %w", last)
	}
	return malformed("login", "the wiki refused its own login tokens")
}

func malformed(op, msg string) error {
	return tributary.NewError("mediawiki: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}
