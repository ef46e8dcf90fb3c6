package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tributary-dev/tributary"
)

// APIError is an error Slack reported in its response envelope
// ({"ok": false, "error": Code}), which Slack sends with HTTP 200. It is
// wrapped in a *tributary.Error whose kind classifies Code.
type APIError struct {
	// Method is the Web API method, such as "conversations.history".
	Method string
	// Code is Slack's error code, such as "missing_scope".
	Code string
	// Needed is the scope Slack says is missing, for missing_scope.
	Needed string
}

// Error returns "slack conversations.history: missing_scope (needs
// groups:history)".
func (e *APIError) Error() string {
	msg := "slack " + e.Method + ": " + e.Code
	if e.Needed != "" {
		msg += " (needs " + e.Needed + ")"
	}
	return msg
}

// errorKinds maps Slack's documented error codes to error kinds. Codes not
// listed have no kind and are not retried.
var errorKinds = map[string]error{
	"not_authed":              tributary.ErrCredentialExpired,
	"invalid_auth":            tributary.ErrCredentialExpired,
	"account_inactive":        tributary.ErrCredentialExpired,
	"token_revoked":           tributary.ErrCredentialExpired,
	"token_expired":           tributary.ErrCredentialExpired,
	"no_permission":           tributary.ErrInsufficientPermissions,
	"missing_scope":           tributary.ErrInsufficientPermissions,
	"not_in_channel":          tributary.ErrInsufficientPermissions,
	"access_denied":           tributary.ErrInsufficientPermissions,
	"ekm_access_denied":       tributary.ErrInsufficientPermissions,
	"not_allowed_token_type":  tributary.ErrInsufficientPermissions,
	"team_access_not_granted": tributary.ErrInsufficientPermissions,
	"channel_not_found":       tributary.ErrNotFound,
	"thread_not_found":        tributary.ErrNotFound,
	"message_not_found":       tributary.ErrNotFound,
	"user_not_found":          tributary.ErrNotFound,
	"ratelimited":             tributary.ErrRateLimited,
	"rate_limited":            tributary.ErrRateLimited,
	"internal_error":          tributary.ErrTransient,
	"fatal_error":             tributary.ErrTransient,
	"service_unavailable":     tributary.ErrTransient,
	"request_timeout":         tributary.ErrTransient,
}

// errBadBody marks a response whose body could not be read or decoded.
var errBadBody = errors.New("unreadable or malformed response body")

// envelope is the part every Web API response shares.
type envelope struct {
	OK       bool   `json:"ok"`
	Error    string `json:"error"`
	Needed   string `json:"needed"`
	Metadata struct {
		NextCursor string `json:"next_cursor"`
	} `json:"response_metadata"`
}

func (e *envelope) slackEnvelope() *envelope { return e }

// response is a decoded Web API response.
type response interface{ slackEnvelope() *envelope }

// decode reads a response body into out and turns {"ok": false} into a
// classified *tributary.Error.
func decode(method string, body []byte, out response) error {
	if err := json.Unmarshal(body, out); err != nil {
		return tributary.NewError("slack: "+method, tributary.ErrTransient,
			fmt.Errorf("%w: %w", errBadBody, err))
	}
	env := out.slackEnvelope()
	if env.OK {
		return nil
	}
	code := strings.TrimSpace(env.Error)
	if code == "" {
		code = "unknown_error"
	}
	return tributary.NewError("slack: "+method, errorKinds[code], &APIError{Method: method, Code: code, Needed: env.Needed})
}

// slackCode returns the Slack error code inside err, or "".
func slackCode(err error) string {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Code
	}
	return ""
}

type authTest struct {
	envelope
	URL    string `json:"url"`
	Team   string `json:"team"`
	TeamID string `json:"team_id"`
	UserID string `json:"user_id"`
	BotID  string `json:"bot_id"`
}

type conversation struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IsPrivate  bool   `json:"is_private"`
	IsArchived bool   `json:"is_archived"`
	IsMember   bool   `json:"is_member"`
}

type conversationsList struct {
	envelope
	Channels []conversation `json:"channels"`
}

type conversationInfo struct {
	envelope
	Channel conversation `json:"channel"`
}

type members struct {
	envelope
	Members []string `json:"members"`
}

type edited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

type file struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// message is a message as history and replies return it.
type message struct {
	Type        string      `json:"type"`
	Subtype     string      `json:"subtype"`
	TS          string      `json:"ts"`
	User        string      `json:"user"`
	BotID       string      `json:"bot_id"`
	Username    string      `json:"username"`
	BotProfile  *botProfile `json:"bot_profile"`
	Text        string      `json:"text"`
	ThreadTS    string      `json:"thread_ts"`
	ReplyCount  int         `json:"reply_count"`
	LatestReply string      `json:"latest_reply"`
	Edited      *edited     `json:"edited"`
	// UserProfile is the author's profile as Slack embeds it in messages,
	// also for members of other workspaces that users.info does not know.
	UserProfile *messageProfile `json:"user_profile"`
	Files       []file          `json:"files"`
	Attachments []attachment    `json:"attachments"`
}

// attachment is a legacy message attachment, where bots often put their
// content.
type attachment struct {
	Pretext  string `json:"pretext"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Fallback string `json:"fallback"`
}

type botProfile struct {
	Name string `json:"name"`
}

type history struct {
	envelope
	Messages []message `json:"messages"`
	HasMore  bool      `json:"has_more"`
}

type userInfo struct {
	envelope
	User user `json:"user"`
}

type usersList struct {
	envelope
	Members []user `json:"members"`
}

type messageProfile struct {
	DisplayName string `json:"display_name"`
	RealName    string `json:"real_name"`
	Name        string `json:"name"`
}

type user struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RealName string `json:"real_name"`
	IsBot    bool   `json:"is_bot"`
	Deleted  bool   `json:"deleted"`
	Profile  struct {
		RealName              string `json:"real_name"`
		DisplayName           string `json:"display_name"`
		RealNameNormalized    string `json:"real_name_normalized"`
		DisplayNameNormalized string `json:"display_name_normalized"`
		FirstName             string `json:"first_name"`
		LastName              string `json:"last_name"`
		Email                 string `json:"email"`
	} `json:"profile"`
}
