// Package devices is the dashboard's device pane (D): a list of the
// session's devices (name, product, status, when last seen, how many
// properties the Watch stream reported, the last error) and, beside it,
// the selected device's details (tags, live property values with when
// each changed, the last device event, the last error). Both draw from a
// model.DeviceTable the App keeps up to date from the session's events;
// they draw only the rows on screen and redraw only when the table, the
// second, the size, the selection or the theme changed.
package devices

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"edgetop/model"
	"edgetop/ui/header"
	"edgetop/ui/keys"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// HeaderRows is the column-title row above the devices.
const HeaderRows = 1

// List is the device list's state. Build it with NewList.
type List struct {
	t   *theme.Theme
	tab *model.DeviceTable

	w, h        int // inner width; device rows shown
	top, cursor int
	// sel is the selected device, found again by key when the table
	// changes (a new device sorts in before it).
	sel     model.DeviceKey
	hasSel  bool
	focused bool

	built   listKey
	lines   []string
	seenGen uint64
	counts  statusCounts
}

// listKey is what the drawn lines depend on.
type listKey struct {
	gen                 uint64
	sec                 int64
	w, h, top, cursor   int
	t                   *theme.Theme
	focused, hasDevices bool
}

// statusCounts are the title's figures.
type statusCounts struct{ online, offline int }

// NewList returns a list of the devices of tab.
func NewList(t *theme.Theme, tab *model.DeviceTable) *List {
	return &List{t: t, tab: tab, seenGen: ^uint64(0)}
}

// SetSize sets the inner width and the number of device rows.
func (l *List) SetSize(w, h int) {
	l.w, l.h = max(w, 0), max(h, 0)
	l.clamp()
}

// SetTheme changes the styles (the lines redraw themselves).
func (l *List) SetTheme(t *theme.Theme) { l.t = t }

// SetFocused says whether the list has the keys.
func (l *List) SetFocused(f bool) { l.focused = f }

// Len is the number of devices.
func (l *List) Len() int { return l.tab.Len() }

// Cursor is the selected row's index.
func (l *List) Cursor() int { return l.cursor }

// Selected is the selected device, or nil when there is none.
func (l *List) Selected() *model.Device { return l.tab.At(l.cursor) }

// MoveTo selects row i, scrolling as needed.
func (l *List) MoveTo(i int) {
	l.cursor = i
	l.clamp()
	l.remember()
}

// HandleKey moves the selection for the navigation keys; it reports
// whether the key was one.
func (l *List) HandleKey(msg tea.KeyPressMsg, k keys.Nav) bool {
	c, page := l.cursor, max(l.h-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		l.MoveTo(c - 1)
	case key.Matches(msg, k.Down):
		l.MoveTo(c + 1)
	case key.Matches(msg, k.PageUp):
		l.MoveTo(c - page)
	case key.Matches(msg, k.PageDown):
		l.MoveTo(c + page)
	case key.Matches(msg, k.Top):
		l.MoveTo(0)
	case key.Matches(msg, k.Bottom):
		l.MoveTo(l.Len() - 1)
	default:
		return false
	}
	return true
}

// Scroll moves the selection by d rows (the mouse wheel).
func (l *List) Scroll(d int) { l.MoveTo(l.cursor + d) }

// Click selects the row-th device shown (0 is the first row under the
// titles); false when there is none.
func (l *List) Click(row int) bool {
	if row < 0 || row >= l.h || l.top+row >= l.Len() {
		return false
	}
	l.MoveTo(l.top + row)
	return true
}

func (l *List) remember() {
	if d := l.Selected(); d != nil {
		l.sel, l.hasSel = d.Key(), true
	}
}

func (l *List) clamp() {
	n := l.Len()
	l.cursor = max(0, min(l.cursor, n-1))
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.h > 0 && l.cursor >= l.top+l.h {
		l.top = l.cursor - l.h + 1
	}
	l.top = max(0, min(l.top, n-l.h))
}

// Title says how many devices there are and how many are online.
func (l *List) Title() string {
	s := "devices " + strconv.Itoa(l.Len())
	if l.Len() > 0 {
		s += " · " + strconv.Itoa(l.counts.online) + " online · " + strconv.Itoa(l.counts.offline) + " offline"
	}
	if d := l.tab.Dropped(); d > 0 {
		s += " · " + strconv.FormatUint(d, 10) + " updates past the cap of " + strconv.Itoa(model.MaxDevices)
	}
	return s
}

// count recounts the statuses when the table changed.
func (l *List) count() {
	if l.seenGen == l.tab.Gen() {
		return
	}
	l.seenGen = l.tab.Gen()
	l.counts = statusCounts{}
	for i := range l.tab.Len() {
		d := l.tab.At(i)
		switch {
		case !d.Listed:
		case d.Status == "Online":
			l.counts.online++
		case d.Status == "Offline":
			l.counts.offline++
		}
	}
}

// Sync finds the selected device again after the table changed and draws
// the visible rows when anything they show changed; View then only
// returns them.
func (l *List) Sync(now time.Time) {
	if l.hasSel && l.seenGen != l.tab.Gen() {
		if i := l.tab.Index(l.sel); i >= 0 {
			l.top += i - l.cursor
			l.cursor = i
		}
	}
	l.count()
	l.clamp()
	l.remember()
	k := listKey{
		gen: l.tab.Gen(), sec: now.Unix(), w: l.w, h: l.h, top: l.top, cursor: l.cursor, t: l.t,
		focused: l.focused, hasDevices: l.Len() > 0,
	}
	if k == l.built && l.lines != nil {
		return
	}
	l.built = k
	cols := columnsFor(l.w)
	l.lines = append(l.lines[:0], l.headerRow(cols))
	blank := strings.Repeat(" ", l.w)
	for i := l.top; i < l.top+l.h; i++ {
		d := l.tab.At(i)
		switch {
		case d == nil && i == 0:
			l.lines = append(l.lines, l.t.Muted.Render(termtext.Fit(" no device yet: the list comes with ListThings", l.w)))
		case d == nil:
			l.lines = append(l.lines, blank)
		default:
			l.lines = append(l.lines, l.row(d, cols, now, i == l.cursor))
		}
	}
}

// View is the column titles, then exactly h rows of width w.
func (l *List) View() []string { return l.lines }

// columns are the widths of the list's cells.
type columns struct{ name, product, status, seen, props, err int }

// columnsFor lays the cells out in w columns: the name and the last error
// share what the fixed cells leave.
func columnsFor(w int) columns {
	c := columns{product: 12, status: 13, seen: 6, props: 5} // status: "◌ Inactivated"
	fixed := 1 + c.product + 1 + c.status + 1 + c.seen + 1 + c.props + 1
	rest := max(w-fixed-1, 2)
	c.name = min(max(rest/2, 8), 24)
	c.err = max(rest-c.name, 1)
	return c
}

func (l *List) headerRow(c columns) string {
	s := " " + termtext.Fit("device", c.name) + " " + termtext.Fit("product", c.product) + " " +
		termtext.Fit("status", c.status) + " " + termtext.FitRight("seen", c.seen) + " " +
		termtext.FitRight("props", c.props) + " " + termtext.Fit("last error", c.err)
	return l.t.Muted.Render(termtext.Fit(s, l.w))
}

// row draws one device: plain (reverse video) when selected, else each
// cell in its style.
func (l *List) row(d *model.Device, c columns, now time.Time, selected bool) string {
	t := l.t
	status, stStyle := StatusText(t, d)
	seen := "–"
	if !d.LastSeen.IsZero() {
		seen = header.Left(now.Sub(d.LastSeen))
	}
	errText, errStyle := ErrorCode(t, d.LastError)
	cells := []struct {
		s  string
		st lipgloss.Style
	}{
		{termtext.Cell(d.DeviceName, c.name), t.Text},
		{termtext.Cell(d.ProductKey, c.product), t.Muted},
		{termtext.Fit(status, c.status), stStyle},
		{termtext.FitRight(seen, c.seen), t.Muted},
		{termtext.FitRight(strconv.Itoa(len(d.Props)), c.props), t.Text},
		{termtext.Fit(errText, c.err), errStyle},
	}
	var b strings.Builder
	if selected {
		b.WriteString(t.SelectedMarker)
		for i, x := range cells {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(x.s)
		}
		return t.Selected.Render(termtext.Fit(b.String(), l.w))
	}
	b.WriteString(" ")
	for i, x := range cells {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(x.st.Render(x.s))
	}
	return termtext.FitStyled(b.String(), l.w)
}

// StatusText is a device's status as the pane writes it (sanitised), and
// its style: Online ok, Offline err, another status warn; muted when the
// newest list no longer names the device or no list named it.
func StatusText(t *theme.Theme, d *model.Device) (string, lipgloss.Style) {
	switch {
	case d.Status == "":
		return "unlisted", t.Muted
	case !d.Listed:
		return "gone", t.Muted
	case d.Status == "Online":
		return "● Online", t.Online
	case d.Status == "Offline":
		return "○ Offline", t.Offline
	}
	return "◌ " + termtext.Sanitize(d.Status), t.DeviceOther
}

// ErrorCode is a last error in a few cells: "404 NotFound", "net timeout",
// "–" for none; styled by its class.
func ErrorCode(t *theme.Theme, e model.DeviceError) (string, lipgloss.Style) {
	if e.At.IsZero() {
		return "–", t.Muted
	}
	cl, s := model.ClassOf(e.Status), strconv.Itoa(e.Status)
	switch {
	case e.Status == 0:
		cl, s = model.ClassNet, "net "+string(e.Kind)
	case !cl.IsError():
		// An answer edgetop could not use (a 200 with a broken body).
		cl, s = model.ClassNet, s+" "+string(e.Kind)
	}
	if e.APICode != "" && e.APICode != strconv.Itoa(e.Status) {
		s += " " + e.APICode
	}
	return theme.ClassGlyph(cl) + " " + termtext.Sanitize(s), t.Class[cl]
}
