package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Auth checks a request's credentials and returns the principal they name
// (the token, the user). The principal keys the rate limit and is available
// to handlers through Principal.
type Auth func(r *http.Request) (principal string, ok bool)

// Anonymous accepts every request as the principal "anonymous".
func Anonymous(*http.Request) (string, bool) { return "anonymous", true }

// BearerTokens accepts "Authorization: Bearer T" for each of tokens.
func BearerTokens(tokens ...string) Auth {
	return HeaderTokens("Authorization", "Bearer ", tokens...)
}

// HeaderTokens accepts the named header carrying prefix followed by one of
// tokens, such as HeaderTokens("Authorization", "token ", t) for GitHub's
// older scheme or HeaderTokens("X-API-Key", "", k). The prefix is matched
// without regard to case, as HTTP auth schemes are.
func HeaderTokens(name, prefix string, tokens ...string) Auth {
	return func(r *http.Request) (string, bool) {
		v := r.Header.Get(name)
		if len(v) < len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
			return "", false
		}
		got := v[len(prefix):]
		for _, t := range tokens {
			if subtle.ConstantTimeCompare([]byte(got), []byte(t)) == 1 {
				return t, true
			}
		}
		return "", false
	}
}

// BasicUsers accepts HTTP basic authentication for the users and passwords
// of users (an e-mail and an API token for Atlassian Cloud). The principal
// is the user name.
func BasicUsers(users map[string]string) Auth {
	return func(r *http.Request) (string, bool) {
		u, p, ok := r.BasicAuth()
		want, known := users[u]
		if !ok || !known || subtle.ConstantTimeCompare([]byte(p), []byte(want)) != 1 {
			return "", false
		}
		return u, true
	}
}

// AnyOf accepts a request that one of auths accepts.
func AnyOf(auths ...Auth) Auth {
	return func(r *http.Request) (string, bool) {
		for _, a := range auths {
			if p, ok := a(r); ok {
				return p, true
			}
		}
		return "", false
	}
}
