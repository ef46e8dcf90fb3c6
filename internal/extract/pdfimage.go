package extract

import (
	"bytes"
	"compress/zlib"
	"image"
	"image/png"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ledongthuc/pdf"

	"github.com/tributary-dev/tributary"
)

// pdfImage is an image XObject a page draws: its resource name and its
// stream.
type pdfImage struct {
	name string
	v    pdf.Value
}

// pdfDrawn resolves the names of the XObjects a page draws (its content's
// Do operators, in order) to the images they are. A form XObject stands
// for the images its own resources name, in the order of their names,
// down to a few levels of forms. An image drawn twice is listed once.
func pdfDrawn(page pdf.Value, names []string) []pdfImage {
	var out []pdfImage
	seen := map[string]bool{}
	var add func(xobjects pdf.Value, name string, depth int)
	add = func(xobjects pdf.Value, name string, depth int) {
		v := xobjects.Key(name)
		if v.Kind() != pdf.Stream || depth > 4 {
			return
		}
		switch v.Key("Subtype").Name() {
		case "Image":
			key := v.String() // its header and offset: the same stream, drawn again
			if !seen[key] {
				seen[key] = true
				out = append(out, pdfImage{name: name, v: v})
			}
		case "Form":
			inner := v.Key("Resources").Key("XObject")
			keys := inner.Keys()
			slices.Sort(keys)
			for _, k := range keys {
				add(inner, k, depth+1)
			}
		}
	}
	xobjects := resources(page).Key("XObject")
	for _, name := range names {
		add(xobjects, name, 0)
	}
	return out
}

// pdfImageSections keeps the images a page draws through l.KeepImage and
// returns an image section, linked to the page, for each kept. An image is
// kept as its bytes are when they are a JPEG (DCTDecode) or JPEG 2000
// (JPXDecode), and as a PNG when they are Flate-compressed samples of 8
// bits in DeviceRGB, DeviceGray or an ICC-based space of 1 or 3
// components; others (masks, CCITT, indexed colour) are passed over, as is
// an image over l.MaxPart bytes or a malformed one. seen counts the
// images read in the document: those past l.MaxParts are passed over.
func pdfImageSections(r io.ReaderAt, size int64, page int, imgs []pdfImage, l Limits, seen *int) ([]tributary.Section, error) {
	var out []tributary.Section
	for _, im := range imgs {
		if *seen >= l.maxParts() {
			return out, nil
		}
		*seen++
		data, mt, ext := pdfImageBytes(r, size, im.v, l.maxPart())
		if data == nil {
			continue
		}
		id, err := l.KeepImage(Image{Part: "page" + strconv.Itoa(page) + "/" + pdfPartName(im.name) + ext, MediaType: mt, Data: data})
		if err != nil {
			return nil, err
		}
		if id != "" {
			out = append(out, tributary.Section{Kind: tributary.SectionImage, Link: "#page=" + strconv.Itoa(page), BlobID: id})
		}
	}
	return out, nil
}

// pdfImageBytes returns the bytes of an image stream as a file of its
// media type, or nil when it cannot or may not be kept. The parser reports
// some malformed values by panicking: the image is then passed over.
func pdfImageBytes(r io.ReaderAt, size int64, v pdf.Value, limit int64) (data []byte, mediaType, ext string) {
	defer func() {
		if recover() != nil {
			data = nil
		}
	}()
	raw, ok := pdfRawStream(r, size, v, limit)
	if !ok {
		return nil, "", ""
	}
	filter, parms := v.Key("Filter"), v.Key("DecodeParms")
	if filter.Kind() == pdf.Array {
		if filter.Len() != 1 {
			return nil, "", ""
		}
		filter, parms = filter.Index(0), parms.Index(0)
	}
	switch filter.Name() {
	case "DCTDecode":
		if b := readAllBounded(raw, limit); len(b) > 2 && b[0] == 0xFF && b[1] == 0xD8 {
			return b, "image/jpeg", ".jpg"
		}
	case "JPXDecode":
		if b := readAllBounded(raw, limit); len(b) > 0 {
			return b, "image/jp2", ".jp2"
		}
	case "FlateDecode":
		if b := pdfFlateImage(raw, v, parms, limit); b != nil {
			return b, "image/png", ".png"
		}
	}
	return nil, "", ""
}

// pdfRawStream returns a reader of a stream's bytes as the file holds
// them, before any filter. The parser hands out only filtered bytes (and
// refuses the image filters), so the stream's offset is read from its
// textual form, "<<header>>@offset".
func pdfRawStream(r io.ReaderAt, size int64, v pdf.Value, limit int64) (io.Reader, bool) {
	s := v.String()
	at := strings.LastIndex(s, ">>@")
	if at < 0 {
		return nil, false
	}
	off, err := strconv.ParseInt(s[at+3:], 10, 64)
	n := v.Key("Length").Int64()
	if err != nil || off < 0 || n <= 0 || n > limit || off > size-n {
		return nil, false
	}
	return io.NewSectionReader(r, off, n), true
}

func readAllBounded(r io.Reader, limit int64) []byte {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil
	}
	return b
}

// pdfFlateImage decodes Flate-compressed 8-bit samples and encodes them
// as a PNG, or returns nil.
func pdfFlateImage(raw io.Reader, v, parms pdf.Value, limit int64) []byte {
	if v.Key("ImageMask").Bool() || v.Key("BitsPerComponent").Int64() != 8 {
		return nil
	}
	comps := pdfComponents(v.Key("ColorSpace"))
	w, h := v.Key("Width").Int64(), v.Key("Height").Int64()
	if comps == 0 || w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16 || w*h*int64(comps) > limit {
		return nil
	}
	stride := int(w) * comps
	predictor := parms.Key("Predictor").Int64()
	predicted := predictor >= 10
	switch {
	case predicted:
		if c := parms.Key("Colors"); !c.IsNull() && c.Int64() != int64(comps) {
			return nil
		}
		if b := parms.Key("BitsPerComponent"); !b.IsNull() && b.Int64() != 8 {
			return nil
		}
		if c := parms.Key("Columns"); c.Int64() != w {
			return nil
		}
	case predictor > 1:
		return nil // TIFF predictor
	}
	zr, err := zlib.NewReader(raw)
	if err != nil {
		return nil
	}
	row := stride
	if predicted {
		row++
	}
	samples := make([]byte, row*int(h))
	if _, err := io.ReadFull(zr, samples); err != nil {
		return nil
	}
	if predicted {
		if samples = unfilterPNGRows(samples, stride, comps, int(h)); samples == nil {
			return nil
		}
	}
	rect := image.Rect(0, 0, int(w), int(h))
	var img image.Image
	if comps == 1 {
		img = &image.Gray{Pix: samples, Stride: stride, Rect: rect}
	} else {
		rgba := image.NewNRGBA(rect)
		for i, j := 0, 0; i < len(samples); i, j = i+3, j+4 {
			copy(rgba.Pix[j:j+3], samples[i:i+3])
			rgba.Pix[j+3] = 0xFF
		}
		img = rgba
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img); err != nil {
		return nil
	}
	return out.Bytes()
}

// pdfComponents is the number of components of a colour space this
// package encodes: 1 for DeviceGray, 3 for DeviceRGB, N for [/ICCBased
// stream] with N 1 or 3; 0 for any other.
func pdfComponents(cs pdf.Value) int {
	switch cs.Kind() {
	case pdf.Name:
		switch cs.Name() {
		case "DeviceGray":
			return 1
		case "DeviceRGB":
			return 3
		}
	case pdf.Array:
		if cs.Len() == 2 && cs.Index(0).Name() == "ICCBased" {
			if n := cs.Index(1).Key("N").Int64(); n == 1 || n == 3 {
				return int(n)
			}
		}
	}
	return 0
}

// unfilterPNGRows undoes the PNG row filters (None, Sub, Up, Average,
// Paeth) of rows, each a filter byte and stride bytes of bpp-byte pixels,
// in place, and returns the samples without the filter bytes; nil for an
// unknown filter.
func unfilterPNGRows(rows []byte, stride, bpp, h int) []byte {
	out := rows[:0]
	prev := make([]byte, stride)
	for y := range h {
		line := rows[y*(stride+1) : (y+1)*(stride+1)]
		kind, cur := line[0], line[1:]
		for i := range cur {
			var a, b, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b = prev[i]
			switch kind {
			case 0:
			case 1:
				cur[i] += a
			case 2:
				cur[i] += b
			case 3:
				cur[i] += byte((int(a) + int(b)) / 2)
			case 4:
				cur[i] += paeth(a, b, c)
			default:
				return nil
			}
		}
		copy(prev, cur)
		out = append(out, cur...) // out trails line, so the copy is safe
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// pdfPartName makes a resource name usable in a blob's name.
func pdfPartName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "image"
	}
	return string(b[:min(len(b), 64)])
}
