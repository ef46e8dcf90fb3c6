package web

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// minimalPDF builds a one-page PDF whose page shows text, with a title in
// its information dictionary.
func minimalPDF(title, text string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Title (%s) >>", title),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func TestLinkedPDF(t *testing.T) {
	site := newTestSite()
	site.page("/", "Home", `<a href="/paper.pdf">paper</a> <a href="/broken.pdf">broken</a>`)
	site.raw("/paper.pdf", "application/pdf", minimalPDF("A Paper", "Hello from a PDF"), day("2024-06-01T00:00:00Z"))
	site.raw("/broken.pdf", "application/pdf", []byte("%PDF-1.4 truncated"), time.Time{})
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/", ModeCrawl), localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/", "/paper.pdf"); !slices.Equal(ids, want) {
		t.Fatalf("documents %v, want %v", ids, want)
	}
	d := got.docs[srv.URL+"/paper.pdf"]
	if d.Title != "A Paper" || len(d.Sections) != 1 || !strings.Contains(d.Sections[0].Text, "Hello from a PDF") {
		t.Errorf("pdf document: title %q, sections %+v", d.Title, d.Sections)
	}
	if link := d.Sections[0].Link; link != srv.URL+"/paper.pdf#page=1" {
		t.Errorf("pdf section link %q", link)
	}
	if !d.UpdatedAt.Equal(day("2024-06-01T00:00:00Z")) {
		t.Errorf("pdf UpdatedAt %v", d.UpdatedAt)
	}
	if got.failures[srv.URL+"/broken.pdf"] == nil {
		t.Errorf("a broken PDF is not a failure: %v", keys(got.failures))
	}
}
