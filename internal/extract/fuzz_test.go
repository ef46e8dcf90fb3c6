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
		extract.FormatCSV, extract.FormatTSV, extract.FormatPDF, extract.FormatDOCX, extract.FormatXLSX, extract.FormatPPTX, extract.FormatEML}
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

// The per-format targets below let the fuzzer learn one format's structure
// at a time, which FuzzExtract's round over every format cannot.

func FuzzHTML(f *testing.F) {
	fuzzFormat(f, extract.FormatHTML, "<html><head><title>T</title><meta charset=latin1></head><body><h1>H</h1><p>t<br>u</p><script>x</script></body></html>",
		"<table><tr><td>a<td>b</table><pre>  code </pre><h2>x</h2><noscript>n</noscript>", "<p>\xff\xfe</p><!-- c --><![CDATA[x]]>")
}

func FuzzMarkdown(f *testing.F) {
	fuzzFormat(f, extract.FormatMarkdown, "---\ntitle: Front\n---\n# H\n\ntext", "Title\n=====\n\n```\n# not\n```\n", "   ## h ##\n- a\n")
}

func FuzzText(f *testing.F) {
	fuzzFormat(f, extract.FormatText, "plain", "\xff\xfeh\x00i\x00", "\xef\xbb\xbfbom", "caf\xe9")
}

func FuzzJSON(f *testing.F) {
	fuzzFormat(f, extract.FormatJSON, `{"title":"x","a":[1,2,{"b":null}]}`, "{\"a\":1}\n{\"b\":2}\n", `"s"`)
}

func FuzzCSV(f *testing.F) {
	fuzzFormat(f, extract.FormatCSV, "a,b\n1,2\n", "\"q\"\"x\",y\n\"open", "a\tb\n1\t2")
}

func FuzzPDF(f *testing.F) {
	fuzzFormat(f, extract.FormatPDF, string(fixture.PDF("t", "one", "two")), string(fixture.EncryptedPDF()), string(fixture.PDFBomb(1<<16)), string(imagesPDFSeed(f)))
}

func FuzzDOCX(f *testing.F) {
	fuzzFormat(f, extract.FormatDOCX, string(fixture.DOCX("t", "a", "p", "q")), string(fixture.Zip(fixture.Entry{Name: "word/document.xml", Data: []byte("<w:document/>")})))
}

func FuzzXLSX(f *testing.F) {
	fuzzFormat(f, extract.FormatXLSX, string(fixture.XLSX([]string{"S", "T"}, map[string][][]string{"S": {{"a", "b"}, {"1", "2"}}, "T": {{"x"}}})))
}

func FuzzPPTX(f *testing.F) {
	fuzzFormat(f, extract.FormatPPTX, string(fixture.PPTX("t", "s1", "s2")))
}

func FuzzEML(f *testing.F) {
	fuzzFormat(f, extract.FormatEML, string(fixture.EML("s", "a@example.com", "b@example.com")),
		"Subject: =?utf-8?q?x?=\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>h</p>\r\n--b--\r\n")
}

// fuzzFormat fuzzes one format's extractor: it never panics, fails only
// with one of the package's error kinds, and keeps to its text bound.
func fuzzFormat(f *testing.F, format extract.Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := extract.Limits{MaxText: 1 << 20, MaxPart: 4 << 20, MaxParts: 100,
			KeepImage: func(extract.Image) (string, error) { return "blob", nil }}
		d, err := extract.Extract(format, b, "", lim)
		switch {
		case err != nil && !isKind(err):
			t.Fatalf("error of no kind: %v", err)
		case err == nil && d == nil:
			t.Fatal("nil document and nil error")
		case err == nil:
			n := len(d.Title)
			for _, s := range d.Sections {
				n += len(s.Text)
			}
			if int64(n) > 2*lim.MaxText+(64<<10) {
				t.Fatalf("%d bytes of text, over the %d bound", n, lim.MaxText)
			}
		}
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
