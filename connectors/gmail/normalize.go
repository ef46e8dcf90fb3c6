package gmail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

var _ tributary.URLNormalizer = (*Connector)(nil)

// legacyID matches the hexadecimal thread and message ids the API uses,
// which Gmail's web interface also takes in its links.
var legacyID = regexp.MustCompile(`^[0-9a-f]{1,32}$`)

// NormalizeURL returns the document id a Gmail link names: a thread or a
// message opened in a mailbox,
// https://mail.google.com/mail/u/USER/#VIEW/.../ID (#inbox, #all, #sent,
// #label/NAME, #search/QUERY ...), with USER the mailbox's address. A
// message's thread is read with one request (messages.get, minimal), so a
// reply's link names its thread's document; an id no message has is taken
// for a thread's. With OAuth credentials, an account number (/u/0/) means
// the consenting user; with a service account it names no mailbox
// (ErrNotSupported), nor does a link without an id or with the web
// interface's own view tokens instead of API ids. A mailbox outside
// user_emails, or another site, fails with ErrForeignURL.
func (c *Connector) NormalizeURL(ctx context.Context, rawURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.EqualFold(u.Host, "mail.google.com") {
		return "", tributary.ForeignURL(Source, rawURL, "not a Gmail URL")
	}
	user, ok := strings.CutPrefix(strings.TrimSuffix(u.Path, "/"), "/mail/u/")
	if !ok || user == "" || strings.Contains(user, "/") {
		return "", tributary.UnmappableURL(Source, rawURL, "names no mailbox")
	}
	frag := strings.Split(strings.Trim(u.Fragment, "/"), "/")
	id := frag[len(frag)-1]
	if len(frag) < 2 || !legacyID.MatchString(id) {
		return "", tributary.UnmappableURL(Source, rawURL, "names no thread by its API id")
	}
	email, err := c.linkMailbox(ctx, rawURL, user)
	if err != nil {
		return "", err
	}
	mb := c.mailboxOf(email)
	var m struct {
		ThreadID string `json:"threadId"`
	}
	err = c.client.get(google.As(ctx, mb.reader, ScopeGmailReadonly), join(c.client.gmail, "/me/messages/"+url.PathEscape(id),
		url.Values{"format": {"minimal"}, "fields": {"threadId"}}), &m)
	switch {
	case err == nil && gmailID.MatchString(m.ThreadID):
		return threadID(email, m.ThreadID), nil
	case err == nil, errors.Is(err, tributary.ErrNotFound):
		return threadID(email, id), nil
	}
	return "", fmt.Errorf("gmail: normalize url: %w", err)
}

// linkMailbox returns the address of the mailbox a link's /u/USER/ names.
func (c *Connector) linkMailbox(ctx context.Context, rawURL, user string) (string, error) {
	if c.client.mode != "service_account" {
		p, err := c.profile(google.As(ctx, "", ScopeGmailReadonly))
		if err != nil {
			return "", fmt.Errorf("gmail: normalize url: %w", err)
		}
		me := strings.ToLower(p.EmailAddress)
		if strings.Trim(user, "0123456789") == "" || strings.EqualFold(user, me) {
			return me, nil
		}
		return "", tributary.ForeignURL(Source, rawURL, "not the mailbox of the signed-in user")
	}
	email := strings.ToLower(user)
	if !google.IsEmail(email) {
		return "", tributary.UnmappableURL(Source, rawURL, "an account number names no mailbox a service account reads")
	}
	if len(c.settings.UserEmails) > 0 && !slices.Contains(google.SortedLower(c.settings.UserEmails), email) {
		return "", tributary.ForeignURL(Source, rawURL, "a mailbox outside user_emails")
	}
	return email, nil
}
