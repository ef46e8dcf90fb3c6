package outline

import (
	"strings"
	"testing"
)

// FuzzSections splits arbitrary markdown: it never panics, always gives a
// section, links every section to the document or one of its anchors, and
// loses no line of text outside the headings.
func FuzzSections(f *testing.F) {
	f.Add("# Title\n\nintro\n\n## A\n\ntext\n```\n# code\n```\n## A\n")
	f.Add("~~~\nunclosed fence\n# x")
	f.Add("####### seven\n#no space\n   # indented\n    # code block")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		const link = "https://wiki.example.com/doc/t-AbC123xYz0"
		got := sections(link, "T", text)
		if len(got) == 0 {
			t.Fatal("no section")
		}
		var all strings.Builder
		for _, s := range got {
			if s.Link != link && !strings.HasPrefix(s.Link, link+"#h-") {
				t.Fatalf("section link %q", s.Link)
			}
			all.WriteString(s.Text)
		}
		for line := range strings.Lines(text) {
			if _, isHeading := heading(line); isHeading {
				continue
			}
			if w := strings.TrimSpace(line); w != "" && !strings.Contains(all.String(), w) && strings.TrimSpace(text) != "" {
				t.Fatalf("line %q lost", w)
			}
		}
	})
}
