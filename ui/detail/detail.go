// Package detail is the dashboard's side pane: for the selected row, the
// status code with the table's full description, the API's own Code and
// Message with their meaning, what the client did, what the operator can
// do, and the exchange itself (masked headers, pretty-printed bodies); for
// a marker row, the outage it marks. Its lines are built once per row,
// width and theme, then only sliced while scrolling.
package detail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/keys"
	"edgetop/ui/list"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Limits of what the pane formats.
const (
	// maxBodyLines caps a pretty-printed body in the pane.
	maxBodyLines = 200
	// maxBodyBytes caps the body text the pane formats.
	maxBodyBytes = 64 << 10
)

// Pane is the detail pane's state. Build it with New.
type Pane struct {
	t       *theme.Theme
	x       explainer
	w, h    int
	top     int
	focused bool
	// built is what lines were built for: they are rebuilt when the row,
	// the record's place in memory, the width or the theme changes.
	built builtFor
	lines []string
	// empty is what the pane says when no row is selected ("" for the
	// default: nothing came yet).
	empty string
}

// SetEmpty sets what the pane says with nothing selected: why the list is
// empty ("" for the default).
func (d *Pane) SetEmpty(text string) { d.empty = text }

// builtFor is the key of the pane's lines.
type builtFor struct {
	ok    bool
	rec   bool // a record's row: seq and id say which (a fresh copy each time, so never its pointer)
	seq   uint64
	id    uint64
	mark  uint64
	w     int
	t     *theme.Theme
	empty string
}

// New returns a pane that explains rows with the status table and the
// API's error Codes.
func New(t *theme.Theme, cat *model.Catalog, codes *model.APICodes) *Pane {
	return &Pane{t: t, x: explainer{cat: cat, codes: codes}}
}

// SetSize sets the inner size.
func (d *Pane) SetSize(w, h int) {
	d.w, d.h = max(w, 0), max(h, 0)
	d.scroll(0)
}

// SetTheme changes the styles (the lines rebuild themselves).
func (d *Pane) SetTheme(t *theme.Theme) { d.t = t }

// SetFocused says whether the pane has the keys.
func (d *Pane) SetFocused(f bool) { d.focused = f }

// Show makes the pane explain r (an empty row: nothing selected). The
// scroll position resets when the row changes; a record that only moved in
// memory (the log's buffer grew) is rebuilt in place.
func (d *Pane) Show(r list.Row) {
	k := builtFor{ok: true, rec: r.Rec != nil, w: d.w, t: d.t, empty: d.empty}
	if r.Rec != nil {
		k.seq, k.id = r.Seq, r.Rec.ID
	}
	if r.Mark != nil {
		k.mark = r.Mark.ID
	}
	if k == d.built {
		return
	}
	if k.id != d.built.id || k.mark != d.built.mark {
		d.top = 0
	}
	d.built = k
	if r.Mark != nil {
		d.lines = d.x.markLines(r.Mark, d.t, d.w)
	} else {
		d.lines = d.x.lines(r.Rec, d.t, d.w, d.empty)
	}
	d.scroll(0)
}

// HandleKey scrolls for the pane's navigation keys; it reports whether the
// key was one.
func (d *Pane) HandleKey(msg tea.KeyPressMsg, k keys.Nav) bool {
	delta, ok := k.Move(msg, max(d.h-1, 1), len(d.lines))
	if ok {
		d.scroll(delta)
	}
	return ok
}

// Top is the first line shown (the scroll position).
func (d *Pane) Top() int { return d.top }

// Scroll moves the view by delta lines (the mouse wheel).
func (d *Pane) Scroll(delta int) { d.scroll(delta) }

func (d *Pane) scroll(delta int) {
	d.top = max(0, min(d.top+delta, len(d.lines)-d.h))
}

// View is exactly h lines of width w.
func (d *Pane) View() []string {
	out := make([]string, 0, d.h)
	for i := d.top; i < d.top+d.h; i++ {
		if i < len(d.lines) {
			out = append(out, d.lines[i])
		} else {
			out = append(out, strings.Repeat(" ", d.w))
		}
	}
	return out
}

// Title is the pane's title for r, its code and message, with how many
// lines lie below the view when the explanation does not fit.
func (d *Pane) Title(r list.Row) string {
	t := d.title(r)
	if below := len(d.lines) - d.top - d.h; below > 0 && d.h > 0 {
		t += fmt.Sprintf(" · ↓ %d more", below)
	}
	return t
}

func (d *Pane) title(r list.Row) string {
	switch {
	case r.Mark != nil && r.Mark.Kind == list.MarkLost:
		return "gateway lost"
	case r.Mark != nil && r.Mark.Kind == list.MarkHalted:
		return "session stopped"
	case r.Mark != nil:
		return "gateway back"
	case r.Rec == nil:
		return "detail"
	}
	e := d.x.cat.Lookup(r.Rec.Status)
	if r.Rec.Status == 0 {
		return e.Message
	}
	return strconv.Itoa(e.Code) + " " + e.Message
}

// explainer builds the pane's text from the tables.
type explainer struct {
	cat   *model.Catalog
	codes *model.APICodes
}

// lines is the explanation of r in w columns, every line padded to w.
func (x explainer) lines(r *model.Record, t *theme.Theme, w int, empty string) []string {
	if w <= 0 {
		return nil
	}
	var p para
	p.w, p.t = w, t
	if r == nil {
		if empty == "" {
			empty = "No request selected yet. Requests appear in the list as the workload runs."
		}
		p.text(t.Muted, empty)
		return p.out
	}
	e := x.cat.Lookup(r.Status)
	cl := r.Class()
	head := fmt.Sprintf("%s %d %s", theme.ClassGlyph(cl), e.Code, e.Message)
	switch {
	case r.Status == 0:
		head = theme.ClassGlyph(cl) + " " + e.Message
	case r.Unusable():
		head += ", unusable answer"
	}
	p.text(t.ClassTitle[cl], head)
	p.text(t.Muted, cl.String()+" · "+cl.Title())
	if r.Err != nil {
		// What failed comes first: the table has no row for it.
		p.text(t.Class[cl], string(r.Err.Kind)+": "+r.Err.Text)
	}
	p.blank()
	if r.Unusable() {
		// The table's text would say the call succeeded: it did not.
		p.text(t.Text, fmt.Sprintf("The gateway's status line said %d %s, but edgetop could not use the "+
			"answer (%s), so the call failed and counts as an error. The table's text for %d does not apply.",
			e.Code, e.Message, r.Err.Kind, e.Code))
	} else {
		for _, l := range explain.DescriptionLines(e.Description, w) {
			p.line(t.Text, l)
		}
	}
	x.apiError(&p, r)
	x.actions(&p, r)
	x.exchange(&p, r)
	return p.out
}

// apiError explains the body's own Code and Message. A 2019-09-30 success
// envelope ({"Code":200,"Message":"success"}) says nothing the status does
// not, so it is left out.
func (x explainer) apiError(p *para, r *model.Record) {
	if r.APICode == "" && r.APIMessage == "" {
		return
	}
	numeric := r.APICode == strconv.Itoa(r.Status)
	if numeric && !r.Class().IsError() {
		return
	}
	p.blank()
	if r.Class().IsError() {
		p.label("API error")
	} else {
		p.label("API Code")
	}
	p.text(p.t.Text, "Code: "+termtext.Sanitize(r.APICode))
	if r.APIMessage != "" {
		p.text(p.t.Text, "Message: "+termtext.Sanitize(r.APIMessage))
	}
	if meaning := x.codeMeaning(r, numeric); meaning != "" {
		p.text(p.t.Muted, "Meaning: "+meaning)
	}
}

// codeMeaning explains an API Code: from the 2020-04-30 list, or says why
// the list has nothing (a 2019-09-30 numeric Code, an undocumented one).
func (x explainer) codeMeaning(r *model.Record, numeric bool) string {
	if r.Operation == "CreateAuthCookie" && r.Status == 401 {
		return "the gateway refused the console user or password (there was no cookie yet)."
	}
	if x.codes != nil {
		if c, ok := x.codes.Lookup(r.APICode); ok {
			return c.Meaning
		}
	}
	if numeric {
		return "a 2019-09-30 numeric Code: the same as the HTTP status."
	}
	return "not in the documented 2020-04-30 Code list; the HTTP status above says what it means."
}

// actions says what the client did and what the operator can do.
func (x explainer) actions(p *para, r *model.Record) {
	p.blank()
	p.label("What edgetop did")
	p.text(p.t.Text, actionText(r))
	if adv := model.AdviceFor(r); adv != "" {
		p.blank()
		p.label("What you can do")
		p.text(p.t.Text, adv)
	}
}

// actionText is the client's action in words: one sentence from the kind
// and its delay, with the client's reason (Action.Detail) once.
func actionText(r *model.Record) string {
	why := ""
	if r.Action.Detail != "" {
		why = " (" + r.Action.Detail + ")"
	}
	s := ""
	switch r.Action.Kind {
	case model.ActionNone:
		s = "Passed the result to the caller" + why + "."
	case model.ActionRenewed:
		s = "Renewed the auth cookie and retried" + why + "."
	case model.ActionBackoff:
		s = fmt.Sprintf("Backed off %s and retried%s.", explain.Latency(r.Action.Delay), why)
	case model.ActionRedirect:
		s = "Followed the redirect."
		if r.Action.Detail != "" {
			s = "Followed the redirect " + r.Action.Detail + "." // "to /path"
		}
	case model.ActionGaveUp:
		s = "Stopped retrying" + why + "; the error went to the caller."
	case model.ActionReconnect:
		s = fmt.Sprintf("The stream reconnects after %s%s.", explain.Latency(r.Action.Delay), why)
	case model.ActionResent:
		s = "Go's HTTP transport resent the request at once on another connection: this attempt reached the " +
			"gateway, but its connection closed before any reply."
	default:
		s = string(r.Action.Kind) + why
	}
	if r.Parent != 0 {
		s += fmt.Sprintf(" This is a %s of #%d, attempt %d.", r.Link, r.Parent, r.Attempt)
	}
	return termtext.Sanitize(s)
}

// exchange shows the request and the response: method, URL, masked
// headers and pretty-printed body previews.
func (x explainer) exchange(p *para, r *model.Record) {
	p.blank()
	p.label("Request")
	switch dev := model.DeviceLabel(r.Device()); {
	case r.DeviceName == "" && dev != "":
		p.text(p.t.Text, "Product: "+dev)
	case dev != "":
		p.text(p.t.Text, "Device: "+dev)
	}
	p.wrapped(p.t.Bold, termtext.Sanitize(r.Method+" "+r.Gateway+r.Path))
	p.text(p.t.Muted, fmt.Sprintf("#%d · %s · attempt %d · %sB out", r.ID,
		r.Start.Format("15:04:05.000"), r.Attempt, explain.Size(r.BytesOut)))
	headers(p, r.RequestHeaders)
	body(p, r.RequestBody)
	p.blank()
	if r.Status == 0 {
		p.label("No response · failed after " + explain.Latency(r.Duration))
		return
	}
	p.label(fmt.Sprintf("Response · %s · %sB in", explain.Latency(r.Duration), explain.Size(r.BytesIn)))
	headers(p, r.ResponseHeaders)
	if r.HeadersCut > 0 {
		p.text(p.t.Muted, fmt.Sprintf("… %d more header lines, not kept", r.HeadersCut))
	}
	body(p, r.ResponseBody)
}

func headers(p *para, hs []model.Header) {
	for _, h := range hs {
		p.text(p.t.Muted, h.Name+": "+h.Value)
	}
}

// body pretty-prints a body preview (JSON indented when it parses),
// sanitised, at most maxBodyLines lines.
func body(p *para, b model.Body) {
	if b.Preview == "" {
		return
	}
	text := b.Preview
	if len(text) > maxBodyBytes {
		// Previews are bounded by the client; stay cheap if one is not
		// (cut at a rune boundary, so no U+FFFD is made up).
		cut := maxBodyBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	var buf bytes.Buffer
	if json.Valid([]byte(text)) && json.Indent(&buf, []byte(text), "", "  ") == nil {
		text = buf.String()
	}
	text = termtext.SanitizeBlock(text)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i == maxBodyLines {
			p.text(p.t.Muted, fmt.Sprintf("… %d more lines", len(lines)-i))
			break
		}
		p.wrapped(p.t.Text, "  "+l)
	}
	if b.Truncated {
		p.text(p.t.Muted, fmt.Sprintf("… preview of %s (%s)", explain.Size(b.Size), termtext.Sanitize(b.ContentType)))
	}
}

// para accumulates the pane's lines, each styled and padded to w.
type para struct {
	w   int
	t   *theme.Theme
	out []string
}

// text word-wraps s (sanitised) and adds its lines.
func (p *para) text(st styleRenderer, s string) {
	for _, l := range strings.Split(ansi.Wrap(termtext.Sanitize(s), p.w, ""), "\n") {
		p.line(st, l)
	}
}

// wrapped hard-wraps an already safe line (body text keeps its spaces).
func (p *para) wrapped(st styleRenderer, s string) {
	for _, l := range strings.Split(ansi.Hardwrap(s, p.w, true), "\n") {
		p.line(st, l)
	}
}

func (p *para) line(st styleRenderer, s string) {
	p.out = append(p.out, st.Render(termtext.Fit(s, p.w)))
}
func (p *para) blank()         { p.out = append(p.out, strings.Repeat(" ", p.w)) }
func (p *para) label(s string) { p.line(p.t.Label, s) }

// styleRenderer is the part of lipgloss.Style para uses.
type styleRenderer interface{ Render(...string) string }

// markLines explains a marker row: what happened, when, and what edgetop
// does about it.
func (x explainer) markLines(m *list.Mark, t *theme.Theme, w int) []string {
	var p para
	p.w, p.t = w, t
	head := t.ClassTitle[model.Class2xx]
	if m.Kind != list.MarkBack {
		head = t.ClassTitle[model.ClassNet]
	}
	p.text(head, m.Text)
	p.text(t.Muted, "session event · "+m.At.Format("15:04:05.000"))
	for _, para := range strings.Split(m.Detail, "\n\n") {
		if para != "" {
			p.blank()
			p.text(t.Text, para)
		}
	}
	return p.out
}
