// Package termtext is edgetop's one piece for text bound for a terminal or
// a file: it sanitises text that came from the network, measures it by
// display cells, cuts, pads and wraps it. Every face (the dashboard, plain
// mode, the printed commands, messages on stderr, anything printed at exit)
// takes network text through Sanitize or SanitizeBlock before it is shown,
// so that nothing a gateway sends can move the cursor, change colours,
// retitle the window or reorder text (DESIGN.md, "What bad input gets").
//
// Widths are measured with ansi.StringWidth and lipgloss.Width and cut
// with ansi.Truncate, never with len() (STYLE.md §6).
package termtext

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Sanitize returns s as one safe line of text: escape sequences are removed
// (ansi.Strip), line breaks and tabs become spaces, other C0 and C1 controls
// and DEL are dropped, invalid UTF-8 becomes U+FFFD, bidirectional
// overrides and isolates and zero-width characters (and the soft hyphen)
// are dropped, and the Unicode line and paragraph separators become
// spaces. Plain printable ASCII is returned as is, without allocating.
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
		case (r == '\n' || r == 0x2028 || r == 0x2029) && multiline:
			b.WriteByte('\n')
		case r == '\t' && multiline:
			b.WriteString("    ")
		case r == '\n' || r == '\t' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// C0, DEL, C1: dropped ('\r' included).
		case IsBidiControl(r), IsZeroWidth(r):
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

// IsBidiControl reports the characters that reorder text on screen: the
// embeddings and overrides (U+202A..U+202E), the isolates (U+2066..U+2069),
// the marks (U+200E, U+200F, U+061C).
func IsBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// Cell sanitises s and fits it into exactly w columns (cut with "…", padded
// with spaces).
func Cell(s string, w int) string {
	return Fit(Sanitize(s), w)
}

// CellMiddle is Cell cutting in the middle ("PowerMeter02" in 9 cells is
// "Powe…er02"): names that share a prefix and differ at the end (devices
// numbered in a row) stay apart.
func CellMiddle(s string, w int) string {
	s = Sanitize(s)
	if w <= 2 || ansi.StringWidth(s) <= w {
		return Fit(s, w)
	}
	tail := (w - 1) / 2
	head := w - 1 - tail
	rs := []rune(s)
	if len(rs) != ansi.StringWidth(s) {
		return Fit(s, w) // wide characters: the usual cut, cells counted right
	}
	return string(rs[:head]) + "…" + string(rs[len(rs)-tail:])
}

// Fit cuts or pads an already safe, unstyled string to exactly w columns.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if len(s) <= w && isPlainASCII(s) {
		// Printable ASCII is a cell a byte: no grapheme walk (plain mode
		// writes a few hundred thousand cells a second).
		return s + spaces(w-len(s))
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

// blanks backs spaces for the usual cell widths.
const blanks = "                                                                "

// spaces is n spaces, without allocating for n up to 64.
func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}

// FitRight is Fit with the text aligned right.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}

// FitStyled cuts a styled line to w cells or pads it with spaces.
func FitStyled(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := lipgloss.Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// Width is the display width of a (possibly styled) string in cells.
func Width(s string) int { return lipgloss.Width(s) }

// Wrap word-wraps s to width cells, leaving room for first cells already
// used on the first line; width ≤ 0 leaves s as it is, and a width below
// 20 wraps at 20 (a description cut into two-word lines reads worse than
// one that overflows a narrow terminal).
func Wrap(s string, width, first int) string {
	if width <= 0 {
		return s
	}
	if width < 20 {
		width = 20
	}
	if first == 0 {
		return ansi.Wordwrap(s, width, "")
	}
	w := ansi.Wordwrap(strings.Repeat("x", first)+s, width, "")
	return w[first:]
}

// IsZeroWidth reports the characters that take no cell: zero-width
// spaces and joiners, word joiner and invisible operators, the byte-order
// mark, the soft hyphen, the combining grapheme joiner and the Mongolian
// vowel separator. Dropped, they can neither hide a split word nor throw a
// column's width off (ZWJ emoji sequences fall apart into their parts,
// which still read).
func IsZeroWidth(r rune) bool {
	return (r >= 0x200b && r <= 0x200d) || (r >= 0x2060 && r <= 0x2064) ||
		r == 0xfeff || r == 0x00ad || r == 0x034f || r == 0x180e
}

// Check returns an error naming the first thing in s that a terminal would
// interpret: ESC, a C0 or C1 control (but '\n' when multiline), DEL, a
// bidirectional control, a line or paragraph separator, or invalid UTF-8. nil means s is safe to print.
// Tests of every output path use it.
func Check(s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8 in %q", clip(s))
	}
	for i, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidiControl(r) || r == 0x2028 || r == 0x2029 {
			return fmt.Errorf("control %U at byte %d in %q", r, i, clip(s))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// CheckStyled is Check for text edgetop styled itself: the only escape
// sequences allowed are plain SGR colour and weight codes (ESC [ digits
// and semicolons m), what the themes emit; everything else must be safe,
// '\n' allowed.
func CheckStyled(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] != 0x1b {
			continue
		}
		j := i + 1
		if j >= len(s) || s[j] != '[' {
			return fmt.Errorf("non-CSI escape at byte %d: %q", i, clip(s[i:]))
		}
		j++
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
			j++
		}
		if j >= len(s) || s[j] != 'm' {
			return fmt.Errorf("non-SGR sequence at byte %d: %q", i, clip(s[i:]))
		}
		i = j
	}
	return Check(ansi.Strip(s), true)
}
