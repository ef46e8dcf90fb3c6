package zendesk

import (
	"encoding/json"
	"testing"
)

// FuzzAnswers reads arbitrary listing pages and export pages as the stream
// does: it never panics, and an article or ticket that decodes maps to a
// document or fails with an error.
func FuzzAnswers(f *testing.F) {
	f.Add([]byte(`{"articles":[{"id":1,"title":"T","body":"<h2 id=\"a\">A</h2><p>x</p>","section_id":5,"user_segment_id":7,
		"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-02T00:00:00Z","label_names":["l"]}],
		"meta":{"has_more":true,"after_cursor":"abc"},"links":{"next":"https://acme.zendesk.com/api/v2/help_center/en-us/articles?page[after]=abc"}}`),
		[]byte(`{"tickets":[{"id":3,"subject":"S","status":"open","group_id":4,"tags":["a"],"created_at":"2024-01-01T00:00:00Z",
		"updated_at":"2024-01-01T00:00:00Z","generated_timestamp":1704067200}],"after_cursor":"x","end_of_stream":false}`))
	f.Add([]byte(`{"articles":[{"id":2,"body":null,"draft":true}],"meta":{"has_more":true,"after_cursor":null},"links":null}`),
		[]byte(`{"tickets":[{"id":-1,"status":"deleted"}],"end_of_stream":true}`))
	f.Add([]byte(`{"articles":{},"meta":[]}`), []byte(`{"tickets":null}`))
	f.Fuzz(func(t *testing.T, listing, export []byte) {
		s := Settings{}
		s.SetDefaults()
		s.Subdomain = "acme"
		c := &Connector{settings: s, client: &client{site: "https://acme.zendesk.com", api: "https://acme.zendesk.com/api/v2"}}
		c.env.WantPermissions = true
		r := &run{c: c, people: newPeople(c.client), nodes: map[string]bool{}}
		tr := &tree{categories: map[int64]apiCategory{}, sections: map[int64]apiSection{5: {ID: 5, CategoryID: 9}}}
		var raw map[string]json.RawMessage
		if json.Unmarshal(listing, &raw) == nil {
			items, _, _ := c.client.cursorPage("fuzz", raw, "articles", "")
			for _, it := range items {
				var a apiArticle
				if json.Unmarshal(it, &a) == nil {
					_, _ = r.articleDoc("en-us", &a, articleID(c.client.site, "en-us", a.ID), "", tr)
				}
			}
		}
		var e apiExport
		if json.Unmarshal(export, &e) == nil {
			r.slim = true
			for _, it := range e.Tickets {
				var tk apiTicket
				if json.Unmarshal(it, &tk) == nil {
					_, _ = r.ticketDoc(&tk, ticketID(c.client.site, tk.ID))
				}
			}
		}
	})
}
