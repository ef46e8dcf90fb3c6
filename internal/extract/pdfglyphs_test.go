package extract

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGlyphNames(t *testing.T) {
	for name, want := range map[string]rune{"bullet": '•', "a": 'a', "a.sc": 'a', "uni2022": '•', "u1F600": '😀',
		"endash": '–', "quotedblleft": '“', "seven": '7'} {
		r, ok := glyphRune(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, r, name)
	}
	for _, name := range []string{"", "uniZZZZ", "u110000", "notaglyph", "ab"} {
		_, ok := glyphRune(name)
		assert.False(t, ok, name)
	}
	enc := builtinEncoding{runes: map[byte]rune{0x0f: '•'}, fallback: rawEncoding{}}
	assert.Equal(t, "• A", enc.Decode("\x0f A"), "codes the font names are decoded by name, the others as before")
}
