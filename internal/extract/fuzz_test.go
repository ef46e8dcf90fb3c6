package extract_test

import (
	"errors"
	"testing"

	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/fixture"
)

// FuzzExtract feeds every extractor arbitrary bytes: none may panic, and
// a failure is always one of the package's error kinds.
func FuzzExtract(f *testing.F) {
	for _, seed := range [][]byte{
		fixture.PDF("t", "page"), fixture.DOCX("t", "a", "p"), fixture.PPTX("t", "s"),
		fixture.EML("s", "a@example.com", "b@example.com"), []byte("<html><title>x</title><p>y</p></html>"),
		[]byte(`{"title": "x"}`), []byte("a,b\n1,2\n"), []byte("# T\n\ntext"), {0xff, 0xfe, 'a', 0},
	} {
		f.Add(seed)
	}
	formats := []extract.Format{extract.FormatText, extract.FormatMarkdown, extract.FormatHTML, extract.FormatJSON,
		extract.FormatCSV, extract.FormatTSV, extract.FormatPDF, extract.FormatDOCX, extract.FormatPPTX, extract.FormatEML}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := extract.Limits{MaxText: 1 << 20, MaxPart: 1 << 20, MaxParts: 100}
		for _, format := range formats {
			d, err := extract.Extract(format, b, "", lim)
			if err == nil && d == nil {
				t.Fatalf("%s: nil document and nil error", format)
			}
			if err != nil && !isKind(err) {
				t.Fatalf("%s: error of no kind: %v", format, err)
			}
		}
		extract.Sniff(b)
	})
}

func isKind(err error) bool {
	for _, k := range []error{extract.ErrEncrypted, extract.ErrUndecodable, extract.ErrUnsupported, extract.ErrTooLarge} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
