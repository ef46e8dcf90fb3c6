package extract_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// pdfObject is one object of a generated PDF: a dictionary, and the bytes
// of its stream when it has one (Length is added).
type pdfObject struct {
	dict   string
	stream []byte
}

// buildPDF writes objects 1..n (object 1 the catalog) with a cross-
// reference table.
func buildPDF(objs []pdfObject) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		if o.stream == nil {
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o.dict)
			continue
		}
		d := strings.TrimSuffix(o.dict, ">>") + fmt.Sprintf(" /Length %d >>", len(o.stream))
		fmt.Fprintf(&b, "%d 0 obj\n%s\nstream\n", i+1, d)
		b.Write(o.stream)
		b.WriteString("\nendstream\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func deflate(b []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	return z.Bytes()
}

// pngRows filters row y of samples (of bpp-byte pixels) with PNG filter
// y%5 (None, Sub, Up, Average, Paeth), as a PDF writer using /Predictor
// 15 may.
func pngRows(samples []byte, stride, bpp int) []byte {
	var out []byte
	prev := make([]byte, stride)
	for y := 0; y < len(samples)/stride; y++ {
		row := samples[y*stride : (y+1)*stride]
		kind := byte(y % 5)
		out = append(out, kind)
		for i := range row {
			var a, b, c byte
			if i >= bpp {
				a, c = row[i-bpp], prev[i-bpp]
			}
			b = prev[i]
			var pred byte
			switch kind {
			case 1:
				pred = a
			case 2:
				pred = b
			case 3:
				pred = byte((int(a) + int(b)) / 2)
			case 4:
				p := int(a) + int(b) - int(c)
				pa, pb, pc := max(p-int(a), int(a)-p), max(p-int(b), int(b)-p), max(p-int(c), int(c)-p)
				switch {
				case pa <= pb && pa <= pc:
					pred = a
				case pb <= pc:
					pred = b
				default:
					pred = c
				}
			}
			out = append(out, row[i]-pred)
		}
		prev = row
	}
	return out
}

// imagesPDF is a PDF of two pages. Page 1 draws a JPEG, a Flate RGB
// image, a Flate gray image with the PNG Up predictor, a JPEG 2000
// stream, a mask and an indexed image (both passed over), and a form that
// holds the JPEG again; page 2 draws the RGB image again and a CMYK JPEG
// through a form.
func imagesPDF(t testing.TB) (pdf, jpg []byte, rgb, gray [][3]uint8) {
	var jb bytes.Buffer
	require.NoError(t, jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 4, 4)), nil))
	jpg = jb.Bytes()
	rgb = [][3]uint8{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}, {40, 50, 60}, {70, 80, 90}} // 3×2
	var rgbSamples []byte
	for _, p := range rgb {
		rgbSamples = append(rgbSamples, p[:]...)
	}
	graySamples := []byte{0, 50, 100, 150, 200, 250} // 2×3
	for _, g := range graySamples {
		gray = append(gray, [3]uint8{g, g, g})
	}
	content1 := "BT /F1 12 Tf 72 720 Td (Figures follow) Tj ET\n" +
		"q 100 0 0 100 0 0 cm /Im1 Do Q /Im2 Do /Im3 Do /Im4 Do /Mask Do /Idx Do /Fm1 Do /Missing Do /Im1 Do"
	content2 := "BT /F1 12 Tf 72 720 Td (Second page) Tj ET /Im2 Do /Fm2 Do"
	objs := []pdfObject{
		{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{dict: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"},
		{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> " +
			"/XObject << /Im1 8 0 R /Im2 9 0 R /Im3 10 0 R /Im4 11 0 R /Mask 12 0 R /Idx 13 0 R /Fm1 14 0 R >> >> /Contents 6 0 R >>"},
		{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> " +
			"/XObject << /Im2 9 0 R /Fm2 15 0 R >> >> /Contents 7 0 R >>"},
		{dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{dict: "<< >>", stream: []byte(content1)},
		{dict: "<< >>", stream: []byte(content2)},
		{dict: "<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode >>", stream: jpg},
		{dict: "<< /Type /XObject /Subtype /Image /Width 3 /Height 2 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>", stream: deflate(rgbSamples)},
		{dict: "<< /Type /XObject /Subtype /Image /Width 2 /Height 3 /ColorSpace [/ICCBased 16 0 R] /BitsPerComponent 8 /Filter [/FlateDecode] " +
			"/DecodeParms [<< /Predictor 15 /Colors 1 /Columns 2 >>] >>", stream: deflate(pngRows(graySamples, 2, 1))},
		{dict: "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /JPXDecode >>", stream: []byte("\x00\x00\x00\x0cjP  \r\n\x87\nfake")},
		{dict: "<< /Type /XObject /Subtype /Image /Width 8 /Height 1 /ImageMask true /BitsPerComponent 1 /Filter /FlateDecode >>", stream: deflate([]byte{0xF0})},
		{dict: "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace [/Indexed /DeviceRGB 0 <FF0000>] /BitsPerComponent 8 /Filter /FlateDecode >>", stream: deflate([]byte{0})},
		{dict: "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Inner 8 0 R >> >> >>", stream: []byte("/Inner Do")},
		{dict: "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Cmyk 17 0 R >> >> >>", stream: []byte("/Cmyk Do")},
		{dict: "<< /N 1 >>", stream: []byte("icc profile")},
		{dict: "<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /DCTDecode >>", stream: jpg},
	}
	return buildPDF(objs), jpg, rgb, gray
}

func imagesPDFSeed(t testing.TB) []byte {
	b, _, _, _ := imagesPDF(t)
	return b
}

func decodePNG(t *testing.T, b []byte) [][3]uint8 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	var out [][3]uint8
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			out = append(out, [3]uint8{c.R, c.G, c.B})
		}
	}
	return out
}

func TestPDFImages(t *testing.T) {
	b, jpg, rgb, gray := imagesPDF(t)
	var kept []extract.Image
	l := extract.Limits{KeepImage: func(im extract.Image) (string, error) {
		kept = append(kept, im)
		return "blob-" + im.Part, nil
	}}
	d, err := extract.PDF(bytes.NewReader(b), int64(len(b)), l)
	require.NoError(t, err)
	require.Len(t, kept, 5, "the mask, the indexed image and the missing name are passed over; the JPEG drawn again, once")
	assert.Equal(t, extract.Image{Part: "page1/Im1.jpg", MediaType: "image/jpeg", Data: jpg}, kept[0], "a JPEG as it is")
	assert.Equal(t, "page1/Im2.png", kept[1].Part)
	assert.Equal(t, "image/png", kept[1].MediaType)
	assert.Equal(t, rgb, decodePNG(t, kept[1].Data))
	assert.Equal(t, "page1/Im3.png", kept[2].Part)
	assert.Equal(t, gray, decodePNG(t, kept[2].Data), "the PNG predictor undone")
	assert.Equal(t, extract.Image{Part: "page1/Im4.jp2", MediaType: "image/jp2", Data: []byte("\x00\x00\x00\x0cjP  \r\n\x87\nfake")}, kept[3])

	var kinds []string
	for _, s := range d.Sections {
		kinds = append(kinds, string(s.Kind)+" "+s.Link+" "+s.BlobID)
	}
	assert.Equal(t, []string{
		"text #page=1 ",
		"image #page=1 blob-page1/Im1.jpg",
		"image #page=1 blob-page1/Im2.png",
		"image #page=1 blob-page1/Im3.png",
		"image #page=1 blob-page1/Im4.jp2",
		"text #page=2 ",
		"image #page=2 blob-page2/Cmyk.jpg",
	}, kinds, "the RGB image drawn again on page 2 is kept once; a CMYK JPEG is kept as it is")

	// Without KeepImage the document is what it always was.
	plain, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{})
	require.NoError(t, err)
	require.Len(t, plain.Sections, 2)
	assert.Contains(t, plain.Sections[0].Text, "Figures follow")

	// A store that fails stops the extraction.
	boom := errors.New("disk full")
	_, err = extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(extract.Image) (string, error) { return "", boom }})
	require.ErrorIs(t, err, boom)

	// MaxParts bounds how many images are read, MaxPart their size.
	kept = nil
	_, err = extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{MaxParts: 2, KeepImage: l.KeepImage})
	require.NoError(t, err)
	assert.Len(t, kept, 2)
	kept = nil
	_, err = extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{MaxPart: int64(len(jpg) - 1), KeepImage: l.KeepImage})
	require.NoError(t, err)
	var parts []string
	for _, im := range kept {
		parts = append(parts, im.Part)
	}
	assert.Equal(t, []string{"page1/Im2.png", "page1/Im3.png", "page1/Im4.jp2"}, parts, "the JPEGs are over the bound")

	// An image refused by the store (KeepImage returning no id) leaves no section.
	d, err = extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(extract.Image) (string, error) { return "", nil }})
	require.NoError(t, err)
	assert.Len(t, d.Sections, 2)
}

// A PDF without text still fails, and keeps no image.
func TestPDFImagesWithoutText(t *testing.T) {
	b := buildPDF([]pdfObject{
		{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"},
		{dict: "<< >>", stream: []byte("/Im1 Do")},
		{dict: "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>", stream: deflate([]byte{7})},
	})
	kept := 0
	_, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(extract.Image) (string, error) { kept++; return "x", nil }})
	require.ErrorIs(t, err, extract.ErrUndecodable)
	assert.Zero(t, kept)
}

// Broken image streams are passed over; the text stays.
func TestPDFImagesMalformed(t *testing.T) {
	for name, img := range map[string]pdfObject{
		"short samples":    {dict: "<< /Subtype /Image /Width 50 /Height 50 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>", stream: deflate([]byte{1, 2, 3})},
		"not zlib":         {dict: "<< /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>", stream: []byte("garbage")},
		"not a JPEG":       {dict: "<< /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode >>", stream: []byte("GIF89a")},
		"huge":             {dict: "<< /Subtype /Image /Width 65536 /Height 65536 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>", stream: deflate([]byte{0})},
		"bad predictor":    {dict: "<< /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 1 >> >>", stream: deflate([]byte{9, 9})},
		"tiff predictor":   {dict: "<< /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 2 >> >>", stream: deflate([]byte{9})},
		"two filters":      {dict: "<< /Subtype /Image /Width 1 /Height 1 /Filter [/ASCII85Decode /DCTDecode] >>", stream: []byte("~>")},
		"sixteen bits":     {dict: "<< /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 16 /Filter /FlateDecode >>", stream: deflate([]byte{1, 2})},
		"not a stream":     {dict: "<< /Subtype /Image /Width 1 /Height 1 >>"},
		"length past file": {dict: "<< /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode /Length 99999 >>"},
	} {
		t.Run(name, func(t *testing.T) {
			b := buildPDF([]pdfObject{
				{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
				{dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
				{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"},
				{dict: "<< >>", stream: []byte("BT /F1 12 Tf 72 720 Td (Words) Tj ET /Im1 Do")},
				img,
				{dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
			})
			d, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(extract.Image) (string, error) {
				t.Error("a broken image was kept")
				return "x", nil
			}})
			require.NoError(t, err)
			require.Len(t, d.Sections, 1)
			assert.Equal(t, tributary.SectionText, d.Sections[0].Kind)
			assert.Contains(t, d.Sections[0].Text, "Words")
		})
	}
}

// idat returns the zlib stream of a PNG's image data: rows each led by
// the filter the encoder chose for it, as a PDF's /Predictor 15 holds.
func idat(t *testing.T, b []byte) []byte {
	t.Helper()
	var out []byte
	for b = b[8:]; len(b) >= 12; {
		n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if string(b[4:8]) == "IDAT" {
			out = append(out, b[8:8+n]...)
		}
		b = b[12+n:]
	}
	return out
}

// Rows filtered with every PNG filter (the encoder picks the best for
// each row of a noisy picture) are undone exactly.
func TestPDFImagePNGPredictors(t *testing.T) {
	const w, h = 23, 17
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	seed := uint32(7)
	for i := range src.Pix {
		seed = seed*1664525 + 1013904223
		switch {
		case i%4 == 3:
			src.Pix[i] = 0xFF // opaque, so encoded as RGB
		case i%64 < 20: // smooth stretches, where Sub, Up and Paeth win
			src.Pix[i] = byte(i / 7)
		default:
			src.Pix[i] = byte(seed >> 24)
		}
	}
	var enc bytes.Buffer
	require.NoError(t, png.Encode(&enc, src))
	b := buildPDF([]pdfObject{
		{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"},
		{dict: "<< >>", stream: []byte("BT /F1 12 Tf 72 720 Td (Words) Tj ET /Im1 Do")},
		{dict: fmt.Sprintf("<< /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "+
			"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns %d >> >>", w, h, w), stream: idat(t, enc.Bytes())},
		{dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	})
	var got []byte
	_, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(im extract.Image) (string, error) {
		got = im.Data
		return "x", nil
	}})
	require.NoError(t, err)
	require.NotNil(t, got)
	img, err := png.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	for y := range h {
		for x := range w {
			require.Equal(t, src.NRGBAAt(x, y), color.NRGBAModel.Convert(img.At(x, y)), "pixel %d,%d", x, y)
		}
	}
}

// Each PNG filter, over RGB pixels, is undone exactly.
func TestPDFImageEveryPNGFilter(t *testing.T) {
	const w, h = 5, 10
	samples := make([]byte, w*h*3)
	for i := range samples {
		samples[i] = byte(i*37 + i*i)
	}
	b := buildPDF([]pdfObject{
		{dict: "<< /Type /Catalog /Pages 2 0 R >>"},
		{dict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{dict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"},
		{dict: "<< >>", stream: []byte("BT /F1 12 Tf 72 720 Td (Words) Tj ET /Im1 Do")},
		{dict: fmt.Sprintf("<< /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "+
			"/DecodeParms << /Predictor 15 /Colors 3 /Columns %d >> >>", w, h, w), stream: deflate(pngRows(samples, w*3, 3))},
		{dict: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	})
	var got []byte
	_, err := extract.PDF(bytes.NewReader(b), int64(len(b)), extract.Limits{KeepImage: func(im extract.Image) (string, error) {
		got = im.Data
		return "x", nil
	}})
	require.NoError(t, err)
	var want [][3]uint8
	for i := 0; i < len(samples); i += 3 {
		want = append(want, [3]uint8{samples[i], samples[i+1], samples[i+2]})
	}
	assert.Equal(t, want, decodePNG(t, got))
}
