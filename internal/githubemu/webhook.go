package githubemu

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Webhook returns the headers and body GitHub sends to a webhook for an
// "issues" or "pull_request" event (by the item's kind) with the action
// ("opened", "edited", "closed", "deleted" ...), signed with secret in
// X-Hub-Signature-256 as GitHub signs deliveries.
func (s *Server) Webhook(repo *Repo, it *Item, action, secret string) (http.Header, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := urls{api: "https://api.github.com", web: s.opts.WebURL}
	event := "issues"
	payload := map[string]any{"action": action, "repository": u.repo(repo, nil), "sender": u.user(it.User)}
	if it.PR {
		event = "pull_request"
		payload["number"] = it.Number
		payload["pull_request"] = u.pull(repo, it)
	} else {
		payload["issue"] = u.issue(repo, it)
	}
	body, _ := json.Marshal(payload)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", fmt.Sprintf("%08x-0000-4000-8000-%012x", it.ID, it.Number))
	h.Set("X-Hub-Signature-256", Sign(secret, body))
	return h, body
}

// Sign returns GitHub's signature of a webhook body: "sha256=" and the hex
// HMAC-SHA256 of the body under the secret.
func Sign(secret string, body []byte) string { return emulator.HubSignature(secret, body) }
