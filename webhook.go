package tributary

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
)

// VerifySignature checks a webhook delivery signed the way GitHub, Jira
// and Confluence sign them: header holds "sha256=" and the hex HMAC-SHA256
// of the body under secret. An unset secret is ErrInvalidConfig (naming
// credentials.webhook_secret); a missing, malformed or wrong signature is
// ErrInsufficientPermissions, so a forged delivery never becomes a
// document. op names the check in the error, such as "jira: webhook".
func VerifySignature(op string, ev Event, header string, secret Secret) error {
	key := secret.Reveal()
	if key == "" {
		return NewError(op, ErrInvalidConfig, errors.New("credentials.webhook_secret is not set, so deliveries cannot be verified"))
	}
	got, ok := strings.CutPrefix(http.Header(ev.Header).Get(header), "sha256=")
	sig, err := hex.DecodeString(got)
	if !ok || err != nil || len(sig) != sha256.Size {
		return NewError(op, ErrInsufficientPermissions, errors.New("delivery has no valid "+header+" header"))
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(ev.Body)
	if !hmac.Equal(sig, m.Sum(nil)) {
		return NewError(op, ErrInsufficientPermissions, errors.New("delivery signature does not match the webhook secret"))
	}
	return nil
}
