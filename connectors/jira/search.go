package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// searchResult is one page of a search.
type searchResult struct {
	issues []json.RawMessage
	last   bool
	token  string // Cloud: the next page's token
	offset int    // Server: the next page's startAt
}

// searchPage fetches one page of a JQL search: Cloud's enhanced search with
// a page token, or Server's offset search. A page that says more follow but
// gives no way to reach them is an error, never the end of the listing.
func (c *Connector) searchPage(ctx context.Context, jql, token string, offset, size int, fields []string) (searchResult, error) {
	q := url.Values{"jql": {jql}, "maxResults": {strconv.Itoa(size)}, "fields": {strings.Join(fields, ",")}}
	if c.settings.Deployment == Server {
		q.Set("startAt", strconv.Itoa(offset))
		var pg serverPage
		if err := c.client.get(ctx, c.client.url("/search", q), &pg); err != nil {
			return searchResult{}, err
		}
		if pg.Total == nil {
			return searchResult{}, malformed("search answer without total")
		}
		next := offset + len(pg.Issues)
		if next < *pg.Total && len(pg.Issues) == 0 {
			return searchResult{}, malformed(fmt.Sprintf("empty page at %d of %d issues", offset, *pg.Total))
		}
		return searchResult{issues: pg.Issues, last: next >= *pg.Total, offset: next}, nil
	}
	if token != "" {
		q.Set("nextPageToken", token)
	}
	var pg cloudPage
	if err := c.client.get(ctx, c.client.url("/search/jql", q), &pg); err != nil {
		return searchResult{}, err
	}
	// Jira leaves nextPageToken out of the last page; isLast says so too.
	last := pg.IsLast != nil && *pg.IsLast || pg.IsLast == nil && pg.NextPageToken == ""
	if !last && (pg.NextPageToken == "" || pg.NextPageToken == token) {
		return searchResult{}, malformed("page says more follow but gives no new nextPageToken")
	}
	return searchResult{issues: pg.Issues, last: last, token: pg.NextPageToken}, nil
}

func malformed(msg string) error {
	return tributary.NewError("jira: search", tributary.ErrMalformedResponse, errors.New(msg))
}
