package jira

import (
	"strconv"
	"strings"
	"time"
)

// adfNode is one node of an Atlassian Document Format tree, the JSON that
// Jira Cloud uses for descriptions and comments.
type adfNode struct {
	Type    string         `json:"type"`
	Text    string         `json:"text"`
	Attrs   map[string]any `json:"attrs"`
	Marks   []adfMark      `json:"marks"`
	Content []*adfNode     `json:"content"`
}

type adfMark struct {
	Type  string         `json:"type"`
	Attrs map[string]any `json:"attrs"`
}

// maxADFDepth bounds recursion on hostile or broken trees.
const maxADFDepth = 64

// renderADF returns the plain text of an ADF document: blocks separated by
// blank lines, list items marked "- " or "1. " and indented when nested,
// code blocks fenced with their language, links as "text (url)", mentions
// as their display text, table rows as cells joined by " | ". Unknown node
// types contribute their text and their children's, so nothing written in
// a newer node type is lost.
func renderADF(doc *adfNode) string {
	w := &adfWriter{}
	if doc.Type == "doc" || doc.Type == "" {
		w.blocks(doc.Content, 0, "")
	} else {
		w.block(doc, 0, "")
	}
	return strings.TrimSpace(strings.Join(w.out, "\n\n"))
}

type adfWriter struct {
	out []string // finished blocks
}

func (w *adfWriter) blocks(nodes []*adfNode, depth int, indent string) {
	for _, n := range nodes {
		if n != nil {
			w.block(n, depth+1, indent)
		}
	}
}

// block renders one block node, appending to w.out.
func (w *adfWriter) block(n *adfNode, depth int, indent string) {
	if depth > maxADFDepth {
		return
	}
	switch n.Type {
	case "paragraph", "heading":
		w.emit(indent, inline(n.Content, depth))
	case "codeBlock":
		lang, _ := n.Attrs["language"].(string)
		w.emit(indent, "```"+lang+"\n"+inline(n.Content, depth)+"\n```")
	case "bulletList", "orderedList", "taskList", "decisionList":
		w.list(n, depth, indent)
	case "blockquote":
		sub := &adfWriter{}
		sub.blocks(n.Content, depth, "")
		w.emit(indent, "> "+strings.ReplaceAll(strings.Join(sub.out, "\n\n"), "\n", "\n> "))
	case "rule":
		w.emit(indent, "---")
	case "table":
		w.table(n, depth, indent)
	case "expand", "nestedExpand":
		if title, _ := n.Attrs["title"].(string); title != "" {
			w.emit(indent, title)
		}
		w.blocks(n.Content, depth, indent)
	case "mediaSingle", "mediaGroup", "media":
		// Attachments carry no text; their captions do.
		w.blocks(captions(n.Content), depth, indent)
	default:
		if isInline(n) {
			w.emit(indent, inline([]*adfNode{n}, depth))
			return
		}
		if n.Text != "" {
			w.emit(indent, n.Text)
		}
		w.blocks(n.Content, depth, indent) // panel, layout, unknown containers
	}
}

func captions(nodes []*adfNode) []*adfNode {
	var out []*adfNode
	for _, n := range nodes {
		if n != nil && n.Type == "caption" {
			out = append(out, &adfNode{Type: "paragraph", Content: n.Content})
		}
	}
	return out
}

func (w *adfWriter) emit(indent, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	if indent != "" {
		text = indent + strings.ReplaceAll(text, "\n", "\n"+indent)
	}
	w.out = append(w.out, text)
}

// list renders a list as one block, one line (or more) per item.
func (w *adfWriter) list(n *adfNode, depth int, indent string) {
	var lines []string
	number := 1
	if o, ok := n.Attrs["order"].(float64); ok && o >= 0 {
		number = int(o)
	}
	for _, item := range n.Content {
		if item == nil {
			continue
		}
		marker := "- "
		switch {
		case n.Type == "orderedList":
			marker = strconv.Itoa(number) + ". "
			number++
		case item.Type == "taskItem":
			marker = "[ ] "
			if state, _ := item.Attrs["state"].(string); state == "DONE" {
				marker = "[x] "
			}
		}
		sub := &adfWriter{}
		if item.Type == "taskItem" || item.Type == "decisionItem" {
			sub.emit("", inline(item.Content, depth))
		} else {
			sub.blocks(item.Content, depth, "")
		}
		text := strings.Join(sub.out, "\n")
		pad := strings.Repeat(" ", len(marker))
		lines = append(lines, marker+strings.ReplaceAll(text, "\n", "\n"+pad))
	}
	w.emit(indent, strings.Join(lines, "\n"))
}

// table renders each row as its cells' text joined by " | ".
func (w *adfWriter) table(n *adfNode, depth int, indent string) {
	var rows []string
	for _, row := range n.Content {
		if row == nil {
			continue
		}
		var cells []string
		for _, cell := range row.Content {
			if cell == nil {
				continue
			}
			sub := &adfWriter{}
			sub.blocks(cell.Content, depth+1, "")
			cells = append(cells, strings.ReplaceAll(strings.Join(sub.out, " "), "\n", " "))
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	w.emit(indent, strings.Join(rows, "\n"))
}

func isInline(n *adfNode) bool {
	switch n.Type {
	case "text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status", "placeholder", "inlineExtension":
		return true
	}
	return false
}

// inline renders inline nodes to text.
func inline(nodes []*adfNode, depth int) string {
	var b strings.Builder
	for _, n := range nodes {
		if n == nil || depth > maxADFDepth {
			continue
		}
		switch n.Type {
		case "text":
			b.WriteString(textWithLink(n))
		case "hardBreak":
			b.WriteString("\n")
		case "mention":
			b.WriteString(attr(n, "text", "@"+attr(n, "id", "someone")))
		case "emoji":
			b.WriteString(attr(n, "text", attr(n, "shortName", "")))
		case "inlineCard", "blockCard", "embedCard":
			b.WriteString(attr(n, "url", ""))
		case "status":
			b.WriteString("[" + attr(n, "text", "") + "]")
		case "date":
			b.WriteString(adfDate(n))
		default:
			b.WriteString(n.Text)
			b.WriteString(inline(n.Content, depth+1))
		}
	}
	return b.String()
}

func textWithLink(n *adfNode) string {
	for _, m := range n.Marks {
		if m.Type == "link" {
			if href, _ := m.Attrs["href"].(string); href != "" && href != n.Text {
				return n.Text + " (" + href + ")"
			}
		}
	}
	return n.Text
}

func attr(n *adfNode, key, fallback string) string {
	if s, ok := n.Attrs[key].(string); ok && s != "" {
		return s
	}
	return fallback
}

// adfDate renders a date node, whose timestamp is milliseconds since the
// epoch as a string, as yyyy-mm-dd.
func adfDate(n *adfNode) string {
	ms, err := strconv.ParseInt(attr(n, "timestamp", ""), 10, 64)
	if err != nil {
		return attr(n, "timestamp", "")
	}
	return time.UnixMilli(ms).UTC().Format(time.DateOnly)
}
