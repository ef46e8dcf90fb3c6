package googledrive

import (
	"context"
	"fmt"
	"iter"
	"net/url"

	"github.com/tributary-dev/tributary/internal/google"
)

// directoryUsers lists the domain's users (users.list, as admin).
func (c *Connector) directoryUsers(ctx context.Context, admin string) iter.Seq2[dirUser, error] {
	return func(yield func(dirUser, error) bool) {
		ctx := google.As(ctx, admin, ScopeUserReadonly)
		for token := ""; ; {
			q := url.Values{"customer": {"my_customer"}, "maxResults": {"500"}, "orderBy": {"email"},
				"fields": {"nextPageToken,users(primaryEmail,suspended,name(fullName))"}}
			if token != "" {
				q.Set("pageToken", token)
			}
			var pg userList
			if err := c.client.get(ctx, join(c.client.admin, "/users", q), &pg); err != nil {
				yield(dirUser{}, fmt.Errorf("google_drive: list users: %w", err))
				return
			}
			for _, u := range pg.Users {
				if !yield(u, nil) {
					return
				}
			}
			if pg.NextPageToken == "" || pg.NextPageToken == token {
				return
			}
			token = pg.NextPageToken
		}
	}
}
