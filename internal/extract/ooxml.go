package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// oleMagic starts a Compound File: a password-protected Office document (or
// a legacy .doc/.xls/.ppt, which this package does not read).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// openOOXML opens an Office Open XML package, telling apart encrypted
// documents, which Office stores as Compound Files rather than zips.
func openOOXML(r io.ReaderAt, size int64, kind string) (*zip.Reader, error) {
	head := make([]byte, 8)
	if n, _ := r.ReadAt(head, 0); n == 8 && bytes.Equal(head, oleMagic) {
		return nil, fmt.Errorf("%w: %s is password-protected (or a legacy binary Office file)", ErrEncrypted, kind)
	}
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a valid zip package: %w", ErrUndecodable, kind, err)
	}
	return z, nil
}

// readPart reads one part of a zip package, bounded by l.MaxPart whatever
// its header claims. A missing part returns (nil, nil).
func readPart(z *zip.Reader, name string, l Limits) ([]byte, error) {
	f := findPart(z, name)
	if f == nil {
		return nil, nil
	}
	return readZipFile(f, l.maxPart())
}

func findPart(z *zip.Reader, name string) *zip.File {
	for _, f := range z.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%w: part %s expands to %d bytes, over %d", ErrTooLarge, f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: part %s: %w", ErrUndecodable, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: part %s: %w", ErrUndecodable, f.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: part %s expands past %d bytes", ErrTooLarge, f.Name, limit)
	}
	return b, nil
}

// coreProperties reads docProps/core.xml: title, creator, times.
func coreProperties(z *zip.Reader, d *Doc, l Limits) error {
	b, err := readPart(z, "docProps/core.xml", l)
	if err != nil || b == nil {
		return err
	}
	var core struct {
		Title    string `xml:"title"`
		Creator  string `xml:"creator"`
		Keywords string `xml:"keywords"`
		Created  string `xml:"created"`
		Modified string `xml:"modified"`
	}
	if err := xml.Unmarshal(b, &core); err != nil {
		return fmt.Errorf("%w: docProps/core.xml: %w", ErrUndecodable, err)
	}
	d.Title = strings.TrimSpace(core.Title)
	if c := strings.TrimSpace(core.Creator); c != "" {
		d.Authors = []tributary.Person{{DisplayName: c}}
	}
	if k := strings.TrimSpace(core.Keywords); k != "" {
		d.Metadata = tributary.Metadata{}
		d.Metadata.Add("keywords", k)
	}
	d.Created = parseW3CTime(core.Created)
	d.Updated = parseW3CTime(core.Modified)
	return nil
}

func parseW3CTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// DOCX extracts a Word document: the text of word/document.xml, paragraph
// by paragraph, and the title and author of its core properties (or, when
// it has no title, its first paragraph in the Title or Heading 1 style).
// Package parts are read with encoding/xml: no library for DOCX text in Go
// is both maintained and small, and the format needs only a token walk.
func DOCX(r io.ReaderAt, size int64, l Limits) (*Doc, error) {
	z, err := openOOXML(r, size, "DOCX")
	if err != nil {
		return nil, err
	}
	d := &Doc{}
	if err := coreProperties(z, d, l); err != nil {
		return nil, err
	}
	b, err := readPart(z, "word/document.xml", l)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%w: DOCX has no word/document.xml", ErrUndecodable)
	}
	text, heading, err := wordText(b)
	if err != nil {
		return nil, err
	}
	if d.Title == "" {
		d.Title = heading
	}
	d.Sections = []tributary.Section{{Kind: tributary.SectionText, Text: text}}
	if l.KeepImage != nil {
		var seen int
		images, err := imageSections(z, "word/document.xml", b, "", l, &seen)
		if err != nil {
			return nil, err
		}
		d.Sections = append(d.Sections, images...)
	}
	return d, nil
}

// wordText walks WordprocessingML, returning its text and the first
// paragraph styled as a title or first-level heading.
func wordText(b []byte) (text, heading string, err error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out, para strings.Builder
	var inText bool
	var style string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", "", fmt.Errorf("%w: word/document.xml: %w", ErrUndecodable, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			case "pStyle":
				style = attr(t, "val")
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				p := strings.TrimSpace(para.String())
				if heading == "" && p != "" && (style == "Title" || style == "Heading1") {
					heading = p
				}
				out.WriteString(para.String())
				out.WriteByte('\n')
				para.Reset()
				style = ""
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	out.WriteString(para.String())
	return strings.TrimSpace(out.String()), heading, nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// PPTX extracts a PowerPoint presentation: one section per slide (linked
// as "#slide=N", in slide-number order), and the title and author of its
// core properties, or else the first slide's first line as the title.
func PPTX(r io.ReaderAt, size int64, l Limits) (*Doc, error) {
	z, err := openOOXML(r, size, "PPTX")
	if err != nil {
		return nil, err
	}
	d := &Doc{}
	if err := coreProperties(z, d, l); err != nil {
		return nil, err
	}
	slides := slideParts(z)
	if len(slides) > l.maxParts() {
		return nil, fmt.Errorf("%w: PPTX has %d slides, over %d", ErrTooLarge, len(slides), l.maxParts())
	}
	var pictures int
	for _, s := range slides {
		b, err := readZipFile(s.f, l.maxPart())
		if err != nil {
			return nil, err
		}
		text, err := drawingText(b, s.f.Name)
		if err != nil {
			return nil, err
		}
		n := strconv.Itoa(s.n)
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText,
			Link: "#slide=" + n, Heading: "Slide " + n, Text: text})
		if l.KeepImage != nil {
			images, err := imageSections(z, s.f.Name, b, "#slide="+n, l, &pictures)
			if err != nil {
				return nil, err
			}
			d.Sections = append(d.Sections, images...)
		}
	}
	if len(d.Sections) == 0 {
		return nil, fmt.Errorf("%w: PPTX has no slides", ErrUndecodable)
	}
	if d.Title == "" {
		first, _, _ := strings.Cut(d.Sections[0].Text, "\n")
		d.Title = strings.TrimSpace(first)
	}
	return d, nil
}

type slidePart struct {
	n int
	f *zip.File
}

func slideParts(z *zip.Reader) []slidePart {
	var out []slidePart
	for _, f := range z.File {
		rest, ok := strings.CutPrefix(f.Name, "ppt/slides/slide")
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(rest, ".xml")
		if n, err := strconv.Atoi(num); ok && err == nil {
			out = append(out, slidePart{n, f})
		}
	}
	slices.SortFunc(out, func(a, b slidePart) int { return a.n - b.n })
	return out
}

// drawingText walks DrawingML, returning the text of its <a:t> runs, one
// line per paragraph.
func drawingText(b []byte, part string) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out strings.Builder
	var inText bool
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: %s: %w", ErrUndecodable, part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "t" {
				inText = true
			} else if t.Name.Local == "br" {
				out.WriteByte('\n')
			}
		case xml.EndElement:
			if t.Name.Local == "t" {
				inText = false
			} else if t.Name.Local == "p" {
				out.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				out.Write(t)
			}
		}
	}
	return tidyLines(out.String()), nil
}
