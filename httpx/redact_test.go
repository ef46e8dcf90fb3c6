package httpx

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Words of a message stay; credentials go, whether the client knows them
// or only their shape.
func TestRedactString(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		// Words after Basic, Bearer and token are text, not secrets.
		{"Unauthorized (Basic authentication failed)", "Unauthorized (Basic authentication failed)"},
		{"Bearer Unauthorized: sign in again", "Bearer Unauthorized: sign in again"},
		{"token expired_or_revoked for this installation", "token expired_or_revoked for this installation"},
		{"the token provided is invalid", "the token provided is invalid"},
		{"invalid_token: the access token expired", "invalid_token: the access token expired"},
		// Credentials after Basic, Bearer and token go.
		{"Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [redacted]"},
		{"Authorization: Bearer AbCdEfGhIjKlMnOp", "Authorization: Bearer [redacted]"},
		{"token 0123456789abcdef", "token [redacted]"},
		{"bearer abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", "bearer [redacted]"},
		// Known shapes go wherever they stand.
		{"used ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 here", "used [redacted] here"},
		{"xoxb-" + "1234567890-0987654321-AbCdEfGhIjKl rejected", "[redacted] rejected"},
		{"key AKIA" + "IOSFODNN7EXAMPLE in the log", "key [redacted] in the log"},
		{"jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl end", "jwt [redacted] end"},
		{"glpat-" + "abcdefghij0123456789 expired", "[redacted] expired"},
		// URLs keep their shape and lose their credentials.
		{"GET https://u:p@example.com/x?token=abc&page=2", "GET https://%5Bredacted%5D@example.com/x?token=[redacted]&page=2"},
	} {
		assert.Equal(t, tt.want, RedactString(tt.in), tt.in)
	}
	assert.Equal(t, "secret [redacted] went", RedactString("secret hunter2 went", "hunter2"))
}
