package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// helpLines is the full help built from the keymap (every enabled
// binding, laid out in as many columns as fit), plus a short legend.
func (a *App) helpLines() []string {
	t := a.theme
	w := a.lay.Body.W - t.Frame.GetHorizontalFrameSize()
	var items [][2]string
	for _, group := range a.keys.fullHelp() {
		for _, b := range group {
			if b.Enabled() {
				items = append(items, [2]string{b.Help().Key, b.Help().Desc})
			}
		}
	}
	const keyW, colW = 8, 36
	cols := max(1, (w-1)/colW)
	rows := (len(items) + cols - 1) / cols
	out := []string{termtext.Fit("", w)}
	for r := 0; r < rows; r++ {
		line := " "
		for c := 0; c < cols; c++ {
			if i := c*rows + r; i < len(items) {
				line += t.Key.Render(termtext.Fit(items[i][0], keyW)) + t.Desc.Render(termtext.Fit(items[i][1], colW-keyW))
			}
		}
		out = append(out, termtext.FitStyled(line, w))
	}
	out = append(out, termtext.Fit("", w))
	legend := []string{
		"Classes: ✓ 2xx success · ↪ 3xx redirect · ! 4xx client error · ✗ 5xx server error · ⚡ transport error",
		"Pause freezes the screen, not the client: the header counts what arrived since.",
		"With mouse capture on, the wheel scrolls and a click selects; press m to select text with the mouse.",
		"The detail pane explains the selected row from the edge API's status table.",
	}
	for _, l := range legend {
		for _, wl := range strings.Split(wrapPlain(l, w-2), "\n") {
			out = append(out, t.Muted.Render(termtext.Fit(" "+wl, w)))
		}
	}
	return a.scrollOverlay(out)
}

// tableLines is the whole status table as a reference: code, message and
// the full description (bullets, notes) of every entry.
func (a *App) tableLines() []string {
	out, _ := a.tableContent()
	return a.scrollOverlay(out)
}

// tableContent builds the table overlay's lines and, per status code, the
// line its entry starts on (so the overlay can open at the selected code).
func (a *App) tableContent() ([]string, map[int]int) {
	t := a.theme
	w := a.lay.Body.W - t.Frame.GetHorizontalFrameSize()
	var out []string
	at := map[int]int{}
	for _, e := range a.deps.Catalog.Entries() {
		out = append(out, termtext.Fit("", w))
		at[e.Code] = len(out)
		out = append(out, t.ClassTitle[e.Class].Render(termtext.Fit(" "+ClassGlyph(e.Class)+" "+itoa(e.Code)+" "+e.Message+
			"  · "+e.Class.String()+" "+e.Class.Title(), w)))
		for _, l := range descriptionLines(e.Description, w-4) {
			out = append(out, t.Text.Render(termtext.Fit("   "+l, w)))
		}
	}
	return out, at
}

// tableTopFor is where the table overlay opens: at the selected row's
// code when the table has it, else at the top.
func (a *App) tableTopFor(r *model.Record) int {
	if r == nil {
		return 0
	}
	_, at := a.tableContent()
	return at[r.Status] // 0 when the code is not in the table
}

// scrollOverlay clamps the overlay's scroll position and slices its lines.
func (a *App) scrollOverlay(lines []string) []string {
	h := a.lay.Body.H - a.theme.Frame.GetVerticalFrameSize()
	a.overlayTop = max(0, min(a.overlayTop, len(lines)-h))
	return lines[a.overlayTop:]
}

// helpStyles styles the help bubble from the theme.
func (a *App) helpStyles() help.Styles {
	t := a.theme
	return help.Styles{
		Ellipsis: t.Desc, ShortKey: t.Key, ShortDesc: t.Desc, ShortSeparator: t.Muted,
		FullKey: t.Key, FullDesc: t.Desc, FullSeparator: t.Muted,
	}
}

// shortHelpText is the footer's key help, cut to w cells; cached until
// the width, the focus or the theme changes.
func (a *App) shortHelpText(w int) string {
	c := &a.helpCache
	overlay := a.overlay != overlayNone
	if c.text != "" && c.w == w && c.focus == a.focus && c.overlay == overlay {
		return c.text
	}
	h := help.New()
	h.Styles = a.helpStyles()
	// Whole items are dropped from the end until the rest fits: the help
	// bubble's own cut (v2.2.1) adds items past its width when even the
	// ellipsis does not fit, which pushed the footer's notices off screen.
	bs := a.keys.shortHelp(a.focus, overlay)
	text := ""
	for n := len(bs); n > 0; n-- {
		text = " " + h.ShortHelpView(bs[:n])
		if n < len(bs) {
			text += " " + a.theme.Muted.Render("…")
		}
		if termtext.Width(text) <= w {
			break
		}
		text = ""
	}
	c.w, c.focus, c.overlay, c.text = w, a.focus, overlay, text
	return c.text
}

// wrapPlain word-wraps trusted plain text.
func wrapPlain(s string, w int) string {
	if w < 10 {
		return s
	}
	return termtext.Wrap(s, w, 0)
}
