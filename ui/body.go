package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/ui/termtext"
)

// renderBody draws the region between the stats strip and the footer: the
// list and the detail pane, or an overlay. Fixed-width blocks are glued by
// concatenating padded lines, never lipgloss.JoinHorizontal.
func (a *App) renderBody() []string {
	l := a.lay
	switch a.overlay {
	case overlayHelp:
		return a.box("help", a.helpLines(), l.Body, true)
	case overlayTable:
		return a.box("status codes of the edge API", a.tableLines(), l.Body, true)
	}
	n := a.visibleLen()
	rows := append([]string{a.list.renderHeaderRow(a.theme)}, a.list.renderRows(a.theme, a.view, n, a.deps.Catalog)...)
	list := a.box(a.listTitle(n), rows, l.List, a.focus == focusList)
	if l.Detail.Empty() {
		return list
	}
	a.detail.show(a.selected(), a.theme, a.explainer())
	detail := a.box(a.detailTitle(), a.detail.visible(), l.Detail, a.focus == focusDetail)
	if l.Stacked {
		return append(list, detail...)
	}
	for i := range list {
		if i < len(detail) {
			list[i] += detail[i]
		}
	}
	return list
}

// listTitle says what the list holds.
func (a *App) listTitle(n int) string {
	s := "requests " + itoa(n)
	if ev := a.view.Evicted(); ev > 0 {
		s += " (+" + itoa(int(ev)) + " older dropped from memory)"
	}
	if !a.list.follow {
		s += " · scrolled (G: live)"
	}
	return s
}

func (a *App) detailTitle() string {
	r := a.selected()
	if r == nil {
		return "detail"
	}
	e := a.deps.Catalog.Lookup(r.Status)
	if r.Status == 0 {
		return e.Message
	}
	return itoa(e.Code) + " " + e.Message
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
	tw := lipgloss.Width(title)
	top := bs.Render(b.TopLeft+b.Top) + ts.Render(title) +
		bs.Render(strings.Repeat(b.Top, max(innerW-1-tw, 0))+b.TopRight)
	out = append(out, top)
	left, right := a.chrome.left[0], a.chrome.right[0]
	if focused {
		left, right = a.chrome.left[1], a.chrome.right[1]
	}
	blank := strings.Repeat(" ", max(innerW, 0))
	for i := 0; i < innerH; i++ {
		line := blank
		if i < len(content) {
			line = content[i]
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
		"need " + itoa(minWidth) + "×" + itoa(minHeight) + ", have " + itoa(a.width) + "×" + itoa(a.height),
		"enlarge the window, or press q to quit",
	}
	lines := make([]string, a.height)
	top := max((a.height-len(msg))/2, 0)
	for i := range lines {
		s := ""
		if j := i - top; j >= 0 && j < len(msg) {
			pad := max((a.width-lipgloss.Width(msg[j]))/2, 0)
			s = strings.Repeat(" ", pad) + msg[j]
		}
		if s != "" {
			s = a.theme.Bold.Render(s)
		}
		lines[i] = termtext.FitStyled(s, a.width)
	}
	return joinLines(lines)
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

// chrome holds the pane sides pre-rendered once per theme (blurred,
// focused): a frame draws them on every line.
type chrome struct{ left, right [2]string }

func newChrome(t *Theme) chrome {
	b := t.PaneBorder
	return chrome{
		left:  [2]string{t.Border.Render(b.Left), t.BorderFocused.Render(b.Left)},
		right: [2]string{t.Border.Render(b.Right), t.BorderFocused.Render(b.Right)},
	}
}
