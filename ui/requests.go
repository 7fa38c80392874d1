package ui

import (
	"strconv"
	"strings"
	"time"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// listHeaderRows is the column-title row above the records.
const listHeaderRows = 1

// minRowWidth is the narrowest row the list lays out.
const minRowWidth = 62

// listPane is the request list: a small virtualised table. It draws only the
// rows on screen and caches each rendered row by record ID until the width
// or the theme changes, so a frame costs the same with 1,000 or 1,000,000
// records held.
type listPane struct {
	w, h    int // inner width; record rows shown
	top     int // view index of the first row shown
	cursor  int // view index of the selected row
	selID   uint64
	follow  bool // the newest row stays selected as records arrive
	focused bool
	rows    map[uint64]cachedRow
}

// cachedRow is a rendered row and the record it was rendered from: the
// pointer is checked on use, so two records that share an ID (two clients
// numbering from 1, a concatenated replay) never show each other's row.
type cachedRow struct {
	rec *model.Record
	s   string
}

func (l *listPane) setSize(w, h int) {
	if w != l.w {
		l.invalidate()
	}
	l.w, l.h = max(w, 0), max(h, 0)
}

func (l *listPane) invalidate() { l.rows = nil }

// clampTo keeps the cursor and the scroll position inside n rows (and on
// the newest row when following).
func (l *listPane) clampTo(n int) {
	if l.follow || l.cursor >= n {
		l.cursor = n - 1
	}
	l.cursor = max(l.cursor, 0)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.h > 0 && l.cursor >= l.top+l.h {
		l.top = l.cursor - l.h + 1
	}
	l.top = max(0, min(l.top, n-l.h))
}

// moveTo selects row i of n, scrolling as needed; follow says whether the
// list then tracks the newest row.
func (l *listPane) moveTo(i, n int, follow bool) {
	l.follow = follow
	l.cursor = max(0, min(i, n-1))
	l.clampTo(n)
}

// reselect puts the cursor back on the record it was on after the view
// changed under it (new records, evictions, a new filter), keeping the row
// at the same place on screen when it can.
func (l *listPane) reselect(v rowSource, n int) {
	if l.follow || l.selID == 0 {
		l.clampTo(n)
		return
	}
	idx := v.IndexOfID(l.selID)
	if idx < 0 || idx >= n {
		idx = min(l.cursor, n-1)
	}
	l.top += idx - l.cursor
	l.cursor = idx
	l.clampTo(n)
}

// rowSource is what the list reads: model.View satisfies it.
type rowSource interface {
	Len() int
	At(i int) *model.Record
	IndexOfID(id uint64) int
}

// columns are the widths of the list's cells for one inner width.
type columns struct {
	time, method, op, device, status, msg, latency, size int
	timeFmt                                              string
}

// columnsFor lays the cells out in w columns: narrow rows drop the
// milliseconds, the size and the method (the operation implies it, and the
// pane shows it), so the message stays readable beside the pane; wider ones
// give operation and device more room; the message takes the rest.
func columnsFor(w int) columns {
	c := columns{time: 8, timeFmt: "15:04:05", op: 18, device: 10, status: 6, latency: 6}
	if w >= 90 {
		c.time, c.timeFmt, c.size, c.op, c.device, c.latency, c.method = 12, "15:04:05.000", 6, 20, 16, 7, 6
	}
	if w >= 120 {
		c.op, c.device = 22, 22
	}
	// marker + one space between cells; size has its own separator.
	used := 1 + c.time + 1 + c.op + 1 + c.device + 1 + c.status + 1 + 1 + c.latency
	if c.method > 0 {
		used += c.method + 1
	}
	if c.size > 0 {
		used += 1 + c.size
	}
	// Give the message at least minMsg cells, taken from device then
	// operation (each kept at 8 or more).
	const minMsg = 8
	for _, col := range []*int{&c.device, &c.op} {
		if d := min(minMsg-(w-used), *col-8); d > 0 {
			*col -= d
			used -= d
		}
	}
	c.msg = max(w-used, 1)
	return c
}

// renderHeaderRow is the column titles.
func (l *listPane) renderHeaderRow(t *Theme) string {
	c := columnsFor(l.w)
	var b strings.Builder
	b.WriteString(" ")
	b.WriteString(termtext.Fit("time", c.time) + " ")
	if c.method > 0 {
		b.WriteString(termtext.Fit("method", c.method) + " ")
	}
	b.WriteString(termtext.Fit("operation", c.op) + " ")
	b.WriteString(termtext.Fit("device", c.device) + " " + termtext.Fit("status", c.status) + " " + termtext.Fit("message", c.msg) + " ")
	lat := "latency"
	if c.latency < termtext.Width(lat) {
		lat = "took"
	}
	b.WriteString(termtext.FitRight(lat, c.latency))
	if c.size > 0 {
		b.WriteString(" " + termtext.FitRight("size", c.size))
	}
	return t.Muted.Render(termtext.Fit(b.String(), l.w))
}

// renderRows draws the visible rows of v (n of them visible in all) as
// exactly l.h lines of width l.w.
func (l *listPane) renderRows(t *Theme, v rowSource, n int, cat catalogLookup) []string {
	out := make([]string, 0, l.h)
	if l.rows == nil || len(l.rows) > 4*l.h+512 {
		l.rows = make(map[uint64]cachedRow, 2*l.h)
	}
	blank := strings.Repeat(" ", l.w)
	for i := l.top; i < l.top+l.h; i++ {
		if i >= n {
			out = append(out, blank)
			continue
		}
		r := v.At(i)
		if r == nil {
			out = append(out, blank)
			continue
		}
		if i == l.cursor {
			out = append(out, t.Selected.Render(t.SelectedMarker+rowCells(r, columnsFor(l.w), cat).plain()))
			continue
		}
		c, ok := l.rows[r.ID]
		if !ok || c.rec != r {
			c = cachedRow{rec: r, s: " " + rowCells(r, columnsFor(l.w), cat).styled(t, r.Class())}
			l.rows[r.ID] = c
		}
		out = append(out, c.s)
	}
	return out
}

// rowText holds one row's cells, sanitised and fitted.
type rowText struct{ lead, status, msg, tail string }

func (c rowText) plain() string { return c.lead + c.status + c.msg + c.tail }

func (c rowText) styled(t *Theme, cl model.Class) string {
	return t.Text.Render(c.lead) + t.Class[cl].Render(c.status+c.msg) + t.Muted.Render(c.tail)
}

// rowCells lays out one record's cells for the columns c.
func rowCells(r *model.Record, c columns, cat catalogLookup) rowText {
	var lead strings.Builder
	lead.WriteString(termtext.Fit(r.Start.Format(c.timeFmt), c.time) + " ")
	if c.method > 0 {
		lead.WriteString(termtext.Cell(r.Method, c.method) + " ")
	}
	lead.WriteString(termtext.Cell(r.Operation, c.op) + " ")
	// The device name alone: product keys are long and the pane has both.
	dev := r.DeviceName
	if dev == "" {
		dev = r.ProductKey
	}
	lead.WriteString(termtext.Cell(dev, c.device) + " ")
	code := "net"
	if r.Status != 0 {
		code = strconv.Itoa(r.Status)
	}
	tail := " " + termtext.FitRight(fmtLatency(r.Duration), c.latency)
	if c.size > 0 {
		tail += " " + termtext.FitRight(fmtSize(r.BytesIn), c.size)
	}
	return rowText{
		lead:   lead.String(),
		status: termtext.Fit(ClassGlyph(r.Class())+" "+code, c.status) + " ",
		msg:    termtext.Fit(termtext.Sanitize(rowMessage(r, cat)), c.msg),
		tail:   tail,
	}
}

// rowMessage is the message cell: the table's response message (or the
// transport error), then the API's own Code when the body had one. A 2xx
// whose body could not be used shows why, not "Success".
func rowMessage(r *model.Record, cat catalogLookup) string {
	if r.Status == 0 || r.Unusable() {
		if r.Err != nil {
			return string(r.Err.Kind) + ": " + r.Err.Text
		}
		return "no response"
	}
	msg := cat.Lookup(r.Status).Message
	if r.APICode != "" {
		msg += " · " + r.APICode
	}
	return msg
}

// catalogLookup is the one catalog call the list needs.
type catalogLookup interface {
	Lookup(code int) model.Entry
}

// fmtLatency prints a duration in at most 6 cells.
func fmtLatency(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case d < 100*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < 1000*time.Second:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
}

// fmtSize prints a byte count in at most 6 cells.
func fmtSize(n int64) string {
	const k, m, g = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n < 0:
		return "?"
	case n < k:
		return strconv.FormatInt(n, 10)
	case n < 10*k:
		return strconv.FormatFloat(float64(n)/k, 'f', 1, 64) + "K"
	case n < m:
		return strconv.FormatInt(n/k, 10) + "K"
	case n < 10*m:
		return strconv.FormatFloat(float64(n)/m, 'f', 1, 64) + "M"
	case n < g:
		return strconv.FormatInt(n/m, 10) + "M"
	}
	return strconv.FormatFloat(float64(n)/g, 'f', 1, 64) + "G"
}
