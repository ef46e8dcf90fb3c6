package zendesk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the articles and tickets with the ids again: GET
// /api/v2/help_center/{locale}/articles/{id} or /api/v2/tickets/{id} (and
// the ticket's comments). For each id it yields the document, after the
// nodes it names; a deletion when Zendesk answers 404, when the ticket is
// deleted, or when the article became a draft that the settings leave
// out; or a Failure. An id that is not one of this account's articles in
// a configured locale, or tickets, fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		trees := map[string]*tree{}
		for _, id := range ids {
			if !r.refetch(id, trees) {
				return
			}
		}
	}
}

// parseID splits a document id into its kind ("articles" or "tickets"),
// locale and number.
func (c *Connector) parseID(id string) (kind, locale string, n int64, err error) {
	rest, ok := strings.CutPrefix(id, c.client.site+"/")
	parts := strings.Split(rest, "/")
	switch {
	case ok && len(parts) == 3 && parts[0] == "agent" && parts[1] == "tickets":
		kind = "tickets"
	case ok && len(parts) == 4 && parts[0] == "hc" && parts[2] == "articles" && slices.Contains(c.settings.Locales, parts[1]):
		kind, locale = "articles", parts[1]
	}
	if kind != "" {
		n, err = strconv.ParseInt(parts[len(parts)-1], 10, 64)
		if err == nil && n > 0 && strconv.FormatInt(n, 10) == parts[len(parts)-1] {
			return kind, locale, n, nil
		}
	}
	return "", "", 0, tributary.NewError("zendesk: refetch", tributary.ErrForeignURL,
		fmt.Errorf("%s is not an article or ticket of %s", id, c.client.site))
}

func (r *run) refetch(id string, trees map[string]*tree) bool {
	kind, locale, n, err := r.c.parseID(id)
	if err == nil && (kind == "tickets" && !r.c.settings.IncludeTickets || kind == "articles" && !r.c.settings.IncludeArticles) {
		err = tributary.NewError("zendesk: refetch", tributary.ErrForeignURL, fmt.Errorf("the settings do not read %s", kind))
	}
	if err != nil {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	if kind == "tickets" {
		return r.refetchTicket(id, n)
	}
	t := trees[locale]
	if t == nil {
		var ok bool
		if t, ok = r.readTree(locale); !ok {
			return false
		}
		trees[locale] = t
	}
	var ans struct {
		Article *apiArticle `json:"article"`
	}
	path := "/help_center/" + url.PathEscape(locale) + "/articles/" + strconv.FormatInt(n, 10)
	if err := r.c.client.get(r.ctx, r.c.client.url(path, nil), &ans); err != nil {
		return r.refetchFailed(id, "read article", err)
	}
	a := ans.Article
	if a == nil || a.ID != n {
		return r.refetchFailed(id, "read article", malformed("read article", "the answer is not the article asked for"))
	}
	if a.Draft && !r.c.settings.IncludeDrafts {
		return r.Yield(tributary.DeletionItem(id))
	}
	return r.article(locale, t, a, r.people.want(r.ctx, a.AuthorID))
}

func (r *run) refetchTicket(id string, n int64) bool {
	var ans struct {
		Ticket *apiTicket `json:"ticket"`
	}
	if err := r.c.client.get(r.ctx, r.c.client.url("/tickets/"+strconv.FormatInt(n, 10), nil), &ans); err != nil {
		return r.refetchFailed(id, "read ticket", err)
	}
	t := ans.Ticket
	if t == nil || t.ID != n {
		return r.refetchFailed(id, "read ticket", malformed("read ticket", "the answer is not the ticket asked for"))
	}
	if t.Status == "deleted" {
		return r.Yield(tributary.DeletionItem(id))
	}
	return r.ticket(t, r.people.want(r.ctx, t.RequesterID, t.AssigneeID))
}

// refetchFailed yields a deletion for a document Zendesk no longer has, ends
// the stream on a terminal error, and otherwise yields a Failure.
func (r *run) refetchFailed(id, op string, err error) bool {
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	case terminal(err):
		return r.Fail(fmt.Errorf("zendesk: %s: %w", op, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("zendesk: %s: %w", op, err))))
}
