package confluence

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// FuzzHandleEvent hands the connector arbitrary bodies, signed with the
// webhook's secret, under each of the names Cloud deliveries may be given:
// it never panics, refuses what it cannot read with a classified error,
// and yields only items of the site.
func FuzzHandleEvent(f *testing.F) {
	fx := newFixture(f, confluenceemu.GenerateOptions{Spaces: 2, Pages: 3, Comments: 1, Seed: 1}, confluenceemu.Options{})
	p := fx.data.Pages[1]
	for _, ev := range []confluenceemu.WebhookEvent{
		{Name: confluenceemu.PageUpdated, Page: p}, {Name: confluenceemu.PageTrashed, Page: p},
		{Name: confluenceemu.CommentRemoved, Page: p, Comment: &confluenceemu.Comment{ID: 3, Created: p.When}},
		{Name: confluenceemu.BlogCreated, Page: p},
	} {
		ev.Site = fx.site()
		_, body := fx.emu.Webhook(ev, "")
		f.Add(ev.Name, body)
	}
	f.Add("page_removed", []byte(`{"page":{"id":"77","spaceKey":"S000","title":"a/b?c#d"}}`))
	f.Add("", []byte(`{"event":"page_moved","page":{"id":10003,"spaceKey":"../x","title":""}}`))
	f.Add("comment_created", []byte(`{"comment":{"id":1,"parent":{"id":"10004","contentType":"page"}}}`))
	c := webhookConnector(f, fx, fx.settings("S000", "S001"))
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		ev := tributary.Event{Type: tributary.EventWebhook, Name: name, Body: body,
			Header: http.Header{"X-Hub-Signature": {confluenceemu.Sign(testWebhookSecret, body)}}}
		for it, err := range c.HandleEvent(t.Context(), ev) {
			if err != nil {
				if tributary.Kind(err) == nil {
					t.Fatalf("unclassified error: %v", err)
				}
				if errors.Is(err, tributary.ErrInsufficientPermissions) {
					t.Fatalf("a signed delivery was refused: %v", err)
				}
				return
			}
			for _, id := range []string{it.Deletion, docID(it)} {
				if id != "" && !strings.HasPrefix(id, cloudSite+"/") {
					t.Fatalf("item %q is not of the site", id)
				}
			}
		}
	})
}

func docID(it tributary.Item) string {
	if it.Document != nil {
		return it.Document.ID
	}
	return ""
}
