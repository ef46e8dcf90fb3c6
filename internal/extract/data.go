package extract

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tributary-dev/tributary"
)

// JSON extracts a JSON document: its text as written, after checking that
// it is well-formed JSON, a sequence of JSON values such as JSON Lines, or
// JSON with comments and trailing commas as configuration files write it
// (tsconfig.json, VS Code settings). An empty file is an empty text; a
// malformed one fails with ErrUndecodable. The title is a top-level
// "title" or "name" string, when there is one.
func JSON(b []byte, label string) (*Doc, error) {
	s, err := DecodeText(b, label)
	if err != nil {
		return nil, err
	}
	plain := []byte(s)
	switch {
	case strings.TrimSpace(s) == "":
		return textDoc("", s), nil
	case json.Valid(plain) || validJSONSequence(s):
	default:
		plain = stripJSONC(plain)
		if !json.Valid(plain) {
			return nil, fmt.Errorf("%w: malformed JSON", ErrUndecodable)
		}
	}
	return textDoc(jsonTitle(plain), s), nil
}

// jsonTitle returns the top-level "title" or "name" string of a JSON
// object, or "".
func jsonTitle(b []byte) string {
	var top struct {
		Title any `json:"title"`
		Name  any `json:"name"`
	}
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) || json.Unmarshal(b, &top) != nil {
		return ""
	}
	for _, v := range []any{top.Title, top.Name} {
		if t, ok := v.(string); ok && strings.TrimSpace(t) != "" {
			return strings.TrimSpace(t)
		}
	}
	return ""
}

// stripJSONC returns JSON with comments (// to the end of the line and
// /* */) blanked out and commas before a closing bracket or brace
// dropped, leaving strings as they are.
func stripJSONC(b []byte) []byte {
	out := make([]byte, 0, len(b))
	comma := -1 // index in out of a comma that may be trailing
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(b)-1)
			out = append(out, b[i:j+1]...)
			i, comma = j, -1
			continue
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			out = append(out, '\n')
			continue
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			end := bytes.Index(b[i+2:], []byte("*/"))
			if end < 0 {
				return append(out, b[i:]...) // unterminated: left malformed
			}
			out = append(out, ' ')
			i += end + 3
			continue
		case c == ',' && !afterOpening(out):
			comma = len(out)
		case c == '}' || c == ']':
			if comma >= 0 {
				out[comma] = ' '
			}
			comma = -1
		case c != ' ' && c != '\t' && c != '\n' && c != '\r':
			comma = -1
		}
		out = append(out, c)
	}
	return out
}

// afterOpening reports whether the last character of b other than white
// space opens an object or array or is a comma, where a comma is no
// trailing comma but an error.
func afterOpening(b []byte) bool {
	t := bytes.TrimRight(b, " \t\r\n")
	return len(t) > 0 && (t[len(t)-1] == '{' || t[len(t)-1] == '[' || t[len(t)-1] == ',')
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
