package sharepoint

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/tributary-dev/tributary"
)

// batchAccess reads the permissions of a page's files in $batch requests
// of up to 20, cutting a request per file to one per twenty. It returns
// the access of the files whose answer came whole; a file whose answer
// was refused, throttled, paged or broken is left out, to be asked for
// alone (with the stack's retries and classification). A batch that
// fails as a whole leaves every file after it to be asked alone.
func (c *Connector) batchAccess(ctx context.Context, drive string, items []string) map[string]*tributary.ExternalAccess {
	out := map[string]*tributary.ExternalAccess{}
	if len(items) < 2 {
		return out
	}
	paths := make([]string, len(items))
	for i, id := range items {
		paths[i] = "/drives/" + drive + "/items/" + id + "/permissions"
	}
	answers, err := c.client.Batch(ctx, paths)
	if err != nil && ctx.Err() == nil {
		c.env.Log().Debug("sharepoint: $batch of permissions failed; asking one by one", "error", err)
	}
	for i, a := range answers {
		var body struct {
			Value    []apiPermission `json:"value"`
			NextLink string          `json:"@odata.nextLink"`
		}
		if a.Status != http.StatusOK || len(a.Body) == 0 || string(a.Body) == "null" || json.Unmarshal(a.Body, &body) != nil || body.NextLink != "" {
			continue
		}
		out[items[i]] = c.accessOf(body.Value)
	}
	return out
}
