package file

import (
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// SectionFile is the kind of the section that references a document's
// original file when Settings.KeepOriginals is on: the document's last
// section, with the file's name as Heading, its link, no text, and the
// blob's id in BlobID. A consumer that knows no such kind passes it over.
const SectionFile tributary.SectionKind = "file"

// original keeps the bytes of src as a blob when the settings ask for
// originals and the run has a BlobSink, and returns the section that
// references it, or nil. A blob the host refuses for its size is reported
// as a skip of DOCID#original and leaves no section; any other error is
// the host's storage failing, which ends the run.
func (w *walker) original(src *source, b []byte, format extract.Format) (*tributary.Section, error) {
	if !w.c.s.KeepOriginals || len(b) == 0 || tributary.BlobsFrom(w.ctx) == nil {
		return nil, nil
	}
	id, err := tributary.PutBlob(w.ctx, tributary.Blob{DocumentID: src.docID(), Name: src.name, MediaType: mediaTypes[format], Data: b})
	if errors.Is(err, tributary.ErrBlobTooLarge) {
		tributary.ReportSkip(w.ctx, src.docID()+"#original", err.Error())
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("file: keep the original of %s: %w", src.docID(), err)
	}
	if id == "" {
		return nil, nil
	}
	return &tributary.Section{Kind: SectionFile, Link: src.link, Heading: src.name, BlobID: id}, nil
}

// mediaTypes are the types of the formats a document is read from.
var mediaTypes = map[extract.Format]string{
	extract.FormatText:     "text/plain",
	extract.FormatMarkdown: "text/markdown",
	extract.FormatHTML:     "text/html",
	extract.FormatJSON:     "application/json",
	extract.FormatCSV:      "text/csv",
	extract.FormatTSV:      "text/tab-separated-values",
	extract.FormatPDF:      "application/pdf",
	extract.FormatDOCX:     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	extract.FormatXLSX:     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	extract.FormatPPTX:     "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	extract.FormatEML:      "message/rfc822",
}
