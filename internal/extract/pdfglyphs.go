package extract

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// builtinEncoding decodes the codes of a Type 1 font that names no
// encoding and maps no codes to Unicode: TeX's fonts (the bullets and
// dashes of CMSY10, the quotes of CMR10) are the common case. The font
// program's own encoding names each code's glyph ("dup 15 /bullet put"),
// and the glyph's name tells the character. Codes it does not name, or
// names with no known character, fall back to the parser's decoding.
type builtinEncoding struct {
	runes    map[byte]rune
	fallback pdf.TextEncoding
}

func (e builtinEncoding) Decode(raw string) string {
	var b strings.Builder
	for i := range len(raw) {
		if r, ok := e.runes[raw[i]]; ok {
			b.WriteRune(r)
			continue
		}
		b.WriteString(e.fallback.Decode(raw[i : i+1]))
	}
	return b.String()
}

// maxFontHeader bounds how much of an embedded font program is read for
// its encoding.
const maxFontHeader = 64 << 10

var encodingEntry = regexp.MustCompile(`dup\s+(\d{1,3})\s*/([A-Za-z0-9._]+)\s+put`)

// withBuiltinEncoding returns enc, or a builtinEncoding over it when font
// is a Type 1 font with no Encoding and no ToUnicode whose embedded
// program names its glyphs.
func withBuiltinEncoding(font pdf.Value, enc pdf.TextEncoding) pdf.TextEncoding {
	if font.Key("Subtype").Name() != "Type1" || !font.Key("Encoding").IsNull() || !font.Key("ToUnicode").IsNull() {
		return enc
	}
	program := font.Key("FontDescriptor").Key("FontFile")
	if program.Kind() != pdf.Stream {
		return enc
	}
	rc := program.Reader()
	defer rc.Close()
	n := min(max(program.Key("Length1").Int64(), 0), maxFontHeader)
	head, _ := io.ReadAll(io.LimitReader(rc, n))
	runes := map[byte]rune{}
	for _, m := range encodingEntry.FindAllSubmatch(head, 256) {
		code, err := strconv.Atoi(string(m[1]))
		if err != nil || code > 255 {
			continue
		}
		if r, ok := glyphRune(string(m[2])); ok {
			runes[byte(code)] = r
		}
	}
	if len(runes) == 0 {
		return enc
	}
	return builtinEncoding{runes: runes, fallback: enc}
}

// glyphRune returns the character a glyph name stands for, after the
// Adobe Glyph List's rules for the names fonts use most: single letters
// and digits, uniXXXX and uXXXX[XX], and a table of common names.
func glyphRune(name string) (rune, bool) {
	name, _, _ = strings.Cut(name, ".") // "a.sc" is a variant of "a"
	if r, size := utf8.DecodeRuneInString(name); size == len(name) && r < utf8.RuneSelf &&
		(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
		return r, true
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex) == 4 {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil {
			return rune(v), true
		}
	}
	if hex, ok := strings.CutPrefix(name, "u"); ok && len(hex) >= 4 && len(hex) <= 6 {
		if v, err := strconv.ParseUint(hex, 16, 32); err == nil && utf8.ValidRune(rune(v)) {
			return rune(v), true
		}
	}
	r, ok := glyphNames[name]
	return r, ok
}

var glyphNames = map[string]rune{
	"zero": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5', "six": '6', "seven": '7',
	"eight": '8', "nine": '9', "space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$',
	"percent": '%', "ampersand": '&', "quotesingle": '\'', "parenleft": '(', "parenright": ')', "asterisk": '*',
	"plus": '+', "comma": ',', "hyphen": '-', "period": '.', "slash": '/', "colon": ':', "semicolon": ';',
	"less": '<', "equal": '=', "greater": '>', "question": '?', "at": '@', "bracketleft": '[', "backslash": '\\',
	"bracketright": ']', "asciicircum": '^', "underscore": '_', "grave": '`', "braceleft": '{', "bar": '|',
	"braceright": '}', "asciitilde": '~', "quoteleft": '‘', "quoteright": '’', "quotedblleft": '“',
	"quotedblright": '”', "quotesinglbase": '‚', "quotedblbase": '„', "guillemotleft": '«', "guillemotright": '»',
	"endash": '–', "emdash": '—', "bullet": '•', "periodcentered": '·', "ellipsis": '…', "dagger": '†',
	"daggerdbl": '‡', "section": '§', "paragraph": '¶', "copyright": '©', "registered": '®', "trademark": '™',
	"degree": '°', "plusminus": '±', "multiply": '×', "divide": '÷', "minus": '−', "fraction": '⁄',
	"lessequal": '≤', "greaterequal": '≥', "notequal": '≠', "approxequal": '≈', "infinity": '∞',
	"arrowright": '→', "arrowleft": '←', "arrowup": '↑', "arrowdown": '↓', "arrowboth": '↔',
	"arrowdblright": '⇒', "arrowdblleft": '⇐', "element": '∈', "summation": '∑', "product": '∏',
	"radical": '√', "integral": '∫', "partialdiff": '∂', "logicaland": '∧', "logicalor": '∨',
	"intersection": '∩', "union": '∪', "circlecopyrt": '©', "openbullet": '◦', "asteriskmath": '∗',
	"backslashmath": '\\', "bar1": '|', "braceleftmath": '{', "bracerightmath": '}',
	"fi": 'ﬁ', "fl": 'ﬂ', "ff": 'ﬀ', "ffi": 'ﬃ', "ffl": 'ﬄ', "dotlessi": 'ı', "germandbls": 'ß',
	"ae": 'æ', "AE": 'Æ', "oe": 'œ', "OE": 'Œ', "oslash": 'ø', "Oslash": 'Ø', "aring": 'å', "Aring": 'Å',
	"exclamdown": '¡', "questiondown": '¿', "Omega": 'Ω', "Delta": 'Δ', "Gamma": 'Γ', "Theta": 'Θ',
	"Lambda": 'Λ', "Xi": 'Ξ', "Pi": 'Π', "Sigma": 'Σ', "Upsilon": 'Υ', "Phi": 'Φ', "Psi": 'Ψ',
}
