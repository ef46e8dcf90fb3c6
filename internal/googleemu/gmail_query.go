package googleemu

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pacific is the zone Gmail reads dates of after: and before: in.
var pacific = time.FixedZone("PST", -8*3600)

var mailDate = regexp.MustCompile(`^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$`)

// compileMailQuery compiles the subset of Gmail's search syntax the
// connectors use: after: and before: (epoch seconds, or a date read at
// midnight Pacific time; after: includes its instant, before: excludes
// it), in: and label: (system labels and user label names), from:, to:,
// subject:, bare words and "quoted phrases" (searched in the subject and
// the text), each negated by a leading '-'. Terms are joined by AND and
// match one message; a thread matches when one of its messages does.
func compileMailQuery(q string, mb *Mailbox) (func(*Message) bool, error) {
	var terms []func(*Message) bool
	for _, tok := range splitQuery(q) {
		neg := false
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			neg, tok = true, tok[1:]
		}
		t, err := mailTerm(tok, mb)
		if err != nil {
			return nil, err
		}
		if neg {
			inner := t
			t = func(m *Message) bool { return !inner(m) }
		}
		terms = append(terms, t)
	}
	return func(m *Message) bool {
		for _, t := range terms {
			if !t(m) {
				return false
			}
		}
		return true
	}, nil
}

// splitQuery splits at spaces outside double quotes.
func splitQuery(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func mailTerm(tok string, mb *Mailbox) (func(*Message) bool, error) {
	op, val, ok := strings.Cut(tok, ":")
	if !ok || val == "" {
		return textTerm(tok), nil
	}
	val = strings.Trim(val, `"`)
	switch strings.ToLower(op) {
	case "after", "before":
		t, err := queryTime(val)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(op, "after") {
			return func(m *Message) bool { return !m.Internal.Before(t) }, nil
		}
		return func(m *Message) bool { return m.Internal.Before(t) }, nil
	case "in", "label":
		id := strings.ToUpper(val)
		for _, l := range mb.Labels {
			if strings.EqualFold(l.Name, val) {
				id = l.ID
			}
		}
		if strings.EqualFold(val, "anywhere") {
			return func(*Message) bool { return true }, nil
		}
		return func(m *Message) bool { return slices.Contains(m.LabelIDs, id) }, nil
	case "from", "to", "subject":
		h := map[string]string{"from": "From", "to": "To", "subject": "Subject"}[strings.ToLower(op)]
		want := strings.ToLower(val)
		return func(m *Message) bool {
			msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
			return err == nil && strings.Contains(strings.ToLower(decodeWords(msg.Header.Get(h))), want)
		}, nil
	}
	return textTerm(tok), nil
}

func textTerm(word string) func(*Message) bool {
	want := strings.ToLower(strings.Trim(word, `"`))
	return func(m *Message) bool {
		p := parseMessage(m.Raw)
		subject := ""
		for _, h := range p.headers {
			if h[0] == "Subject" {
				subject = decodeWords(h[1])
			}
		}
		return strings.Contains(strings.ToLower(subject+"\n"+p.text()), want)
	}
}

func queryTime(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	if m := mailDate.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, pacific), nil
	}
	return time.Time{}, errors.New("bad date " + strconv.Quote(v))
}

// decodeWords decodes a header's RFC 2047 encoded words.
func decodeWords(v string) string {
	if s, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return s
	}
	return v
}
