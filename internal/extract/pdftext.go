package extract

import (
	"math"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// pageText returns the text of a PDF page laid out from its glyphs'
// positions: a space where the gap between two glyphs is wider than
// kerning, a line break where the baseline moves. PDF content places
// glyphs; it rarely holds the spaces between words (TeX and many other
// producers move the pen instead of drawing a space), so text read in
// stream order alone runs its words together.
//
// It reads the page's content stream with the parser's interpreter and
// keeps the text state of the PDF specification (section 9.4): font and
// size, character and word spacing, horizontal scaling, rise, the text and
// line matrices, and the current transformation matrix. Malformed content
// makes the parser panic; the caller recovers.
//
// shared caches, across the pages of one document, the fonts whose names
// carry a subset tag ("ABCDEF+CMR10"), which names one font program in a
// document; other fonts are read once per page.
//
// draw, when not nil, is given the name of each XObject the page draws
// (its Do operators).
func pageText(p pdf.Page, shared map[string]*pdfFont, draw func(name string)) string {
	contents := p.V.Key("Contents")
	if p.V.IsNull() || contents.IsNull() {
		return ""
	}
	fonts := map[string]*pdfFont{}
	var lb lineBuilder
	g := textState{th: 1, ctm: identity, tm: identity, tlm: identity}
	var stack []textState
	show := func(raw string) {
		if g.font == nil {
			return
		}
		step := g.font.codeBytes
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			w0 := g.font.width(code)
			trm := matrix{{g.tfs * g.th, 0, 0}, {0, g.tfs, 0}, {0, g.trise, 1}}.mul(g.tm).mul(g.ctm)
			size := math.Hypot(trm[0][0], trm[0][1])
			lb.add(g.font.enc.Decode(raw[i:i+step]), trm[2][0], trm[2][1], w0/1000*size, size)
			tx := w0/1000*g.tfs + g.tc
			if step == 1 && code == ' ' {
				tx += g.tw
			}
			g.tm = translate(tx*g.th, 0).mul(g.tm)
		}
	}
	nextLine := func() {
		g.tlm = translate(0, -g.tl).mul(g.tlm)
		g.tm = g.tlm
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			stack = append(stack, g)
		case "Q":
			if n := len(stack); n > 0 {
				g, stack = stack[n-1], stack[:n-1]
			}
		case "Do":
			if draw != nil && len(args) == 1 {
				draw(args[0].Name())
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrixOf(args).mul(g.ctm)
			}
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.trise = num(0)
		case "Tf":
			if len(args) == 2 {
				g.font = fontOf(p, fonts, shared, args[0].Name())
				g.tfs = num(1)
			}
		case "TD":
			g.tl = -num(1)
			fallthrough
		case "Td":
			g.tlm = translate(num(0), num(1)).mul(g.tlm)
			g.tm = g.tlm
		case "Tm":
			if len(args) == 6 {
				g.tm = matrixOf(args)
				g.tlm = g.tm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			nextLine()
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				nextLine()
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := range args[0].Len() {
				x := args[0].Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else {
					g.tm = translate(-x.Float64()/1000*g.tfs*g.th, 0).mul(g.tm)
				}
			}
		}
	})
	return lb.String()
}

type textState struct {
	tc, tw, th, tl, tfs, trise float64
	font                       *pdfFont
	tm, tlm, ctm               matrix
}

type matrix [3][3]float64

var identity = matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func translate(x, y float64) matrix { return matrix{{1, 0, 0}, {0, 1, 0}, {x, y, 1}} }

func matrixOf(args []pdf.Value) matrix {
	var m matrix
	for i := range 6 {
		m[i/2][i%2] = args[i].Float64()
	}
	m[2][2] = 1
	return m
}

func (a matrix) mul(b matrix) matrix {
	var c matrix
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

// resources returns a page's resource dictionary, its own or inherited
// from the nearest node above it that has one, looking at most 64 levels
// up (a malformed tree's Parent links can loop).
func resources(page pdf.Value) pdf.Value {
	v := page
	for range 64 {
		if v.IsNull() {
			break
		}
		if r := v.Key("Resources"); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// pdfFont is what the layout needs of a font: how to decode its codes,
// how many bytes one code takes, and the codes' widths.
type pdfFont struct {
	enc       pdf.TextEncoding
	codeBytes int
	first     int
	widths    []float64
	// For composite (Type0) fonts: widths by CID and the default.
	cidWidths    map[int]float64
	defaultWidth float64
}

func fontOf(p pdf.Page, cache, shared map[string]*pdfFont, name string) *pdfFont {
	if f, ok := cache[name]; ok {
		return f
	}
	pf := pdf.Font{V: resources(p.V).Key("Font").Key(name)}
	base := pf.BaseFont()
	if tag, _, ok := strings.Cut(base, "+"); ok && len(tag) == 6 {
		if f, ok := shared[base]; ok {
			cache[name] = f
			return f
		}
		defer func() { shared[base] = cache[name] }()
	}
	f := &pdfFont{enc: pf.Encoder(), codeBytes: 1}
	if f.enc == nil {
		f.enc = rawEncoding{}
	}
	f.enc = withBuiltinEncoding(pf.V, f.enc)
	if pf.V.Key("Subtype").Name() == "Type0" {
		f.codeBytes = 2
		f.cidWidths, f.defaultWidth = cidWidths(pf.V.Key("DescendantFonts").Index(0))
	} else {
		f.first = pf.FirstChar()
		w := pf.V.Key("Widths")
		for i := range min(w.Len(), 65536) {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
	}
	cache[name] = f
	return f
}

func (f *pdfFont) width(code int) float64 {
	if f.codeBytes == 2 {
		if w, ok := f.cidWidths[code]; ok {
			return w
		}
		return f.defaultWidth
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return 0
}

// cidWidths reads a CID font's W array ([c [w1 w2 ...]] or [c1 c2 w]
// runs) and DW, for Identity encodings, where a code is its CID.
func cidWidths(font pdf.Value) (map[int]float64, float64) {
	dw := 1000.0
	if v := font.Key("DW"); v.Kind() == pdf.Integer || v.Kind() == pdf.Real {
		dw = v.Float64()
	}
	m := map[int]float64{}
	w := font.Key("W")
	for i := 0; i+1 < w.Len() && len(m) < 65536; {
		c := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for j := range min(next.Len(), 65536) {
				m[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			break
		}
		last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for c2 := c; c2 <= last && c2-c < 65536; c2++ {
			m[c2] = width
		}
		i += 3
	}
	return m, dw
}

// rawEncoding takes codes as Latin-1, for a font the parser gives no
// encoding for.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string {
	r := make([]rune, len(raw))
	for i := range len(raw) {
		r[i] = rune(raw[i])
	}
	return string(r)
}

// lineBuilder joins glyphs into lines and words by their positions.
type lineBuilder struct {
	buf     []byte
	started bool
	spaced  bool // the text ends in a space or line break
	x, y    float64
	end     float64 // where the last glyph ended
	size    float64
}

// Kerning moves glyphs by a few hundredths of an em; the narrowest word
// space of common fonts is about a fifth of an em, and a line's baseline
// moves by about an em.
const (
	wordGap   = 0.15
	lineShift = 0.5
)

// ligatures spells out the typographic ligatures fonts draw as one glyph,
// so that "ﬁeld" is found as "field".
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi",
	"\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")

func (b *lineBuilder) add(text string, x, y, w, size float64) {
	if len(text) != 1 || text[0] < 0x20 || text[0] >= 0x7f { // most glyphs are one printable ASCII byte
		text = ligatures.Replace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' {
				return -1
			}
			return r
		}, text))
	}
	if text == "" {
		return
	}
	em := max(size, b.size, 1)
	if b.started {
		switch {
		case math.Abs(y-b.y) > lineShift*em:
			b.breakLine()
		case x-b.end > wordGap*em || x < b.x-em:
			b.space()
		}
	}
	if strings.TrimSpace(text) == "" {
		b.space()
	} else {
		b.buf = append(b.buf, text...)
		b.spaced = false
	}
	b.started = true
	b.x, b.y, b.end, b.size = x, y, x+w, size
}

func (b *lineBuilder) space() {
	if !b.spaced && len(b.buf) > 0 {
		b.buf = append(b.buf, ' ')
		b.spaced = true
	}
}

func (b *lineBuilder) breakLine() {
	for len(b.buf) > 0 && b.buf[len(b.buf)-1] == ' ' {
		b.buf = b.buf[:len(b.buf)-1]
	}
	if len(b.buf) > 0 && b.buf[len(b.buf)-1] != '\n' {
		b.buf = append(b.buf, '\n')
	}
	b.spaced = true
}

func (b *lineBuilder) String() string {
	return strings.TrimSpace(string(b.buf))
}
