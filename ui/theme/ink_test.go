package theme

import (
	"testing"

	"charm.land/lipgloss/v2"
)

// TestInkPaintsAsRender: for every style the list's rows use, in every
// theme, Paint gives exactly what Render gives.
func TestInkPaintsAsRender(t *testing.T) {
	texts := []string{"x", "12:00:01.123 GET  200 ListThings  /2020-04-30/things", "  lead ", "日本語 ◆ ▸", "", "a\tb", "two\nlines"}
	for _, th := range []*Theme{NewTheme(true), NewTheme(false), NoColorTheme()} {
		styles := []lipgloss.Style{th.Text, th.Muted, th.Match, th.Selected, th.Warn}
		styles = append(styles, th.Class[:]...)
		for i, st := range styles {
			k := InkOf(st)
			for _, s := range texts {
				if got, want := k.Paint(s), st.Render(s); got != want {
					t.Errorf("style %d (no colour %v): Paint(%q) = %q, Render = %q", i, th.NoColor, s, got, want)
				}
			}
		}
		// The row's plain colour styles take the fast path (an underline,
		// as Match has, does not: lipgloss underlines spaces apart).
		for i, k := range append([]Ink{th.Row.Text, th.Row.Muted}, th.Row.Class[:]...) {
			if !k.ok {
				t.Errorf("row ink %d (no colour %v) not reduced", i, th.NoColor)
			}
		}
	}
}
