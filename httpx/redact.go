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
	headerPattern = regexp.MustCompile(`(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9\-._~+/=]{8,})`)
	// shapePattern matches credentials by their published shapes wherever
	// they stand: GitHub, GitLab, Slack, Notion, Atlassian, OpenAI-style and
	// AWS access keys, Google OAuth tokens, and JWTs.
	shapePattern = regexp.MustCompile(`\b(?:` +
		`gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,}|` +
		`xox[abposr]-[A-Za-z0-9\-]{10,}|xapp-[A-Za-z0-9\-]{10,}|` +
		`(?:secret|ntn)_[A-Za-z0-9]{30,}|ATATT[A-Za-z0-9_\-=]{20,}|sk-[A-Za-z0-9_\-]{20,}|` +
		`(?:AKIA|ASIA)[A-Z0-9]{16}|ya29\.[A-Za-z0-9_\-]{20,}|` +
		`eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)`)
)

// RedactString removes from s each of the given known secret values, every
// URL credential (userinfo, secret query parameters), every credential of a
// known shape (a GitHub or Slack token, a JWT, an AWS access key id ...) and
// what follows "Bearer", "Basic" or "token" when it looks like a
// credential rather than a word (see credentialLike).
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
	s = shapePattern.ReplaceAllString(s, redactedText)
	return headerPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := headerPattern.FindStringSubmatch(m)
		if !credentialLike(sub[3]) {
			return m
		}
		return sub[1] + sub[2] + redactedText
	})
}

// credentialLike reports whether w, which follows "Bearer", "Basic" or
// "token", is a credential rather than a word of the message ("Basic
// authentication failed", "token expired_or_revoked"). Generated tokens
// and base64 user:password pairs carry digits, mixed case or base64
// punctuation; words and identifiers made only of lower-case letters and
// - _ . are left alone unless they are long enough to be a secret anyway.
func credentialLike(w string) bool {
	if len(w) >= 40 {
		return true
	}
	var lower, upper bool
	for i, r := range w {
		switch {
		case r >= '0' && r <= '9', r == '+', r == '/', r == '=', r == '~':
			return true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z' && i > 0:
			upper = true
		}
	}
	return lower && upper
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
