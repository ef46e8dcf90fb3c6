package gmail

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

const (
	checkpointKind    = "gmail"
	checkpointVersion = 1
)

// position is the checkpoint state: the mailbox in progress and where in
// it the stream is, never what it has seen. Its size does not depend on
// the size of the source.
type position struct {
	// User is the address of the mailbox in progress; Done says it is
	// finished.
	User string `json:"user,omitempty"`
	Done bool   `json:"done,omitempty"`
	// Token is the next page of the window's thread listing; Listed says
	// the listing is finished.
	Token  string `json:"token,omitempty"`
	Listed bool   `json:"listed,omitempty"`
	// History is the startHistoryId of the history listing in progress
	// (a poll window), HistoryPage its next page; HistoryStart the history
	// id taken before a full listing, stored when the mailbox is done.
	History      string `json:"history,omitempty"`
	HistoryPage  string `json:"history_page,omitempty"`
	HistoryStart string `json:"history_start,omitempty"`
}

// gmailID matches Gmail's message and thread ids.
var gmailID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.User != "" && !google.IsEmail(pos.User) || len(pos.Token) > 4096 || len(pos.HistoryPage) > 4096
	for _, h := range []string{pos.History, pos.HistoryStart} {
		if _, err := strconv.ParseUint(h, 10, 64); h != "" && err != nil {
			bad = true
		}
	}
	if bad {
		return position{}, tributary.NewError("gmail: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (mailbox %q)", pos.User))
	}
	return pos, nil
}

// run is one range over a stream for the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	values tributary.Values
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), values: tributary.ValuesFrom(ctx)}
}

// mailbox is one mailbox a stream reads.
type mailbox struct {
	email  string // lower-cased
	reader string // whom a service account acts as; "" for OAuth credentials
	// labels names user labels by id; access is who may read its threads.
	labels map[string]string
	access *tributary.ExternalAccess
}

// in returns ctx acting as the mailbox's owner with scope.
func (r *run) in(mb *mailbox, scope string) context.Context {
	return google.As(r.ctx, mb.reader, scope)
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	users, err := r.c.users(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	for _, u := range users {
		if pos.User != "" && (u < pos.User || u == pos.User && pos.Done) {
			continue
		}
		from := position{User: u}
		if u == pos.User {
			from = pos
		}
		if !r.pass(r.c.mailboxOf(u), from) || !r.Checkpoint(position{User: u, Done: true}) {
			return
		}
	}
}

func (c *Connector) mailboxOf(email string) *mailbox {
	mb := &mailbox{email: email, reader: email}
	if c.client.mode != "service_account" {
		mb.reader = ""
	}
	return mb
}

// users returns the addresses of the mailboxes read, sorted: the
// configured ones, every active user of the domain (a service account,
// through the administrator), or the consenting user.
func (c *Connector) users(ctx context.Context) ([]string, error) {
	if c.client.mode != "service_account" {
		p, err := c.profile(google.As(ctx, "", ScopeGmailReadonly))
		if err != nil {
			return nil, fmt.Errorf("gmail: read the signed-in user: %w", err)
		}
		return []string{strings.ToLower(p.EmailAddress)}, nil
	}
	if len(c.settings.UserEmails) > 0 {
		return google.SortedLower(c.settings.UserEmails), nil
	}
	var users []string
	for u, err := range c.directoryUsers(ctx, c.admin()) {
		if err != nil {
			return nil, err
		}
		if !u.Suspended && google.IsEmail(u.PrimaryEmail) {
			users = append(users, u.PrimaryEmail)
		}
	}
	return google.SortedLower(users), nil
}

// directoryUsers lists the domain's users (users.list, as admin).
func (c *Connector) directoryUsers(ctx context.Context, admin string) iter.Seq2[dirUser, error] {
	return func(yield func(dirUser, error) bool) {
		ctx := google.As(ctx, admin, ScopeUserReadonly)
		for token := ""; ; {
			q := url.Values{"customer": {"my_customer"}, "maxResults": {"500"}, "orderBy": {"email"},
				"fields": {"nextPageToken,users(primaryEmail,suspended)"}}
			if token != "" {
				q.Set("pageToken", token)
			}
			var pg userList
			if err := c.client.get(ctx, join(c.client.admin, "/users", q), &pg); err != nil {
				yield(dirUser{}, fmt.Errorf("gmail: list users: %w", err))
				return
			}
			for _, u := range pg.Users {
				if !yield(u, nil) {
					return
				}
			}
			if pg.NextPageToken == "" {
				return
			}
			if pg.NextPageToken == token {
				yield(dirUser{}, tributary.NewError("gmail: list users", tributary.ErrMalformedResponse, errors.New("the same page token twice")))
				return
			}
			token = pg.NextPageToken
		}
	}
}

// pass reads one mailbox from pos: its node, the window's threads, and in
// a poll window its history.
func (r *run) pass(mb *mailbox, pos position) bool {
	if !r.open(mb) {
		return !r.Stopped()
	}
	if !pos.Listed {
		if !r.list(mb, &pos) {
			return false
		}
		pos.Listed, pos.Token = true, ""
	}
	return r.history(mb, pos)
}

// open reads what every thread of the mailbox needs and yields its node.
// It reports false when the mailbox cannot be read, after a failure or
// the end of the stream.
func (r *run) open(mb *mailbox) bool {
	if err := r.prepareMailbox(mb); err != nil {
		r.passFailed(mb, err) // a failure, or the end of the stream
		return false
	}
	return r.slim || r.node(mb)
}

// node yields the mailbox's node.
func (r *run) node(mb *mailbox) bool {
	id := mailboxNodeID(mb.email)
	return r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: id, Name: mb.email, Link: id, Kind: NodeMailbox,
		ExternalAccess: cloneAccess(mb.access)}))
}

// prepareMailbox reads who may read the mailbox's threads (its owner, and
// its delegates when asked) and, unless the stream is slim, its labels'
// names.
func (r *run) prepareMailbox(mb *mailbox) error {
	a := &tributary.ExternalAccess{UserEmails: []string{mb.email}}
	if r.c.settings.IncludeDelegates {
		ds, err := r.c.delegates(r.in(mb, ScopeGmailSettings))
		if err != nil {
			return fmt.Errorf("gmail: delegates of %s: %w", mb.email, err)
		}
		a.UserEmails = google.SortedLower(append(a.UserEmails, ds...))
	}
	mb.access = a
	if r.slim {
		return nil
	}
	var ll labelList
	if err := r.c.client.get(r.in(mb, ScopeGmailReadonly), join(r.c.client.gmail, "/me/labels", url.Values{"fields": {"labels(id,name,type)"}}), &ll); err != nil {
		return fmt.Errorf("gmail: labels of %s: %w", mb.email, err)
	}
	mb.labels = map[string]string{}
	for _, l := range ll.Labels {
		if l.Type == "user" && l.ID != "" && l.Name != "" {
			mb.labels[l.ID] = l.Name
		}
	}
	return nil
}

// NodeMailbox is the kind of a mailbox's node.
const NodeMailbox tributary.NodeKind = "mailbox"

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	return &tributary.ExternalAccess{UserEmails: slices.Clone(a.UserEmails)}
}

// delegates lists the accepted delegates of a mailbox.
func (c *Connector) delegates(ctx context.Context) ([]string, error) {
	var dl delegateList
	if err := c.client.get(ctx, join(c.client.gmail, "/me/settings/delegates", nil), &dl); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dl.Delegates {
		if d.VerificationStatus == "accepted" && google.IsEmail(d.DelegateEmail) {
			out = append(out, d.DelegateEmail)
		}
	}
	return out, nil
}

// passFailed reports a mailbox that could not be read. A mailbox hidden
// from the credentials, or a user the service account may not act as (a
// user deleted or suspended since the listing, one without Gmail), is a
// failure of that mailbox, and the stream goes on; anything else ends the
// stream, to resume from the last checkpoint.
func (r *run) passFailed(mb *mailbox, err error) bool {
	if !hidden(err) && !badRequest(err) && !r.userRefused(mb, err) {
		return r.Fail(err)
	}
	id := mailboxNodeID(mb.email)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// userRefused reports a service account refused a token for the mailbox's
// owner while its key still works for the administrator: that mailbox
// fails, not the run.
func (r *run) userRefused(mb *mailbox, err error) bool {
	sa := r.c.client.sa
	admin := r.c.settings.AdminEmail
	if sa == nil || !errors.Is(err, tributary.ErrCredentialExpired) || admin == "" || strings.EqualFold(mb.reader, admin) {
		return false
	}
	_, adminErr := sa.Token(r.ctx, google.Actor{Subject: admin, Scope: ScopeUserReadonly})
	return adminErr == nil
}

// query is the q of the window's listing: after: and before: take epoch
// seconds, so the window is widened to whole seconds, a second more each
// way, and threads are kept by their exact time after reading.
func (r *run) query() string {
	var terms []string
	if !r.start.IsZero() {
		terms = append(terms, "after:"+strconv.FormatInt(r.start.Unix()-1, 10))
	}
	if !r.end.IsZero() {
		terms = append(terms, "before:"+strconv.FormatInt(r.end.Unix()+2, 10))
	}
	return strings.Join(terms, " ")
}

// list reads the window's thread listing of a mailbox from pos.
func (r *run) list(mb *mailbox, pos *position) bool {
	ctx := r.in(mb, ScopeGmailReadonly)
	if pos.Token == "" && r.start.IsZero() && r.tracksHistory() && pos.HistoryStart == "" {
		p, err := r.c.profile(ctx)
		if err != nil {
			return r.passFailed(mb, fmt.Errorf("gmail: profile of %s: %w", mb.email, err))
		}
		pos.HistoryStart = p.HistoryID
	}
	q := url.Values{"maxResults": {strconv.Itoa(r.c.settings.PageSize)}, "includeSpamTrash": {"false"},
		"fields": {"nextPageToken,threads(id)"}}
	if s := r.query(); s != "" {
		q.Set("q", s)
	}
	for {
		q.Del("pageToken")
		if pos.Token != "" {
			q.Set("pageToken", pos.Token)
		}
		var pg threadList
		err := r.c.client.get(ctx, join(r.c.client.gmail, "/me/threads", q), &pg)
		if badRequest(err) && pos.Token != "" {
			// A page token Gmail no longer takes: list the mailbox again
			// from the start, repeating what was read, losing nothing.
			r.c.env.Log().Warn("gmail: page token refused; listing the mailbox again", "mailbox", mb.email)
			pos.Token = ""
			continue
		}
		if err != nil {
			return r.passFailed(mb, fmt.Errorf("gmail: list threads of %s: %w", mb.email, err))
		}
		ids := make([]string, 0, len(pg.Threads))
		for _, t := range pg.Threads {
			ids = append(ids, t.ID)
		}
		if !r.threads(mb, ids, fromListing) {
			return false
		}
		if pg.NextPageToken == "" {
			return true
		}
		if pg.NextPageToken == pos.Token {
			return r.Fail(tributary.NewError("gmail: list threads of "+mb.email, tributary.ErrMalformedResponse, errors.New("the same page token twice")))
		}
		pos.Token = pg.NextPageToken
		if !r.Checkpoint(*pos) {
			return false
		}
	}
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// threadID is the id of a thread's document: the thread's link in its
// owner's mailbox, so that a thread two users hold is two documents, each
// with its owner's access.
func threadID(email, id string) string { return mailboxNodeID(email) + "#all/" + id }

// messageLink is the link of one message of a mailbox.
func messageLink(email, id string) string { return mailboxNodeID(email) + "#all/" + id }

// mailboxNodeID is the id (and link) of a mailbox's node.
func mailboxNodeID(email string) string { return "https://mail.google.com/mail/u/" + email + "/" }

// parseThreadID returns the mailbox and thread of a document id.
func parseThreadID(id string) (email, thread string, ok bool) {
	rest, ok := strings.CutPrefix(id, "https://mail.google.com/mail/u/")
	email, thread, ok2 := strings.Cut(rest, "/#all/")
	return email, thread, ok && ok2 && google.IsEmail(email) && email == strings.ToLower(email) && gmailID.MatchString(thread)
}
