package extract

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// DecodeText returns b as UTF-8 text. A byte-order mark (UTF-8, UTF-16 LE
// or BE) wins; then label, a charset name such as "iso-8859-1" or
// "shift_jis" from a header or meta tag, when it is one the WHATWG Encoding
// standard knows; then valid UTF-8 is taken as it is; UTF-16 without a mark
// is recognised by its zero bytes; anything else that does not look binary
// is read as Windows-1252, the superset of Latin-1 that the web and older
// editors use. NUL bytes that only pad the end (as fixed-size records and
// C strings leave them) are dropped. Binary content (NUL bytes elsewhere,
// many control characters) fails with ErrUndecodable.
func DecodeText(b []byte, label string) (string, error) {
	if enc, rest := bomEncoding(b); enc != nil {
		return decodeWith(enc, rest, "utf-16")
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	if bytes.IndexByte(b, 0) >= 0 && utf16Guess(b) == nil {
		b = bytes.TrimRight(b, "\x00")
	}
	if label != "" {
		if enc, name := charset.Lookup(label); enc != nil && name != "utf-8" {
			return decodeWith(enc, b, name)
		}
	}
	if utf8.Valid(b) {
		if bytes.IndexByte(b, 0) >= 0 {
			if enc := utf16Guess(b); enc != nil {
				return decodeWith(enc, b, "utf-16")
			}
			return "", fmt.Errorf("%w: binary content (NUL bytes)", ErrUndecodable)
		}
		return string(b), nil
	}
	if enc := utf16Guess(b); enc != nil {
		return decodeWith(enc, b, "utf-16")
	}
	if looksBinary(b) {
		return "", fmt.Errorf("%w: binary content, not text in a known encoding", ErrUndecodable)
	}
	return decodeWith(charmap.Windows1252, b, "windows-1252")
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func bomEncoding(b []byte) (encoding.Encoding, []byte) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), b[2:]
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b[2:]
	}
	return nil, b
}

// utf16Guess recognises UTF-16 text without a byte-order mark: mostly ASCII
// text whose every other byte is zero.
func utf16Guess(b []byte) encoding.Encoding {
	n := min(len(b), 4096) &^ 1
	if n < 4 {
		return nil
	}
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			evenZero++
		}
		if b[i+1] == 0 {
			oddZero++
		}
	}
	half := n / 2
	switch {
	case oddZero*10 >= half*7 && evenZero*10 < half:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case evenZero*10 >= half*7 && oddZero*10 < half:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

func decodeWith(enc encoding.Encoding, b []byte, name string) (string, error) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("%w: as %s: %w", ErrUndecodable, name, err)
	}
	if bytes.IndexByte(out, 0) >= 0 {
		return "", fmt.Errorf("%w: binary content (NUL characters) as %s", ErrUndecodable, name)
	}
	return string(out), nil
}

// looksBinary reports whether the start of b has NUL bytes or more than one
// control character in ten.
func looksBinary(b []byte) bool {
	head := b[:min(len(b), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	var ctl int
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b {
			ctl++
		}
	}
	return ctl*10 > len(head)
}

// Text extracts a plain-text document: the decoded text, with no title.
func Text(b []byte, label string) (*Doc, error) {
	s, err := DecodeText(b, label)
	if err != nil {
		return nil, err
	}
	return textDoc("", s), nil
}
