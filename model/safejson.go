package model

import "unicode/utf8"

// AppendSafeJSON appends encoded, a JSON text (as encoding/json writes it),
// to dst with every character that a terminal could act on, or that hides
// or reorders text, written as a \uXXXX escape: DEL, the C1 controls
// (U+0080..U+009F), the bidirectional controls, the zero-width characters
// and the soft hyphen (NeedsEscape), and the line and paragraph separators.
// Each byte of invalid UTF-8 becomes \ufffd, which is what a JSON decoder
// reads it as anyway. So the result is still valid JSON that decodes to
// the same value, and it is safe to cat in a terminal.
//
// Apart from DEL, those characters are outside ASCII and can therefore
// only appear inside JSON strings, where an escape means the same thing.
// encoding/json already escapes the C0 controls; a raw C0 control other
// than the JSON whitespace ('\t', '\n', '\r'), which valid JSON never
// holds, is escaped too, so that not even invalid input carries one
// through.
func AppendSafeJSON(dst, encoded []byte) []byte {
	start := 0 // encoded[start:i] is safe and not yet copied
	for i := 0; i < len(encoded); {
		c := encoded[i]
		if c < utf8.RuneSelf {
			i++
			if c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r' {
				continue
			}
			dst = append(dst, encoded[start:i-1]...)
			dst = appendEscape(dst, rune(c))
			start = i
			continue
		}
		r, size := utf8.DecodeRune(encoded[i:])
		if r == utf8.RuneError && size == 1 || NeedsEscape(r) {
			dst = append(dst, encoded[start:i]...)
			dst = appendEscape(dst, r)
			start = i + size
		}
		i += size
	}
	return append(dst, encoded[start:]...)
}

// NeedsEscape reports the characters AppendSafeJSON escapes and that plain
// text bound for a file or a terminal must not carry raw: C0 and C1
// controls and DEL, the bidirectional controls (U+061C, U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069), the zero-width characters (U+200B..
// U+200D, U+2060..U+2064, U+FEFF, U+034F, U+180E), the soft hyphen
// (U+00AD) and the line and paragraph separators (U+2028, U+2029). It is
// the set ui/termtext drops or replaces, kept here for the pure packages
// that cannot import it.
func NeedsEscape(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x00ad, r == 0x034f, r == 0x061c, r == 0x180e, r == 0xfeff:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e:
		return true
	case r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// appendEscape appends r as a JSON \uXXXX escape. Every rune passed here
// is in the Basic Multilingual Plane, so one escape suffices.
func appendEscape(dst []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
