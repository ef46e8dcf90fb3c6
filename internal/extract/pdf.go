package extract

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/tributary-dev/tributary"
)

// PDF extracts the text of a PDF document, one section per page (linked as
// "#page=N"), with the title and author of its information dictionary.
// With l.KeepImage set, each image a page draws follows its text section
// as an image section, once per document however many pages draw it: a
// JPEG or JPEG 2000 stream as it is, Flate-compressed 8-bit gray or RGB
// samples as a PNG; other images, images over l.MaxPart bytes, those past
// l.MaxParts, and every image of an encrypted PDF are passed over.
// Words and lines are told apart by the glyphs' positions (see pageText),
// and ligature glyphs are spelled out. An
// encrypted PDF that needs a password fails with ErrEncrypted; a malformed
// one with ErrUndecodable. A PDF whose pages carry no text at all (a
// scanned image) fails with ErrUndecodable too, since it would index as
// nothing.
//
// The parser (github.com/ledongthuc/pdf) reports some malformed input by
// panicking; PDF recovers and returns ErrUndecodable instead.
func PDF(r io.ReaderAt, size int64, l Limits) (d *Doc, err error) {
	defer func() {
		if x := recover(); x != nil {
			d, err = nil, fmt.Errorf("%w: malformed PDF: %v", ErrUndecodable, x)
		}
	}()
	pr, err := pdf.NewReader(r, size)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return nil, fmt.Errorf("%w: PDF needs a password", ErrEncrypted)
		}
		return nil, fmt.Errorf("%w: malformed PDF: %w", ErrUndecodable, err)
	}
	d = &Doc{}
	pdfInfo(pr.Trailer().Key("Info"), d)
	if n := pr.NumPage(); n > l.maxParts() {
		return nil, fmt.Errorf("%w: PDF has %d pages, over %d", ErrTooLarge, n, l.maxParts())
	}
	pages, err := pdfPages(pr.Trailer().Key("Root").Key("Pages"), l.maxParts())
	if err != nil {
		return nil, err
	}
	var total int64
	var any bool
	fonts := map[string]*pdfFont{}
	// Images are read only for a caller that keeps them, and not from an
	// encrypted file, whose raw streams are ciphertext.
	keep := l.KeepImage != nil && pr.Trailer().Key("Encrypt").IsNull()
	var drawn [][]pdfImage // by page
	for n, page := range pages {
		i, p := n+1, pdf.Page{V: page}
		if err := pdfContentBound(p.V.Key("Contents"), l.maxPart()); err != nil {
			return nil, fmt.Errorf("page %d: %w", i, err)
		}
		var draw func(string)
		var names []string
		if keep {
			named := map[string]bool{}
			draw = func(name string) {
				if len(names) < l.maxParts() && !named[name] {
					named[name] = true
					names = append(names, name)
				}
			}
		}
		text := pageText(p, fonts, draw)
		if keep {
			drawn = append(drawn, pdfDrawn(page, names))
		}
		total += int64(len(text))
		if total > l.maxText() {
			return nil, fmt.Errorf("%w: PDF text over %d bytes", ErrTooLarge, l.maxText())
		}
		any = any || text != ""
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText,
			Link: "#page=" + strconv.Itoa(i), Heading: "Page " + strconv.Itoa(i), Text: text})
	}
	if !any {
		return nil, fmt.Errorf("%w: PDF has no text layer (scanned or empty)", ErrUndecodable)
	}
	if keep {
		if err := pdfKeepImages(r, size, d, drawn, l); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// pdfKeepImages adds after each page's text section the image sections of
// the images first drawn on that page. It runs once the text is known to
// be good, so a PDF that fails keeps nothing.
func pdfKeepImages(r io.ReaderAt, size int64, d *Doc, drawn [][]pdfImage, l Limits) error {
	text := d.Sections
	d.Sections = make([]tributary.Section, 0, len(text))
	seen, once := 0, map[string]bool{}
	for n, sec := range text {
		d.Sections = append(d.Sections, sec)
		var imgs []pdfImage
		for _, im := range drawn[n] {
			if key := im.v.String(); !once[key] {
				once[key] = true
				imgs = append(imgs, im)
			}
		}
		secs, err := pdfImageSections(r, size, n+1, imgs, l, &seen)
		if err != nil {
			return err
		}
		d.Sections = append(d.Sections, secs...)
	}
	return nil
}

// pdfPages returns the pages of a document in order, walking its page tree
// from root. The tree is bounded: a malformed one whose nodes refer back to
// themselves, or that nests past 64 levels, fails with ErrUndecodable
// rather than being walked for ever, and more than limit pages fail with
// ErrTooLarge.
func pdfPages(root pdf.Value, limit int) ([]pdf.Value, error) {
	var pages []pdf.Value
	visits := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		visits++
		switch {
		case depth > 64 || visits > 2*limit+64:
			return fmt.Errorf("%w: PDF page tree loops or nests too deep", ErrUndecodable)
		case v.Key("Type").Name() == "Page":
			if len(pages) == limit {
				return fmt.Errorf("%w: PDF has over %d pages", ErrTooLarge, limit)
			}
			pages = append(pages, v)
		case v.Key("Type").Name() == "Pages":
			kids := v.Key("Kids")
			for i := range kids.Len() {
				if err := walk(kids.Index(i), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return pages, walk(root, 0)
}

// pdfContentBound expands a page's content streams without keeping them,
// and fails with ErrTooLarge when they expand past limit: the parser reads
// a page's content whole, so a small PDF whose content stream inflates to
// gigabytes (a decompression bomb) must be refused before it parses it.
func pdfContentBound(contents pdf.Value, limit int64) error {
	streams := []pdf.Value{contents}
	if contents.Kind() == pdf.Array {
		streams = streams[:0]
		for i := range contents.Len() {
			streams = append(streams, contents.Index(i))
		}
	}
	var total int64
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		n, err := io.Copy(io.Discard, io.LimitReader(rc, limit-total+1))
		rc.Close()
		total += n
		if total > limit {
			return fmt.Errorf("%w: PDF page content expands past %d bytes", ErrTooLarge, limit)
		}
		if err != nil {
			return fmt.Errorf("%w: PDF content stream: %w", ErrUndecodable, err)
		}
	}
	return nil
}

func pdfInfo(info pdf.Value, d *Doc) {
	if info.IsNull() {
		return
	}
	d.Title = strings.TrimSpace(info.Key("Title").Text())
	if a := strings.TrimSpace(info.Key("Author").Text()); a != "" {
		d.Authors = []tributary.Person{{DisplayName: a}}
	}
	d.Created = pdfDate(info.Key("CreationDate").Text())
	d.Updated = pdfDate(info.Key("ModDate").Text())
	if k := strings.TrimSpace(info.Key("Keywords").Text()); k != "" {
		d.Metadata = tributary.Metadata{}
		d.Metadata.Add("keywords", k)
	}
}

// pdfDate parses a PDF date such as "D:20240102150405+01'00'".
func pdfDate(s string) time.Time {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
