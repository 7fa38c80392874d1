package devices

import (
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"edgetop/model"
	"edgetop/ui/header"
	"edgetop/ui/keys"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Info is the side pane while the device pane is shown: the selected
// device's details. Its lines are built once per device, table change,
// second, width and theme, then only sliced while scrolling.
type Info struct {
	t        *theme.Theme
	w, h     int
	top      int
	focused  bool
	built    infoKey
	lines    []string
	shownKey model.DeviceKey
}

// infoKey is what the lines depend on.
type infoKey struct {
	dev *model.Device
	gen uint64
	sec int64
	w   int
	t   *theme.Theme
}

// NewInfo returns an empty pane.
func NewInfo(t *theme.Theme) *Info { return &Info{t: t} }

// SetSize sets the inner size.
func (p *Info) SetSize(w, h int) {
	p.w, p.h = max(w, 0), max(h, 0)
	p.scroll(0)
}

// SetTheme changes the styles (the lines rebuild themselves).
func (p *Info) SetTheme(t *theme.Theme) { p.t = t }

// SetFocused says whether the pane has the keys.
func (p *Info) SetFocused(f bool) { p.focused = f }

// Show makes the pane describe d (nil: none) as of now; gen is the
// table's generation. The scroll position resets when the device changes.
func (p *Info) Show(d *model.Device, gen uint64, now time.Time) {
	k := infoKey{dev: d, gen: gen, sec: now.Unix(), w: p.w, t: p.t}
	if k == p.built && p.lines != nil {
		return
	}
	var dk model.DeviceKey
	if d != nil {
		dk = d.Key()
	}
	if dk != p.shownKey {
		p.top = 0
	}
	p.built, p.shownKey = k, dk
	p.lines = lines(p.t, d, now, p.w)
	p.scroll(0)
}

// HandleKey scrolls for the navigation keys; it reports whether the key
// was one.
func (p *Info) HandleKey(msg tea.KeyPressMsg, k keys.Nav) bool {
	delta, ok := k.Move(msg, max(p.h-1, 1), len(p.lines))
	if ok {
		p.scroll(delta)
	}
	return ok
}

// Scroll moves the view by delta lines (the mouse wheel).
func (p *Info) Scroll(delta int) { p.scroll(delta) }

func (p *Info) scroll(delta int) { p.top = max(0, min(p.top+delta, len(p.lines)-p.h)) }

// View is exactly h lines of width w.
func (p *Info) View() []string {
	out := make([]string, 0, p.h)
	for i := p.top; i < p.top+p.h; i++ {
		if i < len(p.lines) {
			out = append(out, p.lines[i])
		} else {
			out = append(out, strings.Repeat(" ", p.w))
		}
	}
	return out
}

// Title names the device, with how many lines lie below the view.
func (p *Info) Title(d *model.Device) string {
	s := "device"
	if d != nil {
		s = "device " + termtext.Sanitize(d.DeviceName)
	}
	if below := len(p.lines) - p.top - p.h; below > 0 && p.h > 0 {
		s += " · ↓ " + strconv.Itoa(below) + " more"
	}
	return s
}

// para builds the pane's lines, each fitted to w cells.
type para struct {
	t   *theme.Theme
	w   int
	out []string
}

// add appends one line of styled segments, cut to the width.
func (p *para) add(segs ...string) {
	p.out = append(p.out, termtext.FitStyled(strings.Join(segs, ""), p.w))
}

func (p *para) blank() { p.out = append(p.out, strings.Repeat(" ", p.w)) }

// wrap appends text (sanitised already) word-wrapped after a label.
func (p *para) wrap(label string, st lipgloss.Style, text string) {
	lw := termtext.Width(label)
	for i, l := range strings.Split(termtext.Wrap(text, p.w-lw, 0), "\n") {
		lead := strings.Repeat(" ", lw)
		if i == 0 {
			lead = p.t.Label.Render(label)
		}
		p.add(lead, st.Render(l))
	}
}

// ago is "3s ago" (or "–" for a zero time).
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return header.Left(now.Sub(t)) + " ago"
}

// lines describes d in w columns.
func lines(t *theme.Theme, d *model.Device, now time.Time, w int) []string {
	if w <= 0 {
		return nil
	}
	p := &para{t: t, w: w}
	if d == nil {
		p.wrap("", t.Muted, "No device yet. The devices come with ListThings, their properties with the Watch stream.")
		return p.out
	}
	status, st := StatusText(t, d)
	p.add(t.Bold.Render(termtext.Sanitize(d.DeviceName)), t.Muted.Render(" · "+termtext.Sanitize(d.ProductKey)))
	p.add(t.Label.Render("status  "), st.Render(status), t.Muted.Render(listedText(d)))
	if len(d.Tags) > 0 {
		tags := make([]string, 0, len(d.Tags))
		for _, tg := range d.Tags {
			tags = append(tags, termtext.Sanitize(tg.Key)+"="+termtext.Sanitize(tg.Value))
		}
		p.wrap("tags    ", t.Text, strings.Join(tags, " · "))
	}
	seen := "never"
	if !d.LastSeen.IsZero() {
		seen = d.LastSeen.Format("15:04:05") + " (" + ago(now, d.LastSeen) + ")"
	}
	p.add(t.Label.Render("seen    "), t.Text.Render(seen), t.Muted.Render(" · "+count(d.Requests, "request")+", "+
		strconv.FormatUint(d.Failures, 10)+" failed"))
	p.blank()
	props(p, d, now)
	lastEvent(p, d, now)
	lastError(p, d, now)
	p.blank()
	p.wrap("", t.Muted, "enter: filter the log to "+termtext.Sanitize(d.Query()))
	return p.out
}

// count is n and the noun, plural unless n is 1.
func count(n uint64, noun string) string {
	s := strconv.FormatUint(n, 10) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// listedText says whether the newest device list named d.
func listedText(d *model.Device) string {
	switch {
	case d.Status == "":
		return " · seen in requests only"
	case !d.Listed:
		return " · was " + termtext.Sanitize(d.Status) + ", not in the newest list"
	}
	return ""
}

// props lists the properties with their values and when each changed.
func props(p *para, d *model.Device, now time.Time) {
	t := p.t
	p.add(t.Label.Render("properties"), t.Muted.Render(" · live from the Watch stream"))
	if len(d.Props) == 0 {
		p.add(t.Muted.Render("  none reported yet"))
		return
	}
	nameW := 4
	for _, pr := range d.Props {
		nameW = max(nameW, termtext.Width(termtext.Sanitize(pr.Name)))
	}
	nameW = min(nameW, max(p.w*2/5, 8))
	whens := make([]string, len(d.Props))
	whenW := 0
	for i, pr := range d.Props {
		whens[i] = "changed " + ago(now, pr.Seen)
		whenW = max(whenW, termtext.Width(whens[i]))
	}
	valW := max(p.w-2-nameW-1-1-whenW, 6)
	for i, pr := range d.Props {
		p.add("  ", t.Text.Render(termtext.Cell(pr.Name, nameW)), " ",
			t.Accent.Render(termtext.Cell(pr.Value, valW)), " ", t.Muted.Render(termtext.FitRight(whens[i], whenW)))
	}
	if d.PropsDropped > 0 {
		p.add(t.Muted.Render("  " + strconv.FormatUint(d.PropsDropped, 10) + " replaced: at most " +
			strconv.Itoa(model.MaxDeviceProps) + " kept, the oldest changed go"))
	}
}

// lastEvent is the newest device event other than a property change.
func lastEvent(p *para, d *model.Device, now time.Time) {
	e := d.LastEvent
	if e.Seen.IsZero() {
		return
	}
	t := p.t
	p.blank()
	p.add(t.Label.Render("event   "), t.Text.Render(termtext.Sanitize(e.Name)), t.Muted.Render(" · "+ago(now, e.Seen)+
		" · "+strconv.FormatUint(e.Count, 10)+" seen"))
	if e.Args != "" {
		p.wrap("        ", t.Text, termtext.Sanitize(e.Args))
	}
}

// lastError is the newest failing record naming d.
func lastError(p *para, d *model.Device, now time.Time) {
	t := p.t
	e := d.LastError
	p.blank()
	if e.At.IsZero() {
		p.add(t.Label.Render("last error"), t.Muted.Render(" · none"))
		return
	}
	code, st := ErrorCode(t, e)
	p.add(t.Label.Render("last error"), t.Muted.Render(" · "+e.At.Format("15:04:05")+" ("+ago(now, e.At)+") · request #"+
		strconv.FormatUint(e.RecordID, 10)))
	p.add("  ", st.Render(code), t.Muted.Render(" · "+termtext.Sanitize(e.Operation)))
	if e.Message != "" {
		p.wrap("  ", st, termtext.Sanitize(e.Message))
	}
}
