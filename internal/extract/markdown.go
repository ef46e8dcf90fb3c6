package extract

import (
	"strings"
)

// Markdown extracts a Markdown document. Its title is the front matter's
// "title:" when the document starts with a YAML front-matter block, or else
// the text of its first heading (ATX "# Title" or setext "Title\n===="),
// headings inside fenced code blocks not counting. The text is the whole
// document, front matter included, as written.
func Markdown(b []byte, label string) (*Doc, error) {
	s, err := DecodeText(b, label)
	if err != nil {
		return nil, err
	}
	return textDoc(markdownTitle(s), s), nil
}

func markdownTitle(s string) string {
	if t, rest, ok := frontMatterTitle(s); ok {
		if t != "" {
			return t
		}
		s = rest
	}
	fence := ""
	prev := ""
	for raw := range strings.Lines(s) {
		raw = strings.TrimSuffix(raw, "\n")
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" && len(line)-len(trimmed) < 4 {
			fence, prev = f, ""
			continue
		}
		if t, ok := atxHeading(line); ok {
			return t
		}
		if p := strings.TrimSpace(prev); p != "" && isSetextUnderline(line) {
			return p
		}
		prev = line
	}
	return ""
}

func frontMatterTitle(s string) (title, rest string, ok bool) {
	first, body, found := strings.Cut(s, "\n")
	if !found || strings.TrimRight(first, "\r") != "---" {
		return "", s, false
	}
	for body != "" {
		var line string
		line, body, _ = strings.Cut(body, "\n")
		line = strings.TrimRight(line, "\r")
		if line == "---" || line == "..." {
			return title, body, true
		}
		if v, found := strings.CutPrefix(line, "title:"); found && title == "" {
			title = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return "", s, false
}

func fenceOf(line string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(line, f) {
			return f
		}
	}
	return ""
}

func atxHeading(line string) (string, bool) {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	if indent > 3 {
		return "", false
	}
	line = line[indent:]
	level := len(line) - len(strings.TrimLeft(line, "#"))
	if level == 0 || level > 6 {
		return "", false
	}
	rest := line[level:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	rest = strings.TrimSpace(strings.TrimRight(rest, "#"))
	return rest, rest != ""
}

func isSetextUnderline(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	return strings.Trim(t, "=") == "" || (strings.Trim(t, "-") == "" && len(t) >= 2)
}
