// Package summary is the failure summary dialog: the session's failures
// grouped by status × API Code × operation × device, with counts and when
// each was first and last seen, sorted by count or by recency. Enter
// filters the log to the selected group; a key copies the whole summary as
// text for an incident note.
package summary

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/model/failures"
	"edgetop/ui/keys"
	"edgetop/ui/modal"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Apply asks the dashboard to filter the log to one group (its filter
// expression).
type Apply struct{ Query string }

// Copy asks the dashboard to copy the summary's text.
type Copy struct {
	Text   string
	Groups int
}

// Pane is the dialog's state.
type Pane struct {
	t      *theme.Theme
	k      keys.KeyMap
	sum    *failures.Summary
	order  failures.Order
	groups []failures.Group
	now    time.Time

	w, h        int
	cursor, top int
}

// New opens the summary of sum as it is at now.
func New(t *theme.Theme, k keys.KeyMap, sum *failures.Summary, now time.Time) *Pane {
	p := &Pane{t: t, k: k, sum: sum, order: failures.ByCount}
	p.Refresh(now)
	return p
}

// Refresh takes the failures counted since, keeping the selected group
// selected.
func (p *Pane) Refresh(now time.Time) {
	var sel *failures.Key
	if p.cursor < len(p.groups) {
		k := p.groups[p.cursor].Key
		sel = &k
	}
	p.now = now
	p.groups = p.sum.Groups(p.order)
	if sel != nil {
		for i, g := range p.groups {
			if g.Key == *sel {
				p.cursor = i
				break
			}
		}
	}
	p.clamp()
}

func (p *Pane) Place() modal.Place { return modal.Body }

// Title says what the dialog holds and its order.
func (p *Pane) Title() string {
	by := "by count"
	if p.order == failures.ByRecent {
		by = "most recent first"
	}
	return "failure summary · " + count(p.sum.Total(), "failure") + " in " + count(p.sum.Len(), "group") + " · " + by
}

// SetSize gives the dialog its inner size.
func (p *Pane) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	p.clamp()
}

// rows is the group rows shown (the column titles take one line).
func (p *Pane) rows() int { return max(p.h-1, 1) }

func (p *Pane) clamp() {
	p.cursor = max(0, min(p.cursor, len(p.groups)-1))
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+p.rows() {
		p.top = p.cursor - p.rows() + 1
	}
	p.top = max(0, min(p.top, len(p.groups)-p.rows()))
}

// HandleKey moves, sorts, copies, applies or closes.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) modal.Result {
	s := p.k.Summary
	switch {
	case key.Matches(msg, p.k.Overlay.Close), key.Matches(msg, p.k.Global.Summary):
		return modal.Result{Close: true}
	case key.Matches(msg, s.Sort):
		p.order = (p.order + 1) % 2
		p.Refresh(p.now)
	case key.Matches(msg, s.Copy):
		return modal.Result{Msg: Copy{Text: p.Text(), Groups: len(p.groups)}}
	case key.Matches(msg, s.Apply):
		if p.cursor < len(p.groups) {
			return modal.Result{Close: true, Msg: Apply{Query: p.groups[p.cursor].Query()}}
		}
	default:
		d, _ := s.Move(msg, p.rows(), len(p.groups))
		p.cursor += d
	}
	p.clamp()
	return modal.Result{}
}

// Selected is the selected group (false when there is none).
func (p *Pane) Selected() (failures.Group, bool) {
	if p.cursor < len(p.groups) {
		return p.groups[p.cursor], true
	}
	return failures.Group{}, false
}

// Scroll moves the selection by d (the mouse wheel).
func (p *Pane) Scroll(d int) {
	p.cursor += d
	p.clamp()
}

// Text is the summary as plain text, in the order shown.
func (p *Pane) Text() string { return failures.Text(p.groups, p.now) }

// ShortHelp is the dialog's keys.
func (p *Pane) ShortHelp() []key.Binding {
	s := p.k.Summary
	return []key.Binding{s.Apply, s.Sort, s.Copy, s.Down, p.k.Overlay.Close, p.k.Global.Quit}
}

// count is "n noun(s)".
func count(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// columns of the dialog, for width w: count, status, API code, operation,
// first (when there is room), last; the device takes the rest, so that a
// narrow screen still tells devices apart.
type columns struct {
	count, status, code, op, dev, when int
	first                              bool
}

func columnsFor(w int) columns {
	c := columns{count: 6, status: 10, code: 22, op: 22, when: 8, first: true}
	if w < 110 {
		c.status, c.code, c.op = 9, 16, 18
	}
	if w < 90 {
		c.count, c.first = 5, false
	}
	used := 1 + c.count + 1 + c.status + 1 + c.code + 1 + c.op + 1 + c.when
	if c.first {
		used += c.when + 1
	}
	c.dev = max(w-used-1, 8)
	return c
}

// View is the column titles and the visible groups.
func (p *Pane) View() []string {
	c := columnsFor(p.w)
	head := " " + termtext.FitRight("count", c.count) + " " + termtext.Fit("status", c.status) + " " +
		termtext.Fit("API code", c.code) + " " + termtext.Fit("operation", c.op) + " " +
		termtext.Fit("device", c.dev) + " " + firstCol(c, "first") + termtext.Fit("last", c.when)
	out := []string{p.t.Muted.Render(termtext.Fit(head, p.w))}
	if len(p.groups) == 0 {
		return append(out, p.t.Muted.Render(termtext.Fit(" No failures so far: every exchange succeeded.", p.w)))
	}
	end := min(p.top+p.rows(), len(p.groups))
	for i := p.top; i < end; i++ {
		out = append(out, p.row(p.groups[i], c, i == p.cursor))
	}
	return out
}

// row draws one group.
func (p *Pane) row(g failures.Group, c columns, selected bool) string {
	cl := model.ClassNet
	status := theme.ClassGlyph(cl) + " " + string(g.ErrKind)
	if g.Status != 0 {
		cl = model.ClassOf(g.Status)
		status = theme.ClassGlyph(cl) + " " + strconv.Itoa(g.Status)
	}
	lead := " "
	if selected {
		lead = p.t.SelectedMarker
	}
	code, dev := g.APICode, model.DeviceLabel(g.Device)
	if _, name, _ := strings.Cut(g.Device, "/"); name != "" && termtext.Width(dev) > c.dev {
		dev = name // as the list says it, when both do not fit: the name tells the rows apart
	}
	if code == "" {
		code = "-"
	}
	if dev == "" {
		dev = "-"
	}
	line := lead + termtext.FitRight(strconv.Itoa(g.Count), c.count) + " " + termtext.Fit(status, c.status) + " " +
		termtext.Cell(code, c.code) + " " + termtext.Cell(g.Operation, c.op) + " " + termtext.Cell(dev, c.dev) + " " +
		firstCol(c, g.First.Format("15:04:05")) + termtext.Fit(g.Last.Format("15:04:05"), c.when)
	line = termtext.Fit(line, p.w)
	if selected {
		return p.t.Selected.Render(line)
	}
	return p.t.Class[cl].Render(line)
}

// firstCol is the "first seen" cell and its gap, or nothing when narrow.
func firstCol(c columns, s string) string {
	if !c.first {
		return ""
	}
	return termtext.Fit(s, c.when) + " "
}
