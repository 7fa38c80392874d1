package list

import (
	"strconv"
	"strings"
	"time"

	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// MinRowWidth is the narrowest row the list lays out.
const MinRowWidth = 62

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

// headerRow is the column titles.
func (l *List) headerRow() string {
	c := columnsFor(l.w)
	var b strings.Builder
	b.WriteString(" ")
	b.WriteString(termtext.Fit(l.clock.title(), c.time) + " ")
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
	return l.t.Muted.Render(termtext.Fit(b.String(), l.w))
}

// rowText holds one row's cells, sanitised and fitted.
type rowText struct{ lead, status, msg, tail string }

func (c rowText) plain() string { return c.lead + c.status + c.msg + c.tail }

func (c rowText) styled(t *theme.Theme, cl model.Class, match bool) string {
	lead := t.Row.Text.Paint(c.lead)
	if match {
		lead = t.Row.Match.Paint(c.lead)
	}
	return lead + t.Row.Class[cl].Paint(c.status+c.msg) + t.Row.Muted.Paint(c.tail)
}

// Clock says how the list writes a record's time.
type Clock struct {
	Mode TimeMode
	// Base is the start of relative time: the session's first record.
	Base time.Time
}

// TimeMode is the list's clock: local time, UTC, or relative to the
// session's first record (as a packet capture shows it).
type TimeMode uint8

// The clocks T cycles through.
const (
	TimeLocal TimeMode = iota
	TimeUTC
	TimeRelative
)

// Next is the mode after m, back to local after relative.
func (m TimeMode) Next() TimeMode { return (m + 1) % 3 }

// String names the mode, as the column title and the notice say it.
func (m TimeMode) String() string {
	switch m {
	case TimeUTC:
		return "UTC"
	case TimeRelative:
		return "relative"
	}
	return "local"
}

// title is the time column's title.
func (c Clock) title() string {
	switch c.Mode {
	case TimeUTC:
		return "time UTC"
	case TimeRelative:
		return "+time"
	}
	return "time"
}

// format writes t in the clock's mode, with milliseconds when wide.
func (c Clock) format(t time.Time, wide bool) string {
	switch c.Mode {
	case TimeUTC:
		t = t.UTC()
	case TimeRelative:
		return relative(t.Sub(c.Base), wide)
	}
	if wide {
		return t.Format("15:04:05.000")
	}
	return t.Format("15:04:05")
}

// relative writes d as +M:SS.mmm (wide) or +M:SS, with hours past one.
func relative(d time.Duration, wide bool) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	h, m, sec := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	s := sign
	if h > 0 {
		s += strconv.Itoa(h) + ":" + pad2(m)
	} else {
		s += strconv.Itoa(m)
	}
	s += ":" + pad2(sec)
	if wide && h < 100 {
		ms := int(d/time.Millisecond) % 1000
		s += "." + strconv.Itoa(ms/100) + strconv.Itoa(ms/10%10) + strconv.Itoa(ms%10)
	}
	return s
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// cells lays out one record's cells for the columns c.
func cells(r *model.Record, c columns, clock Clock, cat explain.Catalog) rowText {
	var lead strings.Builder
	lead.WriteString(termtext.Fit(clock.format(r.Start, c.timeFmt != "15:04:05"), c.time) + " ")
	if c.method > 0 {
		lead.WriteString(termtext.Cell(r.Method, c.method) + " ")
	}
	lead.WriteString(termtext.Cell(r.Operation, c.op) + " ")
	// The device name alone: product keys are long and the pane has both.
	dev := r.DeviceName
	if dev == "" {
		dev = r.ProductKey
	}
	lead.WriteString(termtext.CellMiddle(dev, c.device) + " ")
	code := "net"
	if r.Status != 0 {
		code = strconv.Itoa(r.Status)
	}
	tail := " " + termtext.FitRight(explain.Latency(r.Duration), c.latency)
	if c.size > 0 {
		tail += " " + termtext.FitRight(explain.Size(r.BytesIn), c.size)
	}
	return rowText{
		lead:   lead.String(),
		status: termtext.Fit(theme.ClassGlyph(r.Class())+" "+code, c.status) + " ",
		msg:    termtext.Fit(termtext.Sanitize(explain.Message(r, cat)), c.msg),
		tail:   tail,
	}
}
