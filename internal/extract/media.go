package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Image is a picture embedded in a document, offered to Limits.KeepImage.
type Image struct {
	// Part is the picture's part in its package (word/media/image1.png).
	Part string
	// MediaType is its MIME type, from its bytes or else its extension.
	MediaType string
	// Alt is its description (alt text), else its title or name.
	Alt string
	// Data holds its bytes.
	Data []byte
}

// picture is an embedded picture as a part's XML names it: the
// relationship id of its bytes and its alt text.
type picture struct {
	rel string
	alt string
}

// pictures walks the XML of a WordprocessingML document or a PresentationML
// slide for its pictures, in document order: a <a:blip r:embed> inside a
// drawing (<w:drawing>, <p:pic>), with the description of the drawing's
// <wp:docPr> or <p:cNvPr>.
func pictures(b []byte, part string) ([]picture, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []picture
	var alt string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrUndecodable, part, err)
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "docPr", "cNvPr":
			// Word writes both: the drawing's <wp:docPr> with the
			// description, then the picture's <pic:cNvPr> with a name.
			if d := cmpOr(attr(t, "descr"), attr(t, "title")); d != "" {
				alt = d
			} else if alt == "" {
				alt = strings.TrimSpace(attr(t, "name"))
			}
		case "blip":
			if rel := attr(t, "embed"); rel != "" {
				out = append(out, picture{rel: rel, alt: alt})
				alt = ""
			}
		}
	}
}

// relationships reads the package part's relationships (its _rels/X.rels)
// and returns the parts its internal ones target, by id; targets are
// resolved against the part's folder and must stay inside the package.
func relationships(z *zip.Reader, part string, l Limits) (map[string]string, error) {
	dir, file := path.Split(part)
	b, err := readPart(z, dir+"_rels/"+file+".rels", l)
	if err != nil || b == nil {
		return nil, err
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &rels); err != nil {
		return nil, fmt.Errorf("%w: relationships of %s: %w", ErrUndecodable, part, err)
	}
	out := make(map[string]string, len(rels.Rel))
	for _, r := range rels.Rel {
		if strings.EqualFold(r.Mode, "External") {
			continue // a linked picture: its bytes are not in the package
		}
		if target, ok := resolvePart(dir, r.Target); ok {
			out[r.ID] = target
		}
	}
	return out, nil
}

// resolvePart resolves a relationship's target against the folder of its
// source part, refusing one that climbs above the package's root.
func resolvePart(dir, target string) (string, bool) {
	var parts []string
	if !strings.HasPrefix(target, "/") {
		parts = strings.FieldsFunc(dir, func(r rune) bool { return r == '/' })
	}
	for _, seg := range strings.Split(target, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(parts) == 0 {
				return "", false
			}
			parts = parts[:len(parts)-1]
		default:
			parts = append(parts, seg)
		}
	}
	return path.Join(parts...), len(parts) > 0
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// imageSections reads the pictures of one part and returns an image
// section for each that Limits.KeepImage keeps or that has alt text, with
// link as their Link. Pictures past the package's MaxParts are left out.
func imageSections(z *zip.Reader, part string, xmlData []byte, link string, l Limits, seen *int) ([]tributary.Section, error) {
	pics, err := pictures(xmlData, part)
	if err != nil || len(pics) == 0 {
		return nil, err
	}
	rels, err := relationships(z, part, l)
	if err != nil {
		return nil, err
	}
	var out []tributary.Section
	for _, p := range pics {
		target := rels[p.rel]
		f := findPart(z, target)
		if f == nil || target == "" {
			continue // a broken reference: nothing to keep, as Word shows nothing
		}
		if *seen++; *seen > l.maxParts() {
			return out, nil
		}
		data, err := readZipFile(f, l.maxPart())
		if errors.Is(err, ErrTooLarge) {
			data = nil // too large to keep; its alt text still counts
		} else if err != nil {
			return nil, err
		}
		sec := tributary.Section{Kind: tributary.SectionImage, Link: link, Text: p.alt}
		if data != nil {
			id, err := l.KeepImage(Image{Part: target, MediaType: mediaType(target, data), Alt: p.alt, Data: data})
			if err != nil {
				return nil, err
			}
			sec.BlobID = id
		}
		if sec.BlobID != "" || sec.Text != "" {
			out = append(out, sec)
		}
	}
	return out, nil
}

// mediaType is the type of a picture's bytes, or else of its extension.
func mediaType(name string, data []byte) string {
	if mt := http.DetectContentType(data); strings.HasPrefix(mt, "image/") {
		return mt
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".emf":
		return "image/emf"
	case ".wmf":
		return "image/wmf"
	case ".svg":
		return "image/svg+xml"
	case ".tif", ".tiff":
		return "image/tiff"
	}
	return "application/octet-stream"
}

// ErrKeep wraps the error of a BlobSink that failed to store a picture:
// the host's storage, not the document, failed, so the connector ends its
// run rather than reporting the document as failed.
var ErrKeep = errors.New("keeping a picture failed")

// KeepImages returns a Limits.KeepImage that stores each picture of the
// document with the id through the BlobSink ctx carries (see
// tributary.PutBlob), or nil when ctx carries none, so that pictures are
// not read at all. A picture the sink refuses for its size is reported as
// a skip and keeps only its alt text.
func KeepImages(ctx context.Context, documentID string) func(Image) (string, error) {
	if tributary.BlobsFrom(ctx) == nil {
		return nil
	}
	return func(im Image) (string, error) {
		id, err := tributary.PutBlob(ctx, tributary.Blob{DocumentID: documentID, Name: im.Part, MediaType: im.MediaType, Data: im.Data})
		if errors.Is(err, tributary.ErrBlobTooLarge) {
			tributary.ReportSkip(ctx, documentID+"#"+im.Part, err.Error())
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("%w: %w", ErrKeep, err)
		}
		return id, nil
	}
}
