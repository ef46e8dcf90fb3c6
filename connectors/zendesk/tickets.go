package zendesk

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

// exportLag is how far behind now the incremental export's start time must
// be: Zendesk leaves out the last minute and refuses a later start.
const exportLag = 61 * time.Second

// tickets yields the tickets updated in the window, reading the
// incremental export from the cursor (or from the window's start), with a
// checkpoint after each page. The export is ordered by each ticket's last
// change of any kind, which can be later than its update time, so it is
// read to its end; tickets deleted in the window come as deletions.
func (r *run) tickets(cursor string) bool {
	for {
		q := url.Values{"per_page": {strconv.Itoa(r.c.settings.ExportPageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		} else {
			q.Set("start_time", strconv.FormatInt(r.exportStart(), 10))
		}
		var page apiExport
		if err := r.c.client.get(r.ctx, r.c.client.url("/incremental/tickets/cursor.json", q), &page); err != nil {
			return r.Fail(fmt.Errorf("zendesk: export tickets: %w", err))
		}
		if page.Tickets == nil {
			return r.Fail(malformed("export tickets", "the answer has no tickets"))
		}
		if !r.ticketPage(page.Tickets) {
			return false
		}
		if page.EndOfStream {
			return true
		}
		if page.AfterCursor == "" || page.AfterCursor == cursor {
			return r.Fail(malformed("export tickets", "end_of_stream is false without a new after_cursor"))
		}
		cursor = page.AfterCursor
		if !r.Checkpoint(position{Phase: phaseTickets, After: cursor}) {
			return false
		}
	}
}

// exportStart is the export's start_time for the window: its start in
// Unix seconds, at most a minute and a second ago.
func (r *run) exportStart() int64 {
	st := max(r.start.Unix(), 0)
	if r.start.IsZero() {
		st = 0
	}
	return min(st, time.Now().Add(-exportLag).Unix())
}

func (r *run) ticketPage(raws []json.RawMessage) bool {
	ts := make([]apiTicket, 0, len(raws))
	var ids []int64
	for _, raw := range raws {
		var t apiTicket
		if err := json.Unmarshal(raw, &t); err != nil || t.ID == 0 {
			return r.Fail(malformed("export tickets", "a ticket without an id"))
		}
		ts = append(ts, t)
		if t.Status != "deleted" && r.inWindow(t.UpdatedAt) {
			ids = append(ids, t.RequesterID)
			if !r.slim {
				ids = append(ids, t.AssigneeID)
			}
		}
	}
	var lookup error
	if !r.slim || r.c.env.WantPermissions { // the requester may see the ticket
		lookup = r.people.want(r.ctx, ids...)
		if lookup != nil && terminal(lookup) {
			return r.Fail(fmt.Errorf("zendesk: %w", lookup))
		}
	}
	for i := range ts {
		if !r.ticket(&ts[i], lookup) {
			return false
		}
	}
	return true
}

func ticketID(site string, id int64) string {
	return site + "/agent/tickets/" + strconv.FormatInt(id, 10)
}

func (r *run) ticketsNode() *tributary.HierarchyNode {
	site := r.c.client.site
	return &tributary.HierarchyNode{ID: site + "/agent/tickets", Name: "Tickets", Link: site + "/agent/filters", Kind: tributary.NodeFolder}
}

func (r *run) ticket(t *apiTicket, lookup error) bool {
	id := ticketID(r.c.client.site, t.ID)
	if t.Status == "deleted" {
		changed := t.UpdatedAt
		if t.Generated > 0 {
			changed = time.Unix(t.Generated, 0)
		}
		if r.slim || r.start.IsZero() || !r.inWindow(changed) {
			return true
		}
		return r.Yield(tributary.DeletionItem(id))
	}
	if t.UpdatedAt.IsZero() || t.CreatedAt.IsZero() {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, malformed("export tickets", "a ticket without its times"))))
	}
	if !r.inWindow(t.UpdatedAt) {
		return true
	}
	if !r.ticketsAt {
		r.ticketsAt = true
		if !r.Yield(tributary.NodeItem(r.ticketsNode())) {
			return false
		}
	}
	if lookup != nil {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, lookup)))
	}
	d, err := r.ticketDoc(t, id)
	if err != nil {
		if terminal(err) {
			return r.Fail(fmt.Errorf("zendesk: ticket %d: %w", t.ID, err))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	return r.Yield(tributary.DocumentItem(d))
}

// ticketDoc makes a ticket's document: a section per comment, the
// requester as primary and the assignee as secondary owner.
func (r *run) ticketDoc(t *apiTicket, id string) (*tributary.Document, error) {
	title := t.Subject
	if title == "" {
		title = fmt.Sprintf("Ticket %d", t.ID)
	}
	d := &tributary.Document{ID: id, Source: Source, SemanticID: fmt.Sprintf("#%d: %s", t.ID, title), Title: title,
		ParentID: r.ticketsNode().ID, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), ExternalAccess: r.ticketAccess(t)}
	if r.slim {
		return d, nil
	}
	var comments []apiComment
	if r.c.settings.IncludeComments {
		var err error
		if comments, err = r.comments(t.ID); err != nil {
			return nil, err
		}
	}
	for _, c := range comments {
		if !c.Public && !r.c.settings.IncludePrivateComments {
			continue
		}
		text := c.PlainBody
		if text == "" {
			text = c.Body
		}
		heading := "Comment"
		if p := r.people.get(c.AuthorID); p != nil {
			heading = p.DisplayName
		}
		if !c.Public {
			heading += " (internal note)"
		}
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: id, Heading: heading, Text: text})
	}
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{tributary.TextSection(id, t.Description)}
	}
	d.PrimaryOwners = r.people.owners(t.RequesterID)
	d.SecondaryOwners = r.people.owners(t.AssigneeID)
	m := tributary.Metadata{}
	m.Add("type", "ticket")
	m.Add("status", t.Status)
	m.Add("priority", t.Priority)
	m.Add("ticket_type", t.Type)
	m.Add("tags", t.Tags...)
	if t.GroupID != 0 {
		m.Add("group_id", strconv.FormatInt(t.GroupID, 10))
	}
	if t.OrganizationID != 0 {
		m.Add("organization_id", strconv.FormatInt(t.OrganizationID, 10))
	}
	d.Metadata = m
	return d, nil
}

// comments reads a ticket's comments, oldest first, and looks up their
// authors.
func (r *run) comments(ticket int64) ([]apiComment, error) {
	var out []apiComment
	var authors []int64
	path := "/tickets/" + strconv.FormatInt(ticket, 10) + "/comments"
	after := ""
	for {
		q := url.Values{"page[size]": {strconv.Itoa(r.c.settings.PageSize)}}
		if after != "" {
			q.Set("page[after]", after)
		}
		var raw map[string]json.RawMessage
		if err := r.c.client.get(r.ctx, r.c.client.url(path, q), &raw); err != nil {
			return nil, fmt.Errorf("list comments: %w", err)
		}
		items, next, err := r.c.client.cursorPage("list comments", raw, "comments", after)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			var c apiComment
			if err := json.Unmarshal(it, &c); err != nil {
				return nil, malformed("list comments", "a comment does not decode")
			}
			out = append(out, c)
			authors = append(authors, c.AuthorID)
		}
		if next == "" {
			break
		}
		after = next
	}
	if err := r.people.want(r.ctx, authors...); err != nil {
		return nil, err
	}
	return out, nil
}
