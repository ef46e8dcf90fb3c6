package tributary_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"webhookEvent":"jira:issue_updated"}`)
	secret := tributary.NewSecret("s3cret-webhook")
	ev := func(sig string) tributary.Event {
		return tributary.Event{Header: map[string][]string{"X-Hub-Signature": {sig}}, Body: body}
	}
	require.NoError(t, tributary.VerifySignature("test: webhook", ev(emulator.HubSignature("s3cret-webhook", body)), "X-Hub-Signature", secret))
	for name, sig := range map[string]string{
		"other secret": emulator.HubSignature("another", body),
		"no prefix":    emulator.HubSignature("s3cret-webhook", body)[len("sha256="):],
		"not hex":      "sha256=zz",
		"short":        "sha256=abcd",
		"empty":        "",
		"other header": "",
	} {
		e := ev(sig)
		if name == "other header" {
			e.Header = map[string][]string{"X-Hub-Signature-256": {emulator.HubSignature("s3cret-webhook", body)}}
		}
		err := tributary.VerifySignature("test: webhook", e, "X-Hub-Signature", secret)
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, name)
		assert.NotContains(t, err.Error(), "s3cret", name)
	}
	err := tributary.VerifySignature("test: webhook", ev("sha256=00"), "X-Hub-Signature", tributary.Secret{})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.ErrorContains(t, err, "webhook_secret")
}
