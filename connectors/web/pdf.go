package web

import (
	"bytes"

	"github.com/tributary-dev/tributary/internal/extract"
)

// pdfDoc extracts a PDF's text, one section per page, with the shared
// extractor of package extract (the one the file connector uses).
func pdfDoc(body []byte) (*extract.Doc, error) {
	return extract.PDF(bytes.NewReader(body), int64(len(body)), extract.Limits{})
}
