package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"github.com/charmbracelet/x/ansi"

	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/header"
	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// render builds the frame's text from what sync prepared. It changes no
// state.
func (a *App) render() string {
	if a.width == 0 || a.height == 0 {
		return ""
	}
	if a.lay.TooSmall {
		return a.renderTooSmall()
	}
	lines := make([]string, 0, a.height)
	lines = append(lines, header.Line(a.theme, a.width, a.headerData()), a.renderStats())
	lines = append(lines, a.renderBody()...)
	lines = append(lines, a.renderStrip()...)
	lines = append(lines, a.renderFooter())
	return strings.Join(lines, "\n")
}

// headerData is what the header shows.
func (a *App) headerData() header.Data {
	st := a.st
	st.ReadOnly = a.readOnly()
	return header.Data{
		State: st, NoSession: a.deps.Session == nil && a.st.Gateway == "", Now: a.now,
		Paused: a.pause.on, PausedN: a.pause.newN, PausedE: a.pause.errN,
		Replay: a.replayState(),
	}
}

// renderStats is the stats strip; while paused it is frozen (re-fitted to
// the width, so a resize never wraps it).
func (a *App) renderStats() string {
	if a.pause.on && a.pause.strip != "" {
		return termtext.FitStyled(a.pause.strip, a.width)
	}
	return header.Stats(a.theme, a.width, a.stats, a.now)
}

// renderBody draws the region between the stats strip and the footer: the
// list and the detail pane, or a dialog over them. Fixed-width blocks are
// glued by concatenating padded lines, never lipgloss.JoinHorizontal.
func (a *App) renderBody() []string {
	l := a.lay
	if m := a.modals.Top(); m != nil && m.Place() == modal.Body {
		return a.box(m.Title(), m.View(), l.Body, true)
	}
	if a.devs.shown() {
		return a.renderDevices()
	}
	rows := a.list.View()
	title := a.list.Title(a.view.Evicted())
	if f := filterText(a.filter); f != "" {
		title += " · " + f // the active filter, always in sight (the footer may be full)
	}
	listBox := a.box(title, rows, l.List, a.focus == focusList)
	if l.Detail.Empty() {
		return listBox
	}
	detailBox := a.box(a.detail.Title(a.list.Selected()), a.detail.View(), l.Detail, a.focus == focusDetail)
	if l.Stacked {
		return append(listBox, detailBox...)
	}
	for i := range listBox {
		if i < len(detailBox) {
			listBox[i] += detailBox[i]
		}
	}
	return listBox
}

// box frames content (already fitted to the inner width) in r, with the
// title set into the top border. It returns exactly r.H lines of r.W cells.
func (a *App) box(title string, content []string, r rect, focused bool) []string {
	if r.Empty() {
		return nil
	}
	t := a.theme
	b := t.PaneBorder
	bs, ts := t.Border, t.Title
	if focused {
		bs, ts = t.BorderFocused, t.TitleFocused
	}
	innerW := r.W - t.Frame.GetHorizontalFrameSize()
	innerH := r.H - t.Frame.GetVerticalFrameSize()
	out := make([]string, 0, r.H)
	title = ansi.Truncate(" "+termtext.Sanitize(title)+" ", max(innerW-1, 0), "…")
	tw := termtext.Width(title)
	out = append(out, bs.Render(b.TopLeft+b.Top)+ts.Render(title)+
		bs.Render(strings.Repeat(b.Top, max(innerW-1-tw, 0))+b.TopRight))
	side := 0
	if focused {
		side = 1
	}
	left, right := a.chrome.left[side], a.chrome.right[side]
	blank := strings.Repeat(" ", max(innerW, 0))
	for i := 0; i < innerH; i++ {
		line := blank
		if i < len(content) {
			line = content[i] // the panes and dialogs fit their lines
		}
		out = append(out, left+line+right)
	}
	out = append(out, bs.Render(b.BottomLeft+strings.Repeat(b.Bottom, max(innerW, 0))+b.BottomRight))
	return out
}

// renderTooSmall is the whole screen below the minimum size.
func (a *App) renderTooSmall() string {
	msg := []string{
		"terminal too small",
		"need " + strconv.Itoa(minWidth) + "×" + strconv.Itoa(minHeight) + ", have " + strconv.Itoa(a.width) + "×" + strconv.Itoa(a.height),
		"enlarge the window, or press q to quit",
	}
	lines := make([]string, a.height)
	top := max((a.height-len(msg))/2, 0)
	for i := range lines {
		s := ""
		if j := i - top; j >= 0 && j < len(msg) {
			pad := max((a.width-termtext.Width(msg[j]))/2, 0)
			s = a.theme.Bold.Render(strings.Repeat(" ", pad) + msg[j])
		}
		lines[i] = termtext.FitStyled(s, a.width)
	}
	return strings.Join(lines, "\n")
}

// renderFooter is the last line: a dialog that lives there (the filter
// prompt), else the short help on the left and the status (notices, the
// filter, drops) on the right.
func (a *App) renderFooter() string {
	if m := a.modals.Top(); m != nil && m.Place() == modal.Footer {
		if v := m.View(); len(v) > 0 {
			return termtext.FitStyled(v[0], a.width)
		}
	}
	right := a.statusText()
	helpText := a.help.text
	if termtext.Width(helpText)+termtext.Width(right)+1 > a.width {
		helpText = a.help.fit(a, a.width-termtext.Width(right)-1)
	}
	gap := max(a.width-termtext.Width(helpText)-termtext.Width(right), 1)
	return termtext.FitStyled(helpText+strings.Repeat(" ", gap)+right, a.width)
}

// statusText is the right side of the footer: at most half the width
// (the notice is cut to fit), so the keys stay readable.
func (a *App) statusText() string {
	t := a.theme
	sep := t.Muted.Render(" · ")
	var fixed []string
	if r := a.replayLine; r != "" {
		fixed = append(fixed, t.Warn.Render(r))
	}
	if s := a.scanText(); s != "" {
		fixed = append(fixed, t.Warn.Render(s))
	}
	if a.st.Dropped > 0 {
		fixed = append(fixed, t.Warn.Render(fmt.Sprintf("dropped %d", a.st.Dropped)))
	}
	if !a.mouse {
		fixed = append(fixed, t.Muted.Render("mouse off"))
	}
	if a.st.Interval > 0 && a.st.Interval != a.pace0 && a.notice.text != paceLine(a.st.Interval) {
		// (not beside the notice that says the same)
		fixed = append(fixed, t.Muted.Render("every "+explain.Latency(a.st.Interval)))
	}
	// The filter and the search share what the fixed parts and a notice
	// leave of half the width; the notice gets up to half of that.
	room := a.width/2 - termtext.Width(strings.Join(fixed, sep)) - 1
	f, q := filterText(a.filter), ""
	if a.search.q != nil {
		q = "search " + termtext.Sanitize(a.search.q.String())
	}
	notice := ""
	if a.notice.text != "" {
		notice = termtext.Sanitize(a.notice.text)
		share := room
		if f != "" || q != "" {
			share = room - 16 // the filter is in the list's title too: the notice comes first
		}
		notice = clipText(notice, max(min(termtext.Width(notice), share), 8))
		room -= termtext.Width(notice) + termtext.Width(sep)
	}
	var flex []string
	switch {
	case f != "" && q != "":
		flex = append(flex, t.Accent.Render(clipText(f, max(room/2-2, 12))), t.Match.Render(clipText(q, max(room/2-2, 10))))
	case f != "":
		flex = append(flex, t.Accent.Render(clipText(f, max(room-3, 12))))
	case q != "":
		flex = append(flex, t.Match.Render(clipText(q, max(room-3, 10))))
	}
	parts := append(flex, fixed...)
	if notice != "" {
		parts = append([]string{a.notice.style(t).Render(notice)}, parts...)
	}
	return strings.Join(parts, sep) + " "
}

// filterText describes a filter in a few words, "" for none: the classes
// it hides and the text it matches.
func filterText(f model.Filter) string {
	var parts []string
	if f.Classes == model.ErrorClasses {
		parts = append(parts, "errors only")
	} else if f.Classes != 0 {
		var hidden []string
		for _, c := range model.Classes {
			if !f.Classes.Has(c) && c != model.Class1xx {
				hidden = append(hidden, c.String())
			}
		}
		if len(hidden) > 0 {
			parts = append(parts, "hiding "+strings.Join(hidden, ","))
		}
	}
	if f.Query != nil {
		parts = append(parts, "matching "+termtext.Sanitize(f.Query.String()))
	}
	return strings.Join(parts, " ")
}

// helpCache is the footer's short help for a width and the keys' labels;
// it rebuilds itself when its key changes.
type helpCache struct {
	key  helpKey
	text string
}

type helpKey struct {
	w     int
	ctx   keys.Context
	pause string
	clear bool
	t     *theme.Theme
	// top is the dialog on top, whose keys the footer then shows.
	top modal.Modal
	// next is n's label (next error, next match).
	next string
}

// update rebuilds the help text when what it shows changed.
func (h *helpCache) update(a *App) {
	k := helpKey{
		w: a.width, ctx: a.helpContext(), pause: a.keys.Global.Pause.Help().Desc,
		clear: a.keys.Global.ClearFilter.Enabled(), t: a.theme, top: a.modals.Top(),
		next: a.keys.List.NextError.Help().Desc,
	}
	if k == h.key && h.text != "" {
		return
	}
	h.key = k
	h.text = h.fit(a, a.width-termtext.Width(a.statusText())-1)
}

// fit is the short help cut to w cells: whole items are dropped from the
// end until the rest fits (the help bubble's own cut, v2.2.1, adds items
// past its width when even the ellipsis does not fit).
func (h *helpCache) fit(a *App, w int) string {
	bm := help.New()
	bm.Styles = a.theme.Help()
	bs := a.keys.ShortHelp(a.helpContext())
	if m := a.modals.Top(); m != nil {
		bs = m.ShortHelp()
	}
	for n := len(bs); n > 0; n-- {
		text := " " + bm.ShortHelpView(bs[:n])
		if n < len(bs) {
			text += " " + a.theme.Muted.Render("…")
		}
		if termtext.Width(text) <= w {
			return text
		}
	}
	return ""
}

// helpContext is what has the keys, for the footer's help.
func (a *App) helpContext() keys.Context {
	switch {
	case a.modals.Covers():
		return keys.ContextOverlay
	case a.devs.shown():
		return keys.ContextDevices
	case a.focus == focusDetail:
		return keys.ContextDetail
	}
	return keys.ContextList
}

// chrome holds the pane sides pre-rendered once per theme (blurred,
// focused): a frame draws them on every line.
type chrome struct{ left, right [2]string }

func newChrome(t *theme.Theme) chrome {
	b := t.PaneBorder
	return chrome{
		left:  [2]string{t.Border.Render(b.Left), t.BorderFocused.Render(b.Left)},
		right: [2]string{t.Border.Render(b.Right), t.BorderFocused.Render(b.Right)},
	}
}

// clipText is s cut to at most w cells (with an ellipsis), not padded.
func clipText(s string, w int) string {
	if termtext.Width(s) <= w {
		return s
	}
	return strings.TrimRight(termtext.Fit(s, w), " ")
}
