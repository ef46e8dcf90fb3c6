package googleemu

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"
)

func contextWithClient(ctx context.Context, c *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}
