// Package overlay is the dashboard's two reference dialogs over the body:
// the key help, built from the keymap, and the whole status table, opened
// at the selected row's code. Each scrolls; ? and t switch between them.
package overlay

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// text is a scrolling dialog of lines built for its width.
type text struct {
	title string
	build func(w int) (lines []string, anchor int)
	k     keys.KeyMap
	// other opens the dialog the switch key leads to.
	other     func() modal.Modal
	switchKey key.Binding
	selfKey   key.Binding

	w, h   int
	top    int
	placed bool // the first SetSize moves to the anchor
	lines  []string
}

func (x *text) Place() modal.Place { return modal.Body }
func (x *text) Title() string      { return x.title }

// SetSize builds the lines for w and keeps the scroll position inside.
func (x *text) SetSize(w, h int) {
	var anchor int
	x.w, x.h = max(w, 0), max(h, 0)
	x.lines, anchor = x.build(x.w)
	if !x.placed {
		x.top, x.placed = anchor, true
	}
	x.clamp()
}

func (x *text) clamp() { x.top = max(0, min(x.top, len(x.lines)-x.h)) }

// HandleKey scrolls, closes, or switches to the other dialog.
func (x *text) HandleKey(msg tea.KeyPressMsg) modal.Result {
	o := x.k.Overlay
	page := max(x.h-1, 1)
	switch {
	case key.Matches(msg, x.switchKey):
		return modal.Result{Close: true, Open: x.other()}
	case key.Matches(msg, o.Close), key.Matches(msg, x.selfKey):
		return modal.Result{Close: true}
	default:
		d, _ := o.Move(msg, page, len(x.lines))
		x.top += d
	}
	x.clamp()
	return modal.Result{}
}

// Scroll moves by d lines (the mouse wheel).
func (x *text) Scroll(d int) {
	x.top += d
	x.clamp()
}

// View is the visible lines (h at most; the frame pads).
func (x *text) View() []string {
	end := min(x.top+x.h, len(x.lines))
	return x.lines[min(x.top, end):end]
}

// ShortHelp is the overlay's keys.
func (x *text) ShortHelp() []key.Binding { return x.k.ShortHelp(keys.ContextOverlay) }

// Scroller is a dialog the mouse wheel scrolls.
type Scroller interface{ Scroll(d int) }

// NewHelp is the key help: every enabled binding of the keymap, in as many
// columns as fit, and a short legend.
func NewHelp(t *theme.Theme, k keys.KeyMap, cat *model.Catalog) modal.Modal {
	x := &text{title: "help", k: k, switchKey: k.Global.Table, selfKey: k.Global.Help}
	x.other = func() modal.Modal { return NewTable(t, k, cat, -1) }
	x.build = func(w int) ([]string, int) { return helpLines(t, k, w), 0 }
	return x
}

// NewTable is the whole status table, opened at code (when the table has
// it).
func NewTable(t *theme.Theme, k keys.KeyMap, cat *model.Catalog, code int) modal.Modal {
	x := &text{title: "status codes of the edge API", k: k, switchKey: k.Global.Help, selfKey: k.Global.Table}
	x.other = func() modal.Modal { return NewHelp(t, k, cat) }
	x.build = func(w int) ([]string, int) {
		lines, at := tableLines(t, cat, w, code)
		return lines, at[code]
	}
	return x
}

func helpLines(t *theme.Theme, k keys.KeyMap, w int) []string {
	var items [][2]string
	for _, group := range k.FullHelp() {
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
				// A cell's gap is its own: a description that fills its
				// column never runs into the next key.
				desc := termtext.Fit(items[i][1], colW-keyW-1) + " "
				if c == cols-1 {
					desc = termtext.Fit(items[i][1], colW-keyW) // the last column has the frame's room
				}
				line += t.Key.Render(termtext.Fit(items[i][0], keyW)) + t.Desc.Render(desc)
			}
		}
		out = append(out, termtext.FitStyled(line, w))
	}
	out = append(out, termtext.Fit("", w))
	legend := []string{
		"Classes: ✓ 2xx success · ↪ 3xx redirect · ! 4xx client error · ✗ 5xx server error · ⚡ transport error " +
			"(no usable answer)",
		"Pause freezes the screen, not the session: the header counts what arrived since.",
		"With mouse capture on, the wheel scrolls and a click selects; press m to select text with the mouse.",
		"The detail pane explains the selected row from the edge API's status table.",
	}
	for _, l := range legend {
		wrapped := l
		if w-2 >= 10 {
			wrapped = termtext.Wrap(l, w-2, 0)
		}
		for _, wl := range strings.Split(wrapped, "\n") {
			out = append(out, t.Muted.Render(termtext.Fit(" "+wl, w)))
		}
	}
	return out
}

// tableLines builds the table's lines, the entry of code (the selected
// row's) marked ▸, and, per status code, the line its entry starts on.
func tableLines(t *theme.Theme, cat *model.Catalog, w, code int) ([]string, map[int]int) {
	var out []string
	at := map[int]int{}
	for _, e := range cat.Entries() {
		out = append(out, termtext.Fit("", w))
		at[e.Code] = len(out)
		lead := " "
		if e.Code == code {
			lead = "▸"
		}
		out = append(out, t.ClassTitle[e.Class].Render(termtext.Fit(lead+theme.ClassGlyph(e.Class)+" "+
			strconv.Itoa(e.Code)+" "+e.Message+" · "+e.Class.String()+" "+e.Class.Title(), w)))
		for _, l := range explain.DescriptionLines(e.Description, w-4) {
			out = append(out, t.Text.Render(termtext.Fit("   "+l, w)))
		}
	}
	return out, at
}
