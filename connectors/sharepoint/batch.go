package sharepoint

import (
	"context"
	"net/http"
	"strconv"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// maxBatch is the most requests one $batch carries.
const maxBatch = 20

// batchAccess reads the permissions of a page's files in $batch requests
// of up to 20, cutting a request per file to one per twenty. It returns
// the access of the files whose answer came whole; a file whose answer
// was refused, throttled, paged or broken is left out, to be asked for
// alone (with the stack's retries and classification). A batch that
// fails as a whole leaves every file to be asked alone.
func (c *Connector) batchAccess(ctx context.Context, drive string, items []string) map[string]*tributary.ExternalAccess {
	out := map[string]*tributary.ExternalAccess{}
	for len(items) > 0 {
		chunk := items[:min(maxBatch, len(items))]
		items = items[len(chunk):]
		if len(chunk) < 2 {
			break
		}
		type request struct {
			ID     string `json:"id"`
			Method string `json:"method"`
			URL    string `json:"url"`
		}
		var body struct {
			Requests []request `json:"requests"`
		}
		for i, id := range chunk {
			body.Requests = append(body.Requests, request{ID: strconv.Itoa(i), Method: http.MethodGet, URL: "/drives/" + drive + "/items/" + id + "/permissions"})
		}
		var ans struct {
			Responses []struct {
				ID     string `json:"id"`
				Status int    `json:"status"`
				Body   *struct {
					Value    []apiPermission `json:"value"`
					NextLink string          `json:"@odata.nextLink"`
				} `json:"body"`
			} `json:"responses"`
		}
		if err := c.client.http.PostJSON(httpx.Idempotent(ctx), c.client.graph+"/$batch", body, &ans); err != nil {
			if ctx.Err() != nil {
				return out
			}
			c.env.Log().Debug("sharepoint: $batch of permissions failed; asking one by one", "error", err)
			continue
		}
		for _, r := range ans.Responses {
			i, err := strconv.Atoi(r.ID)
			if err != nil || i < 0 || i >= len(chunk) || r.Status != http.StatusOK || r.Body == nil || r.Body.NextLink != "" {
				continue
			}
			out[chunk[i]] = c.accessOf(r.Body.Value)
		}
	}
	return out
}
