package extract_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/fixture"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

func TestDecodeText(t *testing.T) {
	const s = "Grüße, café — naïve façade"
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	utf16noBOM, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte("plain ascii text in utf-16"))
	latin1, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte("Grüße, café"))
	cp1252, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	sjis, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte("日本語のテキスト"))
	for _, tc := range []struct {
		name, label, want string
		in                []byte
	}{
		{"utf-8", "", s, []byte(s)},
		{"utf-8 with BOM", "", s, append([]byte{0xEF, 0xBB, 0xBF}, s...)},
		{"utf-16 LE with BOM", "", s, utf16le},
		{"utf-16 BE with BOM", "", s, utf16be},
		{"utf-16 LE without BOM", "", "plain ascii text in utf-16", utf16noBOM},
		{"latin-1 guessed", "", "Grüße, café", latin1},
		{"windows-1252 guessed", "", s, cp1252},
		{"shift_jis labelled", "shift_jis", "日本語のテキスト", sjis},
		{"NUL padding at the end", "", "44,44,POWERON", []byte("44,44,POWERON\x00")},
		{"NUL padding of a fixed-size record", "", s, append([]byte(s), make([]byte, 64)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := extract.DecodeText(tc.in, tc.label)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := extract.DecodeText([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"), "")
	assert.ErrorIs(t, err, extract.ErrUndecodable)
	_, err = extract.DecodeText([]byte("text\x00then more text"), "")
	assert.ErrorIs(t, err, extract.ErrUndecodable, "a NUL inside the text is binary")
}

func TestMarkdownTitle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Getting started\n\nText", "Getting started"},
		{"intro\n\n## Second level ##\n", "Second level"},
		{"```\n# not a heading\n```\n# Real\n", "Real"},
		{"Setext title\n============\n\nbody", "Setext title"},
		{"---\ntitle: \"From front matter\"\n---\n# Heading\n", "From front matter"},
		{"---\nauthor: x\n---\n# After matter\n", "After matter"},
		{"#hashtag is not a heading\n", ""},
	} {
		d, err := extract.Markdown([]byte(tc.in), "")
		require.NoError(t, err)
		assert.Equal(t, tc.want, d.Title, tc.in)
		assert.Equal(t, tc.in, d.Sections[0].Text)
	}
}

func TestHTML(t *testing.T) {
	page := `<!doctype html><html><head><meta charset="windows-1252"><title> Caf` + "\xe9" + ` menu </title>
<style>body{color:red}</style><script>var hidden = "no";</script>
<link rel="canonical" href="https://example.com/menu"><meta name="robots" content="noindex"></head>
<body><nav>Home | About</nav><h1>Menu</h1><p>Espresso &amp; cr` + "\xe8" + `me</p><ul><li>one</li><li>two</li></ul>
<a href="/next">next</a><noscript>enable js</noscript><svg><title>icon</title></svg></body></html>`
	d, err := extract.HTML([]byte(page), "", extract.HTMLOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Café menu", d.Title)
	text := d.Sections[0].Text
	assert.Contains(t, text, "Espresso & crème")
	assert.Contains(t, text, "one\ntwo")
	for _, hidden := range []string{"color:red", "hidden", "enable js", "icon", "Home | About"} {
		assert.NotContains(t, text, hidden)
	}
	assert.Equal(t, "https://example.com/menu", d.Canonical)
	assert.Equal(t, []string{"/next"}, d.Links)
	assert.True(t, d.NoIndex)

	// The charset of a Content-Type header wins over a guess.
	latin, _ := charmap.ISO8859_1.NewEncoder().Bytes([]byte("<p>Grüße</p>"))
	d, err = extract.HTML(latin, "text/html; charset=iso-8859-1", extract.HTMLOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Grüße", d.Sections[0].Text)
	d, err = extract.HTML([]byte("<h1>Only heading</h1><p>x</p>"), "", extract.HTMLOptions{})
	require.NoError(t, err)
	assert.Equal(t, "Only heading", d.Title)
}

func TestJSONAndCSV(t *testing.T) {
	d, err := extract.JSON([]byte(`{"title": "Config", "n": 1}`), "")
	require.NoError(t, err)
	assert.Equal(t, "Config", d.Title)
	_, err = extract.JSON([]byte(`{"title": `), "")
	assert.ErrorIs(t, err, extract.ErrUndecodable)
	d, err = extract.JSON([]byte("{\"a\": 1}\n{\"a\": 2}\n"), "")
	require.NoError(t, err, "JSON Lines are JSON too")
	assert.Equal(t, "{\"a\": 1}\n{\"a\": 2}\n", d.Sections[0].Text)
	_, err = extract.JSON([]byte("{\"a\": 1}\n{\"a\": "), "")
	assert.ErrorIs(t, err, extract.ErrUndecodable)

	var csv strings.Builder
	csv.WriteString("name,city\n")
	for i := range extract.TableRows + 10 {
		csv.WriteString("n" + string(rune('a'+i%26)) + ",\"Zürich, CH\"\n")
	}
	d, err = extract.CSV([]byte(csv.String()), "", ',')
	require.NoError(t, err)
	require.Len(t, d.Sections, 2)
	assert.Equal(t, tributary.SectionTable, d.Sections[0].Kind)
	assert.Equal(t, []string{"name", "city"}, d.Sections[1].Rows[0])
	assert.Len(t, d.Sections[0].Rows, extract.TableRows+1)
	assert.Len(t, d.Sections[1].Rows, 11)
	assert.Equal(t, "Zürich, CH", d.Sections[0].Rows[1][1])

	d, err = extract.CSV([]byte("a\tb\n1\t2\n"), "", '\t')
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"a", "b"}, {"1", "2"}}, d.Sections[0].Rows)
}

func TestPDF(t *testing.T) {
	b := fixture.PDF("Quarterly report", "Revenue grew (a lot)\nsecond line", "Page two text")
	d, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "Quarterly report", d.Title)
	require.Len(t, d.Sections, 2)
	assert.Contains(t, d.Sections[0].Text, "Revenue grew (a lot)")
	assert.Equal(t, "#page=2", d.Sections[1].Link)
	assert.Contains(t, d.Sections[1].Text, "Page two text")
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), d.Created)
	assert.Equal(t, "Fixture Writer", d.Authors[0].DisplayName)

	bomb := fixture.PDFBomb(8 << 20)
	assert.Less(t, len(bomb), 64<<10)
	_, err = extract.PDF(bytes.NewReader(bomb), int64(len(bomb)), extract.Limits{MaxPart: 1 << 20})
	assert.ErrorIs(t, err, extract.ErrTooLarge, "a decompression bomb is refused before it is parsed")
	small := fixture.PDFBomb(4 << 10)
	d, err = extract.PDF(bytes.NewReader(small), int64(len(small)), extract.Limits{MaxPart: 1 << 20})
	require.NoError(t, err, "the same PDF under the bound reads")
	assert.Contains(t, d.Sections[0].Text, "aaaa")

	enc := fixture.EncryptedPDF()
	_, err = extract.PDF(bytes.NewReader(enc), int64(len(enc)), extract.Limits{})
	assert.ErrorIs(t, err, extract.ErrEncrypted)

	for _, bad := range [][]byte{[]byte("%PDF-1.4\ngarbage"), b[:len(b)/2], bytes.ReplaceAll(b, []byte("obj"), []byte("jbo"))} {
		_, err = extract.PDF(bytes.NewReader(bad), int64(len(bad)), extract.Limits{})
		assert.ErrorIs(t, err, extract.ErrUndecodable)
	}
}

func TestOffice(t *testing.T) {
	docx := fixture.DOCX("", "Ana Lima", "Onboarding guide", "Welcome & hello", "Ünïcödé paragraph")
	d, err := extract.DOCX(bytes.NewReader(docx), int64(len(docx)), extract.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "Onboarding guide", d.Title)
	assert.Equal(t, "Onboarding guide\nWelcome & hello\nÜnïcödé paragraph", d.Sections[0].Text)
	assert.Equal(t, "Ana Lima", d.Authors[0].DisplayName)

	pptx := fixture.PPTX("Roadmap", "Q1 goals\nship it", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10 last")
	d, err = extract.PPTX(bytes.NewReader(pptx), int64(len(pptx)), extract.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "Roadmap", d.Title)
	require.Len(t, d.Sections, 10)
	assert.Equal(t, "Q1 goals\nship it", d.Sections[0].Text)
	assert.Equal(t, "#slide=10", d.Sections[9].Link)
	assert.Equal(t, "Q10 last", d.Sections[9].Text)

	xlsx := fixture.XLSX([]string{"Budget", "Staff"}, map[string][][]string{
		"Budget": {{"item", "cost"}, {"laptops", "1200"}}, "Staff": {{"name"}, {"Zoë"}},
	})
	d, err = extract.XLSX(bytes.NewReader(xlsx), int64(len(xlsx)), extract.Limits{})
	require.NoError(t, err)
	require.Len(t, d.Sections, 2)
	assert.Equal(t, "Budget", d.Sections[0].Heading)
	assert.Equal(t, [][]string{{"item", "cost"}, {"laptops", "1200"}}, d.Sections[0].Rows)
	assert.Equal(t, [][]string{{"name"}, {"Zoë"}}, d.Sections[1].Rows)

	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	for _, f := range []func([]byte) error{
		func(b []byte) error {
			_, err := extract.DOCX(bytes.NewReader(b), int64(len(b)), extract.Limits{})
			return err
		},
		func(b []byte) error {
			_, err := extract.PPTX(bytes.NewReader(b), int64(len(b)), extract.Limits{})
			return err
		},
		func(b []byte) error {
			_, err := extract.XLSX(bytes.NewReader(b), int64(len(b)), extract.Limits{})
			return err
		},
	} {
		assert.ErrorIs(t, f(ole), extract.ErrEncrypted)
		assert.ErrorIs(t, f([]byte("not a zip at all")), extract.ErrUndecodable)
	}

	// A part that expands past the bound is refused, not read.
	big := fixture.DOCX("t", "", strings.Repeat("x", 1<<20))
	_, err = extract.DOCX(bytes.NewReader(big), int64(len(big)), extract.Limits{MaxPart: 64 << 10})
	assert.ErrorIs(t, err, extract.ErrTooLarge)
}

func TestEML(t *testing.T) {
	d, err := extract.EML(fixture.EML("Réunion à 10h", "Ana <ana@example.com>", "Ben <ben@example.com>, cy@example.com"), extract.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "Réunion à 10h", d.Title)
	assert.Equal(t, []tributary.Person{{DisplayName: "Ana", Email: "ana@example.com"}}, d.Authors)
	assert.Len(t, d.Recipients, 2)
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), d.Created)
	require.Len(t, d.Sections, 1)
	assert.Equal(t, "Café au lait, résumé attached.", d.Sections[0].Text)
	assert.Equal(t, []string{"report.pdf"}, d.Metadata["attachments"])

	html := "From: a@example.com\r\nSubject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Only <b>html</b></p><script>x()</script>"
	d, err = extract.EML([]byte(html), extract.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "Only html", d.Sections[0].Text)

	_, err = extract.EML([]byte("no headers here, just text without a blank line"), extract.Limits{})
	assert.True(t, err == nil || errors.Is(err, extract.ErrUndecodable))
}

func TestFormatOfAndSniff(t *testing.T) {
	assert.Equal(t, extract.FormatMarkdown, extract.FormatOf("docs/README.MD"))
	assert.Equal(t, extract.FormatText, extract.FormatOf("main.go"))
	assert.Equal(t, extract.FormatText, extract.FormatOf("Makefile"))
	assert.Equal(t, extract.FormatUnknown, extract.FormatOf("notes"))
	for _, tc := range []struct {
		in   []byte
		want extract.Format
	}{
		{fixture.PDF("t", "x"), extract.FormatPDF},
		{[]byte("<!DOCTYPE html><html><body>x</body></html>"), extract.FormatHTML},
		{[]byte("just some words\n"), extract.FormatText},
		{fixture.Zip(fixture.Entry{Name: "a.txt", Data: []byte("a")}), extract.FormatZip},
		{fixture.DOCX("t", "", "p"), extract.FormatDOCX},
		{fixture.Zip(fixture.Entry{Name: "mimetype", Data: []byte("application/vnd.oasis.opendocument.text"), Store: true},
			fixture.Entry{Name: "content.xml", Data: []byte("<office:document-content/>")}), extract.FormatUnknown},
		{[]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, extract.FormatUnknown},
	} {
		got, mime := extract.Sniff(tc.in)
		assert.Equal(t, tc.want, got, mime)
	}
}

func TestNoPanicOnGarbage(t *testing.T) {
	seeds := [][]byte{fixture.PDF("t", "a", "b"), fixture.DOCX("t", "", "p"), fixture.PPTX("t", "s"), fixture.EML("s", "a@b.c", "d@e.f")}
	for _, seed := range seeds {
		for i := 0; i < len(seed); i += max(1, len(seed)/50) {
			mangled := bytes.Clone(seed)
			mangled[i] ^= 0xff
			for _, f := range []extract.Format{extract.FormatPDF, extract.FormatDOCX, extract.FormatPPTX, extract.FormatEML, extract.FormatXLSX, extract.FormatHTML} {
				_, _ = extract.Extract(f, mangled, "", extract.Limits{})
				_, _ = extract.Extract(f, mangled[:i], "", extract.Limits{})
			}
		}
	}
}

func TestJSONEmptyAndWithComments(t *testing.T) {
	for _, empty := range []string{"", "  \n"} {
		d, err := extract.JSON([]byte(empty), "")
		require.NoError(t, err, "an empty JSON file is an empty text")
		assert.Equal(t, empty, d.Sections[0].Text)
	}
	tsconfig := `{
  /* Visit https://aka.ms/tsconfig.json to read more */
  "name": "web // not a comment, /* nor this */",
  "compilerOptions": {
    "target": "ES2022", // trailing comment
    "paths": {"@/*": ["src/*"],},
  },
}
`
	d, err := extract.JSON([]byte(tsconfig), "")
	require.NoError(t, err, "JSON with comments and trailing commas is text")
	assert.Equal(t, tsconfig, d.Sections[0].Text, "indexed as written")
	assert.Equal(t, "web // not a comment, /* nor this */", d.Title)
	for _, bad := range []string{`{"a": 1 /* unterminated`, `{"a": // cut`, `{,}`, `[1,,]`, `{"a" 1}`} {
		_, err := extract.JSON([]byte(bad), "")
		assert.ErrorIs(t, err, extract.ErrUndecodable, bad)
	}
}

// meanWordLength is the mean length in runes of the space-separated words
// of s.
func meanWordLength(s string) float64 {
	words := strings.Fields(s)
	n := 0
	for _, w := range words {
		n += utf8.RuneCountInString(w)
	}
	return float64(n) / float64(max(len(words), 1))
}

func TestPDFWordSpacing(t *testing.T) {
	// testdata/gauges.pdf is testdata/gauges.man typeset by groff -man -Tps
	// and converted by Ghostscript's ps2pdf: two pages, word spaces made
	// by moving the pen, bullets and ligatures.
	b, err := os.ReadFile("testdata/gauges.pdf")
	require.NoError(t, err)
	d, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{})
	require.NoError(t, err)
	require.Len(t, d.Sections, 2)
	p1, p2 := d.Sections[0].Text, d.Sections[1].Text
	for _, phrase := range []string{"This document describes how", "field notes on river gauges",
		"• Check the staff gauge against the logger once a week.", "the regional flood forecast"} {
		assert.Contains(t, p1, phrase)
	}
	assert.Contains(t, p2, "Questions about this procedure go to the hydrology desk.")
	assert.Contains(t, p2, "by the fifth working day")
	for _, s := range d.Sections {
		assert.Less(t, meanWordLength(s.Text), 7.0, "words are spaced: %q", s.Text)
		assert.NotContains(t, s.Text, "\ufffd")
	}
}

func TestPDFWordSpacingOnARealManual(t *testing.T) {
	// A 37-page pdfTeX manual that Debian ships; the check runs where it is
	// installed.
	const manual = "/usr/share/doc/libtasn1-doc/libtasn1.pdf"
	b, err := os.ReadFile(manual)
	if err != nil {
		t.Skipf("%s is not installed", manual)
	}
	d, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{})
	require.NoError(t, err)
	var all strings.Builder
	for _, s := range d.Sections {
		all.WriteString(s.Text + "\n")
	}
	assert.Less(t, meanWordLength(all.String()), 8.0)
	assert.Contains(t, all.String(), "This document describes the Libtasn1 library that provides Abstract Syntax Notation One")
	assert.Contains(t, all.String(), "• Distinguished Encoding Rules (DER) encoding support.",
		"the bullet of TeX's symbol font is named by the font program")
	assert.NotContains(t, all.String(), "\ufffd")
	assert.Contains(t, all.String(), "“GNU Free Documentation License”")
}

// BenchmarkPDF extracts the committed two-page document and, where it is
// installed, Debian's 37-page libtasn1 manual.
func BenchmarkPDF(b *testing.B) {
	for _, name := range []string{"testdata/gauges.pdf", "/usr/share/doc/libtasn1-doc/libtasn1.pdf"} {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		b.Run(filepath.Base(name), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extract.PDF(bytes.NewReader(data), int64(len(data)), extract.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
