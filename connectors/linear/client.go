package linear

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Linear's error codes (extensions.code) the connector tells apart.
const (
	codeRateLimited    = "RATELIMITED"
	codeAuthentication = "AUTHENTICATION_ERROR"
	codeForbidden      = "FORBIDDEN"
	codeInvalidInput   = "INVALID_INPUT"
	codeInternal       = "INTERNAL_SERVER_ERROR"
)

// Bounds of the client's own retries: of bodies that arrive broken and of
// internal errors (attempts), and of the time spent waiting out
// RATELIMITED answers for one request (maxWait).
const (
	attempts     = 5
	maxWait      = 2 * time.Minute
	minBackoff   = 500 * time.Millisecond
	maxBodyBytes = 64 << 20
)

// client posts GraphQL queries through the shared HTTP stack. The stack
// retries 429s, 5xx answers and broken connections; the client reads the
// GraphQL errors Linear sends under 200 and 400 and classifies them, waits
// out RATELIMITED answers by Linear's reset headers, and paces itself by
// the remaining budgets those headers report.
type client struct {
	http   *httpx.Client
	std    *http.Client
	api    string
	secret string
	log    interface {
		Debug(string, ...any)
	}

	mu   sync.Mutex
	pace pacing
}

// pacing is what the last answer said of the token's budgets.
type pacing struct {
	requests, points  int64 // remaining; -1 unknown
	reqReset, ptReset time.Time
	lastCost          int64
}

func newClient(s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	auth, secret := httpx.Header("Authorization", c.APIKey), c.APIKey.Reveal()
	switch {
	case c.RefreshToken.Reveal() != "":
		cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: cmp.Or(c.TokenURL, DefaultTokenURL), AuthStyle: oauth2.AuthStyleInParams}}
		// An access token without its expiry is of unknown age: the first
		// request refreshes it.
		tok := &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal(), Expiry: c.Expiry}
		if tok.Expiry.IsZero() {
			tok.AccessToken = ""
		}
		creds := *c
		auth = httpx.RefreshToken(cfg, tok, httpx.SaveTo(env, func(t *oauth2.Token) any {
			m := map[string]string{"access_token": t.AccessToken, "refresh_token": t.RefreshToken,
				"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal()}
			if creds.TokenURL != "" {
				m["token_url"] = creds.TokenURL
			}
			if !t.Expiry.IsZero() {
				m["expiry"] = t.Expiry.UTC().Format(time.RFC3339)
			}
			return m
		}))
		secret = c.RefreshToken.Reveal()
	case c.AccessToken.Reveal() != "":
		auth, secret = httpx.Bearer(c.AccessToken), c.AccessToken.Reveal()
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "linear", Auth: auth, UserAgent: "tributary-linear-connector"})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, std: hc.StandardClient(), api: s.APIURL, secret: secret, log: env.Log(),
		pace: pacing{requests: -1, points: -1}}, nil
}

// gqlError is one entry of an answer's errors.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code                   string `json:"code"`
		Type                   string `json:"type"`
		UserPresentableMessage string `json:"userPresentableMessage"`
	} `json:"extensions"`
}

// GraphQLError is the cause of an error Linear reported in a GraphQL
// answer's errors: its code (extensions.code, such as RATELIMITED or
// FORBIDDEN), message, and the HTTP status it came with.
type GraphQLError struct {
	Operation string
	Status    int
	Code      string
	Message   string
}

func (e *GraphQLError) Error() string {
	s := fmt.Sprintf("graphql %s: %d", e.Operation, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// kindOfCode classifies a GraphQL error code like the HTTP status it
// stands for. INVALID_INPUT names something the connector sent that
// Linear refuses: for a lookup by id (lookup), the id names nothing.
// Codes the connector does not know are malformed answers: asking again
// gets the same.
func kindOfCode(code string, lookup bool) error {
	switch code {
	case codeRateLimited:
		return tributary.ErrRateLimited
	case codeAuthentication:
		return tributary.ErrCredentialExpired
	case codeForbidden:
		return tributary.ErrInsufficientPermissions
	case codeInternal:
		return tributary.ErrTransient
	case codeInvalidInput:
		if lookup {
			return tributary.ErrNotFound
		}
		return tributary.ErrInvalidConfig
	}
	return tributary.ErrMalformedResponse
}

type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// query posts one operation and decodes its data into out. lookup says
// the operation reads one object by id, whose INVALID_INPUT means not
// found.
func (c *client) query(ctx context.Context, op, query string, vars map[string]any, lookup bool, out any) error {
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars, OperationName: op})
	if err != nil {
		return tributary.NewError("linear: "+op, tributary.ErrInvalidConfig, err)
	}
	ctx = httpx.Idempotent(ctx) // queries only read: the stack may send them again
	waited := time.Duration(0)
	renewed := false // the access token was renewed once after Linear refused it
	for attempt := 1; ; attempt++ {
		if err := c.waitBudget(ctx); err != nil {
			return err
		}
		gr, status, h, sent, err := c.post(ctx, op, body)
		var retry time.Duration
		switch {
		case err != nil && errors.Is(err, tributary.ErrTransient) && attempt < attempts && ctx.Err() == nil:
			retry = backoff(attempt)
		case err != nil && errors.Is(err, tributary.ErrCredentialExpired) && sent != nil && !renewed && c.http.Rejected(sent):
			renewed = true // a 401 without GraphQL errors: as below
		case err != nil:
			return err
		case len(gr.Errors) > 0:
			e := gr.Errors[0]
			kind := kindOfCode(e.Extensions.Code, lookup)
			gerr := &GraphQLError{Operation: op, Status: status, Code: e.Extensions.Code,
				Message: httpx.RedactString(e.Message, c.secret)}
			te := &tributary.Error{Op: "linear: " + op, Kind: kind, Err: gerr}
			switch {
			case kind == tributary.ErrRateLimited:
				d := c.resetIn(h, time.Now())
				if waited+d > maxWait {
					te.RetryAfter = d
					return te
				}
				tributary.MeterFrom(ctx).RateLimitWait(d)
				retry = d
			case kind == tributary.ErrTransient && attempt < attempts:
				retry = backoff(attempt)
			case kind == tributary.ErrCredentialExpired && !renewed && c.http.Rejected(sent):
				// An OAuth access token revoked or expired before its
				// time: the refresh token may still renew it.
				renewed = true
			default:
				return te
			}
		default:
			if len(gr.Data) == 0 || string(gr.Data) == "null" {
				return tributary.NewError("linear: "+op, tributary.ErrMalformedResponse, errors.New("answer without data or errors"))
			}
			if err := json.Unmarshal(gr.Data, out); err != nil {
				return tributary.NewError("linear: "+op, tributary.ErrMalformedResponse, fmt.Errorf("decode data: %w", err))
			}
			return nil
		}
		c.log.Debug("linear: asking again", "operation", op, "attempt", attempt, "wait", retry)
		waited += retry
		if err := sleep(ctx, retry); err != nil {
			return fmt.Errorf("linear: %s: %w", op, err)
		}
	}
}

// post sends the body once through the stack and reads the answer, with
// the request as sent (its credentials included). A
// body cut short is ErrTransient: the caller sends it again; one that is
// not JSON is ErrMalformedResponse. An error status whose body carries no
// GraphQL errors is classified by the status.
func (c *client) post(ctx context.Context, op string, body []byte) (gqlResponse, int, http.Header, *http.Request, error) {
	var gr gqlResponse
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.api, bytes.NewReader(body))
	if err != nil {
		return gr, 0, nil, nil, tributary.NewError("linear: "+op, tributary.ErrInvalidConfig, errors.New("bad API URL"))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.std.Do(req)
	if err != nil {
		return gr, 0, nil, nil, c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	c.observe(resp.Header, time.Now())
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	switch {
	case ctx.Err() != nil:
		return gr, 0, nil, nil, fmt.Errorf("linear: %s: %w", op, ctx.Err())
	case err != nil:
		return gr, 0, nil, nil, tributary.NewError("linear: "+op, tributary.ErrTransient, fmt.Errorf("read answer: %w", err))
	case len(raw) > maxBodyBytes:
		return gr, 0, nil, nil, tributary.NewError("linear: "+op, nil, httpx.ErrBodyTooLarge)
	}
	jerr := json.Unmarshal(raw, &gr)
	if cutShort(raw, jerr) {
		// A body that ends before its JSON does arrived broken: ask again.
		return gr, 0, nil, nil, tributary.NewError("linear: "+op, tributary.ErrTransient, fmt.Errorf("answer cut short: %w", jerr))
	}
	if resp.StatusCode >= 400 && (jerr != nil || len(gr.Errors) == 0) {
		kind := httpx.KindOf(resp)
		if kind == nil {
			kind = tributary.ErrMalformedResponse
		}
		e := &tributary.Error{Op: "linear: " + op, Kind: kind, Err: &httpx.StatusError{StatusCode: resp.StatusCode,
			Method: http.MethodPost, URL: c.api, Body: httpx.RedactString(snippet(raw), c.secret)}}
		if kind == tributary.ErrRateLimited || kind == tributary.ErrTransient {
			e.RetryAfter, _ = httpx.RetryAfter(resp, time.Now())
		}
		return gr, resp.StatusCode, resp.Header, resp.Request, e
	}
	if jerr != nil {
		return gr, 0, nil, nil, tributary.NewError("linear: "+op, tributary.ErrMalformedResponse, fmt.Errorf("decode answer: %w", jerr))
	}
	return gr, resp.StatusCode, resp.Header, resp.Request, nil
}

// cutShort reports a JSON body that ends before its value does.
func cutShort(raw []byte, err error) bool {
	if err == nil {
		return false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return true
	}
	se, ok := errors.AsType[*json.SyntaxError](err)
	return ok && se.Offset >= int64(len(raw))
}

func snippet(b []byte) string {
	if len(b) > 512 {
		b = b[:512]
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// transportError classifies an error of the stack: the caller's context,
// an address the guard refused, or else a network failure the stack's
// retries did not get past.
func (c *client) transportError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("linear: %s: %w", op, ctx.Err())
	}
	kind := tributary.ErrTransient
	switch te, ok := errors.AsType[*tributary.Error](err); {
	case errors.Is(err, httpx.ErrForbiddenAddress):
		kind = tributary.ErrInvalidConfig
	case ok && te.Kind != nil:
		kind = te.Kind
	}
	return &tributary.Error{Op: "linear: " + op, Kind: kind, Err: errors.New(httpx.RedactString(err.Error(), c.secret))}
}

func backoff(attempt int) time.Duration {
	return min(minBackoff<<(attempt-1), 30*time.Second)
}

// headerInt reads an integer header; ok is false when it is missing.
func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// epochMillis reads a reset header: UTC epoch milliseconds.
func epochMillis(h http.Header, name string) (time.Time, bool) {
	n, ok := headerInt(h, name)
	if !ok || n <= 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(n), true
}

// observe keeps what an answer said of the budgets.
func (c *client) observe(h http.Header, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := headerInt(h, "X-RateLimit-Requests-Remaining"); ok {
		c.pace.requests = n
		c.pace.reqReset, _ = epochMillis(h, "X-RateLimit-Requests-Reset")
	}
	if n, ok := headerInt(h, "X-RateLimit-Complexity-Remaining"); ok {
		c.pace.points = n
		c.pace.ptReset, _ = epochMillis(h, "X-RateLimit-Complexity-Reset")
	}
	if n, ok := headerInt(h, "X-Complexity"); ok {
		c.pace.lastCost = n
	}
}

// resetIn is how long a RATELIMITED answer asks to wait: until the later
// reset of the budgets it reports spent, or a short backoff when it names
// none.
func (c *client) resetIn(h http.Header, now time.Time) time.Duration {
	var until time.Time
	if t, ok := epochMillis(h, "X-RateLimit-Requests-Reset"); ok {
		if n, ok := headerInt(h, "X-RateLimit-Requests-Remaining"); !ok || n < 1 {
			until = t
		}
	}
	if t, ok := epochMillis(h, "X-RateLimit-Complexity-Reset"); ok && t.After(until) {
		until = t
	}
	if d, ok := httpx.RetryAfter(&http.Response{Header: h}, now); ok {
		return max(d, time.Second)
	}
	if until.IsZero() {
		return time.Second
	}
	return max(until.Sub(now), time.Second)
}

// waitBudget holds the next request while the last answer said a budget
// is spent (no request left, or fewer points than the last query cost),
// until its reset. A wait longer than maxWait is not taken: the request
// goes, and Linear's answer decides.
func (c *client) waitBudget(ctx context.Context) error {
	c.mu.Lock()
	p := c.pace
	c.mu.Unlock()
	now := time.Now()
	var until time.Time
	if p.requests == 0 && p.reqReset.After(now) {
		until = p.reqReset
	}
	if p.points >= 0 && p.lastCost > 0 && p.points < p.lastCost && p.ptReset.After(until) {
		until = p.ptReset
	}
	d := until.Sub(now)
	if until.IsZero() || d <= 0 || d > maxWait {
		return nil
	}
	tributary.MeterFrom(ctx).RateLimitWait(d)
	c.mu.Lock()
	c.pace.requests, c.pace.points = -1, -1
	c.mu.Unlock()
	if err := sleep(ctx, d); err != nil {
		return fmt.Errorf("linear: wait for the rate limit: %w", err)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, tributary.ErrInsufficientPermissions) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
