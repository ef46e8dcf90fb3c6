package extract

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tributary-dev/tributary"
)

// JSON extracts a JSON document: its text as written, after checking that
// it is well-formed JSON, or a sequence of JSON values such as JSON Lines
// (a malformed file fails with ErrUndecodable). The title is a top-level
// "title" or "name" string, when there is one.
func JSON(b []byte, label string) (*Doc, error) {
	s, err := DecodeText(b, label)
	if err != nil {
		return nil, err
	}
	if !json.Valid([]byte(s)) && !validJSONSequence(s) {
		return nil, fmt.Errorf("%w: malformed JSON", ErrUndecodable)
	}
	var top struct {
		Title any `json:"title"`
		Name  any `json:"name"`
	}
	var title string
	if strings.HasPrefix(strings.TrimSpace(s), "{") && json.Unmarshal([]byte(s), &top) == nil {
		for _, v := range []any{top.Title, top.Name} {
			if t, ok := v.(string); ok && title == "" {
				title = strings.TrimSpace(t)
			}
		}
	}
	return textDoc(title, s), nil
}

// validJSONSequence reports whether s holds one or more JSON values one
// after another, as JSON Lines files do.
func validJSONSequence(s string) bool {
	dec := json.NewDecoder(strings.NewReader(s))
	n := 0
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return n > 0
		}
		if err != nil {
			return false
		}
		n++
	}
}

// TableRows is how many rows (after the header) one table section holds;
// longer tables are split into several sections, each repeating the header.
const TableRows = 500

// CSV extracts a comma- or tab-separated table (comma is ',' or '\t') into
// table sections of at most TableRows rows each, the first row being the
// header and repeated at the head of every section. Rows may have differing
// numbers of fields; stray quotes are tolerated.
func CSV(b []byte, label string, comma rune) (*Doc, error) {
	s, err := DecodeText(b, label)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	d := &Doc{}
	var header []string
	var rows [][]string
	flush := func() {
		if header == nil {
			return
		}
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionTable,
			Rows: append([][]string{header}, rows...)})
		rows = nil
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: table: %w", ErrUndecodable, err)
		}
		if header == nil {
			header = rec
			continue
		}
		rows = append(rows, rec)
		if len(rows) == TableRows {
			flush()
		}
	}
	if len(rows) > 0 || len(d.Sections) == 0 {
		flush()
	}
	if len(d.Sections) == 0 {
		d.Sections = []tributary.Section{{Kind: tributary.SectionText}}
	}
	return d, nil
}
