package notion

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// maxBlocks bounds the blocks read of one page; the rest is left out.
const maxBlocks = 20000

// reader turns a page's block tree into sections: a new section at each
// heading, linking to the heading's block.
type reader struct {
	r        *run
	link     string
	sections []tributary.Section
	heading  string
	anchor   string
	text     strings.Builder
	blocks   int
	// synced holds the synced blocks shown already on this page, so a
	// synced block that (through others) shows itself is read once.
	synced map[string]bool
}

// content reads the page's blocks, recursively, as sections.
func (r *run) content(o *apiObject) ([]tributary.Section, error) {
	link := pageID(o.ID)
	rd := &reader{r: r, link: link, anchor: link, synced: map[string]bool{}}
	if err := rd.children(o.ID, 0); err != nil {
		return nil, err
	}
	if rd.blocks > maxBlocks {
		r.c.env.Log().Warn("notion: page has too many blocks; the rest is left out", "page", link, "limit", maxBlocks)
	}
	rd.flush()
	return rd.sections, nil
}

// children reads the children of a page or block, page by page.
func (rd *reader) children(id string, depth int) error {
	cursor := ""
	for rd.blocks <= maxBlocks {
		q := url.Values{"page_size": {strconv.Itoa(rd.r.c.settings.PageSize)}}
		if cursor != "" {
			q.Set("start_cursor", cursor)
		}
		var l apiList
		if err := rd.r.c.client.get(rd.r.ctx, "/blocks/"+pathID(id)+"/children", q, &l); err != nil {
			return err
		}
		for _, raw := range l.Results {
			var b apiBlock
			if err := json.Unmarshal(raw, &b); err != nil || b.ID == "" || b.Type == "" {
				return malformed("read blocks", fmt.Sprintf("block under %s does not decode: %v", id, err))
			}
			if rd.blocks++; rd.blocks > maxBlocks {
				return nil
			}
			if err := rd.block(&b, depth); err != nil {
				return err
			}
		}
		next, err := l.next("read blocks", cursor)
		if err != nil || next == "" {
			return err
		}
		cursor = next
	}
	return nil
}

// line adds a line of text to the section in progress.
func (rd *reader) line(s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if rd.text.Len() > 0 {
		rd.text.WriteByte('\n')
	}
	rd.text.WriteString(s)
}

// flush ends the section in progress.
func (rd *reader) flush() {
	text := rd.text.String()
	if text == "" {
		text = rd.heading
	}
	if text != "" {
		s := tributary.TextSection(rd.anchor, text)
		s.Heading = rd.heading
		rd.sections = append(rd.sections, s)
	}
	rd.text.Reset()
}

// block adds one block and what it holds.
func (rd *reader) block(b *apiBlock, depth int) error {
	body := &b.body
	text := plain(body.RichText)
	descend := b.HasChildren
	switch b.Type {
	case "heading_1", "heading_2", "heading_3":
		rd.flush()
		rd.heading, rd.anchor = strings.TrimSpace(text), rd.link+"#"+key(b.ID)
	case "paragraph", "quote", "callout", "toggle", "code", "template":
		rd.line(text)
	case "bulleted_list_item", "numbered_list_item":
		rd.line("- " + text)
	case "to_do":
		mark := "[ ] "
		if body.Checked != nil && *body.Checked {
			mark = "[x] "
		}
		rd.line(mark + text)
	case "equation":
		rd.line(body.Expression)
	case "bookmark", "embed", "link_preview":
		rd.line(strings.TrimSpace(plain(body.Caption) + " " + body.URL))
	case "image", "file", "pdf", "video", "audio":
		u := ""
		if body.External != nil {
			u = body.External.URL
		}
		rd.line(plain(body.Caption) + " " + u)
	case "table_row":
		cells := make([]string, 0, len(body.Cells))
		for _, c := range body.Cells {
			cells = append(cells, strings.TrimSpace(plain(c)))
		}
		rd.line(strings.Join(cells, " | "))
	case "child_page", "child_database":
		// Documents and nodes of their own.
		descend = false
	case "synced_block":
		if body.SyncedFrom != nil && body.SyncedFrom.BlockID != "" {
			return rd.syncedCopy(body.SyncedFrom.BlockID, depth)
		}
		rd.synced[key(b.ID)] = true
	}
	if !descend || depth+1 >= rd.r.c.settings.MaxDepth {
		return nil
	}
	return rd.children(b.ID, depth+1)
}

// syncedCopy reads the children of the original a synced block shows. An
// original the integration cannot read (its page is not shared) shows
// nothing, as in Notion for a reader without access.
func (rd *reader) syncedCopy(original string, depth int) error {
	if rd.synced[key(original)] || depth+1 >= rd.r.c.settings.MaxDepth {
		return nil
	}
	rd.synced[key(original)] = true
	err := rd.children(original, depth+1)
	if err != nil && gone(err) {
		rd.r.c.env.Log().Debug("notion: synced block's original not readable", "block", original)
		return nil
	}
	return err
}
