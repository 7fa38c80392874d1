package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Every string that came from the network (paths, headers, bodies, API
// messages, transport error texts) goes through Sanitize or SanitizeBlock
// before it is drawn or printed, so that nothing a gateway sends can move the
// cursor, change colours, retitle the window or reorder text (DESIGN.md,
// "What bad input gets"). Results are cached per record by the row and
// detail caches, so the cost is paid once per record shown.

// Sanitize returns s as one safe line of text: escape sequences are removed
// (ansi.Strip), line breaks and tabs become spaces, other C0 and C1 controls
// and DEL are dropped, invalid UTF-8 becomes U+FFFD and bidirectional
// overrides and isolates are dropped. Plain printable ASCII is returned as
// is, without allocating.
func Sanitize(s string) string { return sanitize(s, false) }

// SanitizeBlock is Sanitize for multi-line text: it keeps '\n' (a "\r\n"
// pair becomes '\n') and turns a tab into four spaces.
func SanitizeBlock(s string) string { return sanitize(s, true) }

func sanitize(s string, multiline bool) string {
	if isPlainASCII(s) {
		return s
	}
	// ansi.Strip removes CSI/OSC/DCS/... sequences, 7-bit and 8-bit. It
	// keeps other bytes, so the loop below still sees stray controls and
	// broken UTF-8.
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case r == '\t' && multiline:
			b.WriteString("    ")
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// C0, DEL, C1: dropped ('\r' included).
		case isBidiControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlainASCII reports whether s holds only printable ASCII (0x20..0x7e).
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// isBidiControl reports the characters that reorder text on screen: the
// embeddings and overrides (U+202A..U+202E), the isolates (U+2066..U+2069),
// the marks (U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// cell sanitises s and fits it into exactly w columns (cut with "…", padded
// with spaces).
func cell(s string, w int) string {
	return fit(Sanitize(s), w)
}

// fit cuts or pads an already safe string to exactly w columns.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// fitRight is fit with the text aligned right.
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}
