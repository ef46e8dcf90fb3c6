package extract_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/fixture"
)

func pngBytes(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, c)
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

const (
	wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
		`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
		`xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relsNS = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
)

// drawing is an inline picture as Word writes it.
func drawing(id int, name, descr, rel string) string {
	return `<w:r><w:drawing><wp:inline><wp:extent cx="1" cy="1"/>` +
		`<wp:docPr id="` + string(rune('0'+id)) + `" name="` + name + `" descr="` + descr + `"/>` +
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>` +
		`<pic:nvPicPr><pic:cNvPr id="0" name="` + name + `"/><pic:cNvPicPr/></pic:nvPicPr>` +
		`<pic:blipFill><a:blip r:embed="` + rel + `"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>` +
		`</wp:inline></w:drawing></w:r>`
}

func pictureDOCX(t *testing.T) ([]byte, []byte, []byte) {
	red, blue := pngBytes(t, color.RGBA{R: 255, A: 255}), pngBytes(t, color.RGBA{B: 255, A: 255})
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` +
		`<w:p><w:r><w:t>Quarterly report</w:t></w:r></w:p>` +
		`<w:p>` + drawing(1, "Picture 1", "Revenue by region, 2024", "rId5") + `</w:p>` +
		`<w:p>` + drawing(2, "Picture 2", "", "rId6") + `</w:p>` +
		`<w:p>` + drawing(3, "Linked", "A linked logo", "rId7") + `</w:p>` +
		`<w:p>` + drawing(4, "Escape", "outside", "rId8") + `</w:p>` +
		`<w:p>` + drawing(5, "Dangling", "", "rId9") + `</w:p>` +
		`</w:body></w:document>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships ` + relsNS + `>` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>` +
		`<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="/word/media/image2.png"/>` +
		`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="https://example.com/logo.png" TargetMode="External"/>` +
		`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../../../secret.png"/>` +
		`</Relationships>`
	return fixture.Zip(
		fixture.Entry{Name: "[Content_Types].xml", Data: []byte(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)},
		fixture.Entry{Name: "word/document.xml", Data: []byte(doc)},
		fixture.Entry{Name: "word/_rels/document.xml.rels", Data: []byte(rels)},
		fixture.Entry{Name: "word/media/image1.png", Data: red},
		fixture.Entry{Name: "word/media/image2.png", Data: blue},
		fixture.Entry{Name: "secret.png", Data: []byte("not in the package's reach")},
	), red, blue
}

func TestDOCXPictures(t *testing.T) {
	docx, red, blue := pictureDOCX(t)
	var kept []extract.Image
	l := extract.Limits{KeepImage: func(im extract.Image) (string, error) {
		kept = append(kept, im)
		return "blob-" + im.Part, nil
	}}
	d, err := extract.DOCX(bytes.NewReader(docx), int64(len(docx)), l)
	require.NoError(t, err)
	require.Len(t, kept, 2, "the linked, escaping and dangling pictures are not in the package")
	assert.Equal(t, extract.Image{Part: "word/media/image1.png", MediaType: "image/png", Alt: "Revenue by region, 2024", Data: red}, kept[0])
	assert.Equal(t, "word/media/image2.png", kept[1].Part)
	assert.Equal(t, blue, kept[1].Data)
	assert.Equal(t, "Picture 2", kept[1].Alt, "without a description, the picture's name")
	require.Len(t, d.Sections, 3)
	assert.Equal(t, "Quarterly report", d.Sections[0].Text)
	assert.Equal(t, tributary.Section{Kind: tributary.SectionImage, Text: "Revenue by region, 2024", BlobID: "blob-word/media/image1.png"}, d.Sections[1])
	assert.Equal(t, "blob-word/media/image2.png", d.Sections[2].BlobID)

	// Without KeepImage the document is what it always was.
	d, err = extract.DOCX(bytes.NewReader(docx), int64(len(docx)), extract.Limits{})
	require.NoError(t, err)
	require.Len(t, d.Sections, 1)

	// A store that fails stops the extraction.
	boom := errors.New("disk full")
	_, err = extract.DOCX(bytes.NewReader(docx), int64(len(docx)), extract.Limits{KeepImage: func(extract.Image) (string, error) { return "", boom }})
	require.ErrorIs(t, err, boom)

	// A picture over MaxPart keeps its alt text, not its bytes.
	big := append(pngBytes(t, color.White), make([]byte, 200<<10)...)
	bigDOCX := fixture.Zip(
		fixture.Entry{Name: "word/document.xml", Data: []byte(`<w:document ` + wordNS + `><w:body><w:p>` +
			drawing(1, "Big", "A large scan", "rId1") + `</w:p></w:body></w:document>`)},
		fixture.Entry{Name: "word/_rels/document.xml.rels", Data: []byte(`<Relationships ` + relsNS + `>` +
			`<Relationship Id="rId1" Target="media/scan.png"/></Relationships>`)},
		fixture.Entry{Name: "word/media/scan.png", Data: big},
	)
	kept = nil
	d, err = extract.DOCX(bytes.NewReader(bigDOCX), int64(len(bigDOCX)), extract.Limits{MaxPart: 100 << 10, KeepImage: l.KeepImage})
	require.NoError(t, err)
	assert.Empty(t, kept)
	require.Len(t, d.Sections, 2)
	assert.Equal(t, tributary.Section{Kind: tributary.SectionImage, Text: "A large scan"}, d.Sections[1])

	// MaxParts bounds how many pictures are read.
	kept = nil
	d, err = extract.DOCX(bytes.NewReader(docx), int64(len(docx)), extract.Limits{MaxParts: 1, KeepImage: l.KeepImage})
	require.NoError(t, err)
	assert.Len(t, kept, 1)
	assert.Len(t, d.Sections, 2)
}

func TestPPTXPictures(t *testing.T) {
	red := pngBytes(t, color.RGBA{R: 255, A: 255})
	slide := func(text, pic string) string {
		return `<?xml version="1.0"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" ` +
			`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>` + text + `</a:t></a:r></a:p></p:txBody></p:sp>` + pic +
			`</p:spTree></p:cSld></p:sld>`
	}
	pic := `<p:pic><p:nvPicPr><p:cNvPr id="4" name="Picture 3" descr="Team photo"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr>` +
		`<p:blipFill><a:blip r:embed="rId2"/></p:blipFill></p:pic>`
	pptx := fixture.Zip(
		fixture.Entry{Name: "[Content_Types].xml", Data: []byte(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)},
		fixture.Entry{Name: "ppt/slides/slide1.xml", Data: []byte(slide("Welcome", ""))},
		fixture.Entry{Name: "ppt/slides/slide2.xml", Data: []byte(slide("Our team", pic))},
		fixture.Entry{Name: "ppt/slides/_rels/slide2.xml.rels", Data: []byte(`<Relationships ` + relsNS + `>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.png"/></Relationships>`)},
		fixture.Entry{Name: "ppt/media/image1.png", Data: red},
	)
	var kept []extract.Image
	d, err := extract.PPTX(bytes.NewReader(pptx), int64(len(pptx)), extract.Limits{KeepImage: func(im extract.Image) (string, error) {
		kept = append(kept, im)
		return "b1", nil
	}})
	require.NoError(t, err)
	require.Len(t, kept, 1)
	assert.Equal(t, "ppt/media/image1.png", kept[0].Part)
	assert.Equal(t, "Welcome", d.Title)
	require.Len(t, d.Sections, 3)
	assert.Equal(t, tributary.Section{Kind: tributary.SectionImage, Link: "#slide=2", Text: "Team photo", BlobID: "b1"}, d.Sections[2])
}

// FuzzPictures reads arbitrary packages as DOCX and PPTX with pictures
// kept: never a panic, and every kept picture is a part of the package.
func FuzzPictures(f *testing.F) {
	docx, _, _ := pictureDOCX(&testing.T{})
	f.Add(docx)
	f.Add(fixture.PPTX("t", "s1", "s2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		keep := func(im extract.Image) (string, error) {
			if im.Part == "" || len(im.Data) == 0 {
				t.Errorf("kept an empty picture: %+v", im)
			}
			return "id", nil
		}
		l := extract.Limits{MaxPart: 1 << 20, MaxParts: 100, KeepImage: keep}
		_, _ = extract.DOCX(bytes.NewReader(b), int64(len(b)), l)
		_, _ = extract.PPTX(bytes.NewReader(b), int64(len(b)), l)
	})
}
