package salesforce

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/jwtsign"
)

// client reads the REST API of one org through the shared HTTP stack.
type client struct {
	http    *httpx.Client
	auth    *auth
	version string
	batch   int
	// usage and limit are the org's API requests of the last 24 hours and
	// its daily limit, from the last Sforce-Limit-Info header.
	usage, limit atomic.Int64
	// limiter paces the requests: perSecond, or slower when the daily
	// limit is near (see pace).
	limiter   *rate.Limiter
	perSecond float64
}

// options are what tests change beyond the settings.
type options struct {
	retry httpx.RetryPolicy
	rate  float64 // requests per second; 0 follows the settings
	now   func() time.Time
}

// session is what the token endpoint answered.
type session struct {
	token    string
	instance string // https://acme.my.salesforce.com
	orgID    string
	userID   string
}

// auth signs requests in with an access token, asking the token endpoint
// for one when it has none (single-flight, under mu).
type auth struct {
	creds  *Credentials
	key    *rsa.PrivateKey
	login  string
	tokens *httpx.Client
	now    func() time.Time

	mu  sync.Mutex
	cur *session
	// token is the current access token, for Secrets, which the token
	// client calls while mu is held.
	token atomic.Pointer[string]
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	a := &auth{creds: c, login: s.LoginURL, now: o.now}
	if a.now == nil {
		a.now = time.Now
	}
	if !c.PrivateKey.IsZero() {
		k, err := jwtsign.ParseKey([]byte(c.PrivateKey.Reveal()))
		if err != nil {
			return nil, tributary.NewError("salesforce", tributary.ErrInvalidConfig, errors.New("credentials.private_key: not an RSA private key"))
		}
		a.key = k
	}
	retry := o.retry
	tokens, err := httpx.New(httpx.Options{Env: env, Name: "salesforce: token", Auth: secretsOnly{a}, UserAgent: "tributary-salesforce-connector", Retry: retry})
	if err != nil {
		return nil, err
	}
	a.tokens = tokens
	cl := &client{auth: a, version: "v" + s.APIVersion, batch: s.PageSize, perSecond: s.RequestsPerSecond}
	if o.rate > 0 {
		cl.perSecond = o.rate
	}
	cl.limiter = rate.NewLimiter(rate.Limit(cl.perSecond), paceBurst)
	hc, err := httpx.New(httpx.Options{Env: env, Name: "salesforce", Auth: a, UserAgent: "tributary-salesforce-connector",
		RateLimit: httpx.RateLimit{Limiter: cl.limiter}, Retry: retry, Adjust: cl.adjust})
	if err != nil {
		return nil, err
	}
	cl.http = hc
	return cl, nil
}

// secretsOnly names the credentials' secrets to the token client's
// redaction without signing its requests.
type secretsOnly struct{ a *auth }

func (secretsOnly) Authorize(*http.Request) error { return nil }
func (s secretsOnly) Secrets() []string           { return s.a.Secrets() }

// Authorize sets the access token, asking for one first when there is
// none.
func (a *auth) Authorize(req *http.Request) error {
	s, err := a.session(req.Context())
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	return nil
}

// Secrets are the values redacted from errors and logs.
func (a *auth) Secrets() []string {
	out := []string{}
	for _, s := range []tributary.Secret{a.creds.PrivateKey, a.creds.RefreshToken, a.creds.ConsumerSecret} {
		if !s.IsZero() {
			out = append(out, s.Reveal())
		}
	}
	if t := a.token.Load(); t != nil {
		out = append(out, *t)
	}
	return out
}

// session returns the current session, signing in when there is none.
func (a *auth) session(ctx context.Context) (*session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur != nil {
		return a.cur, nil
	}
	s, err := a.signIn(ctx)
	if err != nil {
		return nil, err
	}
	a.cur = s
	a.token.Store(&s.token)
	return s, nil
}

// renew forgets the session whose token was refused, so that the next
// request signs in again.
func (a *auth) renew(stale string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur != nil && a.cur.token == stale {
		a.cur = nil
	}
}

// audience is the JWT's aud: test.salesforce.com for a sandbox (its login
// host or a sandbox My Domain), else login.salesforce.com; an emulator or
// other host stands for itself.
func (a *auth) audience() string {
	u, _ := url.Parse(a.login)
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "test.salesforce.com" || strings.HasSuffix(host, ".sandbox.my.salesforce.com"):
		return "https://test.salesforce.com"
	case host == "login.salesforce.com" || strings.HasSuffix(host, ".my.salesforce.com"):
		return "https://login.salesforce.com"
	}
	return a.login
}

// signIn asks the token endpoint for a session: a JWT bearer grant when the
// credentials hold a key, else a refresh-token grant.
func (a *auth) signIn(ctx context.Context) (*session, error) {
	form := url.Values{}
	if a.key != nil {
		claims := map[string]any{"iss": a.creds.ConsumerKey, "sub": a.creds.Username, "aud": a.audience(),
			"exp": a.now().Add(3 * time.Minute).Unix()}
		assertion, err := jwtsign.Sign(a.key, nil, claims)
		if err != nil {
			return nil, tributary.NewError("salesforce: sign in", tributary.ErrInvalidConfig, err)
		}
		form.Set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		form.Set("assertion", assertion)
	} else {
		form.Set("grant_type", "refresh_token")
		form.Set("client_id", a.creds.ConsumerKey)
		form.Set("refresh_token", a.creds.RefreshToken.Reveal())
		if !a.creds.ConsumerSecret.IsZero() {
			form.Set("client_secret", a.creds.ConsumerSecret.Reveal())
		}
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, a.login+"/services/oauth2/token", strings.NewReader(body))
	if err != nil {
		return nil, tributary.NewError("salesforce: sign in", tributary.ErrInvalidConfig, err)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
		ID          string `json:"id"`
	}
	if _, err := a.tokens.DoJSON(req, &tok); err != nil {
		return nil, refusedGrant(err)
	}
	inst, err := url.Parse(tok.InstanceURL)
	login, _ := url.Parse(a.login)
	switch {
	case tok.AccessToken == "" || err != nil || inst.Host == "" || inst.User != nil:
		return nil, malformed("sign in", "the token answer has no access_token or instance_url")
	case inst.Scheme != "https" && !(inst.Scheme == "http" && login.Scheme == "http"):
		return nil, malformed("sign in", "the instance_url is not https")
	}
	s := &session{token: tok.AccessToken, instance: inst.Scheme + "://" + inst.Host}
	// id is https://login.salesforce.com/id/ORG/USER.
	if parts := strings.Split(strings.TrimRight(tok.ID, "/"), "/"); len(parts) >= 2 {
		s.orgID, s.userID = parts[len(parts)-2], parts[len(parts)-1]
	}
	return s, nil
}

// refusedGrant classifies an error of the token endpoint: a refused grant
// (400 invalid_grant, invalid_client_id ...) means the credentials are no
// good.
func refusedGrant(err error) error {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok || (se.StatusCode != http.StatusBadRequest && se.StatusCode != http.StatusUnauthorized) {
		return fmt.Errorf("salesforce: sign in: %w", err)
	}
	var e struct {
		Error string `json:"error"`
		Desc  string `json:"error_description"`
	}
	_ = json.Unmarshal([]byte(se.Body), &e)
	return tributary.NewError("salesforce: sign in", tributary.ErrCredentialExpired,
		fmt.Errorf("the token endpoint refused the grant: %s (%s)", e.Error, e.Desc))
}

// lowBudget is the share of the daily limit under which the client paces
// its requests so that the rest lasts at least an hour.
const lowBudget = 0.1

// paceBurst is the limiter's burst while the budget is not low.
const paceBurst = 5

// adjust reads the org's daily API usage from Sforce-Limit-Info
// (api-usage=N/M) and paces the client by it; and it makes the 403
// REQUEST_LIMIT_EXCEEDED answer a rate limit whose wait is longer than the
// stack waits, so that the run ends with ErrRateLimited.
func (c *client) adjust(resp *http.Response) {
	if used, limit, ok := apiUsage(resp.Header.Get("Sforce-Limit-Info")); ok {
		c.usage.Store(used)
		c.limit.Store(limit)
		c.pace(limit-used, limit)
	}
	if resp.StatusCode != http.StatusForbidden {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if errorCode(string(b)) == "REQUEST_LIMIT_EXCEEDED" {
		resp.Header.Set("Retry-After", "3600")
	}
}

// pace sets the client's limiter from the requests left of the daily
// limit: under a tenth of it, the rest is spread over an hour, one
// request at a time (leaving other integrations of the org room) rather
// than spent at once; above, the settings' pace comes back.
func (c *client) pace(left, limit int64) {
	per, burst := rate.Limit(c.perSecond), paceBurst
	if float64(left) < float64(limit)*lowBudget {
		per, burst = rate.Limit(float64(max(left, 1))/3600), 1
	}
	if c.limiter.Limit() != per || c.limiter.Burst() != burst {
		c.limiter.SetLimit(per)
		c.limiter.SetBurst(burst)
	}
}

// apiUsage reads "api-usage=N/M" of a Sforce-Limit-Info header.
func apiUsage(h string) (used, limit int64, ok bool) {
	for part := range strings.SplitSeq(h, ";") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !found {
			continue
		}
		a, b, _ := strings.Cut(v, "/")
		u, err1 := strconv.ParseInt(a, 10, 64)
		l, err2 := strconv.ParseInt(b, 10, 64)
		if err1 == nil && err2 == nil && u >= 0 && l > 0 {
			return u, l, true
		}
	}
	return 0, 0, false
}

// apiError is one element of an error answer's array.
type apiError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// errorCode is the first errorCode of an error answer's body, or "".
func errorCode(body string) string {
	var errs []apiError
	if json.Unmarshal([]byte(body), &errs) != nil || len(errs) == 0 {
		return ""
	}
	return errs[0].ErrorCode
}

// codeOf is the errorCode of an error the stack returned, or "".
func codeOf(err error) string {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return errorCode(se.Body)
	}
	return ""
}

func messageOf(err error) string {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok {
		return ""
	}
	var errs []apiError
	if json.Unmarshal([]byte(se.Body), &errs) != nil || len(errs) == 0 {
		return ""
	}
	return errs[0].Message
}

// get fetches path (under the instance's /services/data/vXX.X, or a path
// from /services/ such as a nextRecordsUrl) into v. A 401
// INVALID_SESSION_ID signs in again, once.
func (c *client) get(ctx context.Context, path string, v any) error {
	for attempt := 0; ; attempt++ {
		s, err := c.auth.session(ctx)
		if err != nil {
			return err
		}
		u := s.instance + "/services/data/" + c.version + path
		if strings.HasPrefix(path, "/services/") {
			u = s.instance + path
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return tributary.NewError("salesforce", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
		}
		req.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(c.batch))
		_, err = c.http.DoJSON(req, v)
		if err != nil && attempt == 0 && statusOf(err) == http.StatusUnauthorized {
			c.auth.renew(s.token)
			continue
		}
		return classify(undecodable(err))
	}
}

// undecodable makes an answer whose body stayed unreadable after the
// stack's attempts ErrMalformedResponse when it is not JSON or not of the
// shape asked for (asking again gets the same); a body cut short stays
// transient. The stack's error is kept as text only, so that the result
// no longer matches ErrTransient.
func undecodable(err error) error {
	_, syntax := errors.AsType[*json.SyntaxError](err)
	_, shape := errors.AsType[*json.UnmarshalTypeError](err)
	if syntax || shape {
		return tributary.NewError("salesforce", tributary.ErrMalformedResponse, errors.New(err.Error()))
	}
	return err
}

// classify gives Salesforce's error codes their kinds: INVALID_FIELD is a
// configuration naming a field the object lacks, INVALID_TYPE an object
// the user may not read (or that does not exist), INSUFFICIENT_ACCESS
// and a disabled API missing permissions.
func classify(err error) error {
	if err == nil {
		return nil
	}
	code := codeOf(err)
	switch {
	case code == "INVALID_FIELD":
		return &tributary.Error{Op: "salesforce", Kind: tributary.ErrInvalidConfig, Err: fmt.Errorf("settings.fields: %s: %w", messageOf(err), err)}
	case code == "INVALID_TYPE":
		return &tributary.Error{Op: "salesforce", Kind: tributary.ErrInsufficientPermissions, Err: fmt.Errorf("%s: %w", messageOf(err), err)}
	case strings.HasPrefix(code, "INSUFFICIENT_ACCESS"), code == "API_DISABLED_FOR_ORG", code == "API_CURRENTLY_DISABLED",
		code == "FUNCTIONALITY_NOT_ENABLED":
		return &tributary.Error{Op: "salesforce", Kind: tributary.ErrInsufficientPermissions, Err: fmt.Errorf("%s (%s): %w", code, messageOf(err), err)}
	}
	return err
}

func malformed(op, msg string) error {
	return tributary.NewError("salesforce: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}

// statusOf is the HTTP status of an error answer, or 0.
func statusOf(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}

// errorsIsAny reports whether err matches one of the kinds.
func errorsIsAny(err error, kinds ...error) bool {
	for _, k := range kinds {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
