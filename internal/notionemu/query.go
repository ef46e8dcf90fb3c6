package notionemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// queryBody is the body of a database query.
type queryBody struct {
	Filter      json.RawMessage `json:"filter"`
	Sorts       []querySort     `json:"sorts"`
	StartCursor string          `json:"start_cursor"`
	PageSize    *int            `json:"page_size"`
}

type querySort struct {
	Timestamp string `json:"timestamp"`
	Property  string `json:"property"`
	Direction string `json:"direction"`
}

// condition is one timestamp filter: the row's minute compared with at.
type condition struct {
	op string
	at time.Time
}

func (c condition) holds(t time.Time) bool {
	switch c.op {
	case "on_or_after":
		return !t.Before(c.at)
	case "after":
		return t.After(c.at)
	case "before":
		return t.Before(c.at)
	case "on_or_before":
		return !t.After(c.at)
	}
	return t.Equal(c.at) // equals
}

// parseFilter reads a last_edited_time timestamp filter or an "and" of
// them. Datetimes are read to the minute, as Notion compares them.
func parseFilter(raw json.RawMessage) ([]condition, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var f struct {
		And            []json.RawMessage          `json:"and"`
		Timestamp      string                     `json:"timestamp"`
		LastEditedTime map[string]json.RawMessage `json:"last_edited_time"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	if f.And != nil {
		var out []condition
		for _, sub := range f.And {
			cs, err := parseFilter(sub)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		return out, nil
	}
	if f.Timestamp != "last_edited_time" || len(f.LastEditedTime) != 1 {
		return nil, fmt.Errorf("body.filter should be a last_edited_time timestamp filter")
	}
	for op, v := range f.LastEditedTime {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
		switch op {
		case "on_or_after", "after", "before", "on_or_before", "equals":
		default:
			return nil, fmt.Errorf("body.filter.last_edited_time.%s is not supported", op)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if t, err = time.Parse("2006-01-02", s); err != nil {
				return nil, fmt.Errorf("body.filter.last_edited_time.%s should be an ISO 8601 date", op)
			}
		}
		return []condition{{op: op, at: minute(t)}}, nil
	}
	return nil, nil
}

func (s *Server) queryDatabase(c *call) (int, any) {
	db := s.idx.dbs[key(c.r.PathValue("id"))]
	if db == nil || db.Unshared {
		return notFound("database", c.r.PathValue("id"))
	}
	var b queryBody
	if err := readBody(c.r, &b); err != nil {
		return invalid("body failed validation: " + err.Error())
	}
	size, err := sizeOf(b.PageSize)
	if err != nil {
		return invalid(err.Error())
	}
	conds, err := parseFilter(b.Filter)
	if err != nil {
		return invalid("body failed validation: " + err.Error())
	}
	descending := true
	if len(b.Sorts) > 1 || len(b.Sorts) == 1 && (b.Sorts[0].Timestamp != "last_edited_time" ||
		b.Sorts[0].Direction != "ascending" && b.Sorts[0].Direction != "descending") {
		return invalid("body failed validation: the emulator sorts by last_edited_time only")
	}
	if len(b.Sorts) == 1 {
		descending = b.Sorts[0].Direction == "descending"
	}
	var entries []entry
rows:
	for _, p := range s.data.Pages {
		if p.Parent.Type != ParentDatabase || key(p.Parent.ID) != key(db.ID) || p.Unshared || p.Archived {
			continue
		}
		t := minute(p.Edited)
		for _, cd := range conds {
			if !cd.holds(t) {
				continue rows
			}
		}
		entries = append(entries, entry{t: t, id: p.ID, obj: p})
	}
	status, v := s.listing(c, entries, descending, b.StartCursor, size, "page_or_database")
	if m, ok := v.(map[string]any); ok && status == http.StatusOK {
		m["type"] = "page_or_database"
	}
	return status, v
}
