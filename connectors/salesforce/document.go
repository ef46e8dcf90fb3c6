package salesforce

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Metadata keys the connector sets, besides the picklist and boolean
// fields read, by their API names.
const MetaObject = "object"

// maxFieldText bounds the text of one field.
const maxFieldText = 1 << 20

// document maps a record to its document: a first section of its fields
// ("Label: value" lines), then a section per rich text field, as text.
func (r *run) document(info *objectInfo, rec map[string]any, id string, stamp time.Time) *tributary.Document {
	inst := r.sess.instance
	docID := recordID(inst, info.name, id)
	ownerID, _ := rec["OwnerId"].(string)
	owner, _ := rec["Owner"].(map[string]any)
	email, _ := owner["Email"].(string)
	d := &tributary.Document{ID: docID, Source: Source, ParentID: objectNodeID(inst, info.name), UpdatedAt: stamp,
		ExternalAccess: r.access(info, ownerID, email)}
	if r.slim {
		return d
	}
	d.Title = strings.TrimSpace(value(rec[info.title]))
	if n := value(rec[info.number]); info.number != "" && n != "" {
		d.Title = strings.TrimSpace(n + ": " + d.Title)
	}
	d.Title = cmp.Or(d.Title, info.label+" "+id)
	d.SemanticID = d.Title
	if t, ok := parseTime(rec["CreatedDate"]); ok {
		d.CreatedAt = t
	}
	d.Metadata = tributary.Metadata{}
	d.Metadata.Add(MetaObject, info.name)
	for _, f := range info.meta {
		if v := value(rec[f]); v != "" {
			d.Metadata.Add(f, v)
		}
	}
	if name, _ := owner["Name"].(string); !strings.HasPrefix(ownerID, "00G") && (name != "" || email != "") {
		d.PrimaryOwners = []tributary.Person{{DisplayName: name, Email: strings.ToLower(email)}}
	}
	var lines []string
	for _, f := range info.text {
		if v := strings.TrimSpace(value(rec[f.name])); v != "" {
			lines = append(lines, cmp.Or(f.label, f.name)+": "+limitText(v))
		}
	}
	if len(lines) == 0 {
		lines = []string{d.Title}
	}
	d.Sections = []tributary.Section{tributary.TextSection(docID, strings.Join(lines, "\n"))}
	for _, f := range info.html {
		if v := htmlText(value(rec[f.name])); v != "" {
			d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: docID, Heading: cmp.Or(f.label, f.name), Text: limitText(v)})
		}
	}
	return d
}

// value writes a field's JSON value as text.
func value(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func limitText(s string) string {
	if len(s) <= maxFieldText {
		return s
	}
	return strings.ToValidUTF8(s[:maxFieldText], "")
}

// htmlText is the text of a rich text field.
func htmlText(body string) string {
	if !strings.Contains(body, "<") {
		return strings.TrimSpace(body)
	}
	h, err := extract.HTML([]byte("<html><body>"+body+"</body></html>"), "text/html; charset=utf-8", extract.HTMLOptions{MaxText: maxFieldText})
	if err != nil || len(h.Sections) == 0 {
		return strings.TrimSpace(body)
	}
	parts := make([]string, 0, len(h.Sections))
	for _, s := range h.Sections {
		if t := strings.TrimSpace(s.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}
