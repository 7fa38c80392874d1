package theme

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Ink is a style reduced to the escape sequences it puts around one line
// of text, for the path that paints the most (the list's rows, hundreds a
// second at a high rate): Paint gives what Style.Render gives, without
// Render's work of measuring, splitting and re-joining the text. A style
// whose output is not its text between two fixed sequences (padding, a
// width, a border, spaces it treats apart) is rendered as before.
type Ink struct {
	st          lipgloss.Style
	open, close string
	ok          bool
}

// InkOf reduces st, checking that the reduction holds for a text with
// spaces and wide characters.
func InkOf(st lipgloss.Style) Ink {
	k := Ink{st: st}
	r := st.Render("x")
	i := strings.IndexByte(r, 'x')
	if i < 0 {
		return k
	}
	k.open, k.close = r[:i], r[i+1:]
	const probe = "a b  日本 ▸x"
	k.ok = st.Render(probe) == k.open+probe+k.close
	return k
}

// Paint is st.Render(s) for one line of sanitised text.
func (k Ink) Paint(s string) string {
	if !k.ok || s == "" || strings.ContainsAny(s, "\t\n\r") {
		return k.st.Render(s)
	}
	return k.open + s + k.close
}
