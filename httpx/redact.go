package httpx

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

const redactedText = "[redacted]"

// secretParams are query parameter names whose values are credentials.
// Names are compared in lower case.
var secretParams = map[string]bool{
	"token": true, "access_token": true, "refresh_token": true, "id_token": true,
	"key": true, "api_key": true, "apikey": true, "api-key": true,
	"client_secret": true, "secret": true, "password": true, "passwd": true,
	"auth": true, "authorization": true, "code": true, "signature": true, "sig": true,
	"x-amz-signature": true, "x-amz-credential": true, "x-amz-security-token": true,
	"session": true, "sessionid": true, "private_token": true,
}

// RedactURL returns u as text with its userinfo and the values of
// credential-bearing query parameters (token, access_token, key, ...)
// replaced by "[redacted]".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(redactedText)
	}
	if c.RawQuery != "" {
		c.RawQuery = redactQuery(c.RawQuery)
	}
	return c.String()
}

// redactQuery rewrites a raw query keeping parameter order and replacing
// secret values. It works on the raw text so that a malformed query is
// still redacted.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		un, err := url.QueryUnescape(name)
		if err != nil {
			un = name
		}
		if secretParams[strings.ToLower(un)] {
			parts[i] = name + "=" + redactedText
		}
	}
	return strings.Join(parts, "&")
}

var (
	urlPattern    = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)
	headerPattern = regexp.MustCompile(`(?i)\b(bearer|basic|token)\s+[A-Za-z0-9\-._~+/=]{8,}`)
)

// RedactString removes from s every URL credential (userinfo, secret query
// parameters), every "Bearer …"/"Basic …"/"token …" credential, and each of
// the given known secret values.
func RedactString(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, redactedText)
		}
	}
	s = urlPattern.ReplaceAllStringFunc(s, func(m string) string {
		u, err := url.Parse(m)
		if err != nil {
			return redactedText
		}
		return RedactURL(u)
	})
	return headerPattern.ReplaceAllString(s, "$1 "+redactedText)
}

// redactedError presents an error with its secrets removed while keeping
// the chain for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with every secret removed from its message. It
// keeps *tributary.Error at the top so callers may read Kind and RetryAfter
// directly.
func redactError(err error, known []string) error {
	if err == nil {
		return nil
	}
	msg := RedactString(err.Error(), known...)
	if te, ok := err.(*tributary.Error); ok {
		cp := *te
		if cp.Err != nil {
			cp.Err = &redactedError{msg: RedactString(cp.Err.Error(), known...), err: cp.Err}
		}
		cp.Op = RedactString(cp.Op, known...)
		return &cp
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}
