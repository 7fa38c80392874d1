package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// detailPane explains the selected record. Its lines are built once per
// (record, width, theme) and then only sliced while scrolling.
type detailPane struct {
	w, h    int
	top     int
	focused bool
	id      uint64        // record the lines were built for
	rec     *model.Record // and where it was (IDs alone may repeat; the log's buffer may move)
	built   bool
	lines   []string
}

func (d *detailPane) setSize(w, h int) {
	if w != d.w {
		d.invalidate()
	}
	d.w, d.h = max(w, 0), max(h, 0)
	d.scroll(0)
}

func (d *detailPane) invalidate() { d.built = false }

// scroll moves the view by delta lines, within the content.
func (d *detailPane) scroll(delta int) {
	d.top = max(0, min(d.top+delta, len(d.lines)-d.h))
}

// show makes the pane explain r (nil: nothing selected).
func (d *detailPane) show(r *model.Record, t *Theme, x explainer) {
	var id uint64
	if r != nil {
		id = r.ID
	}
	if d.built && id == d.id && r == d.rec && (r == nil || r.ID != 0) {
		return
	}
	// A new pointer alone may be the same record moved (the log's buffer
	// grew): rebuild, but keep the scroll position.
	if id != d.id {
		d.top = 0
	}
	d.id, d.rec, d.built = id, r, true
	d.lines = x.lines(r, t, d.w)
	d.scroll(0)
}

// visible returns exactly h lines of width w.
func (d *detailPane) visible() []string {
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

// explainer builds the pane's text from the tables.
type explainer struct {
	cat   *model.Catalog
	codes *model.APICodes
}

// lines is the explanation of r in w columns, every line padded to w.
func (x explainer) lines(r *model.Record, t *Theme, w int) []string {
	if w <= 0 {
		return nil
	}
	var p para
	p.w, p.t = w, t
	if r == nil {
		p.text(t.Muted, "No request selected yet. Requests appear in the list as the workload runs.")
		return p.out
	}
	e := x.cat.Lookup(r.Status)
	cl := r.Class()
	head := fmt.Sprintf("%s %d %s", ClassGlyph(cl), e.Code, e.Message)
	switch {
	case r.Status == 0:
		head = ClassGlyph(cl) + " " + e.Message
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
		for _, l := range descriptionLines(e.Description, w) {
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
		s = fmt.Sprintf("Backed off %s and retried%s.", fmtLatency(r.Action.Delay), why)
	case model.ActionRedirect:
		s = "Followed the redirect."
		if r.Action.Detail != "" {
			s = "Followed the redirect " + r.Action.Detail + "." // "to /path"
		}
	case model.ActionGaveUp:
		s = "Stopped retrying" + why + "; the error went to the caller."
	case model.ActionReconnect:
		s = fmt.Sprintf("The stream reconnects after %s%s.", fmtLatency(r.Action.Delay), why)
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
	if dev := r.Device(); dev != "" {
		p.text(p.t.Text, "Device: "+dev)
	}
	p.wrapped(p.t.Bold, termtext.Sanitize(r.Method+" "+r.Gateway+r.Path))
	p.text(p.t.Muted, fmt.Sprintf("#%d · %s · attempt %d · %s out", r.ID,
		r.Start.Format("15:04:05.000"), r.Attempt, fmtSize(r.BytesOut)))
	headers(p, r.RequestHeaders)
	body(p, r.RequestBody)
	p.blank()
	p.label(fmt.Sprintf("Response · %s · %s in", fmtLatency(r.Duration), fmtSize(r.BytesIn)))
	headers(p, r.ResponseHeaders)
	body(p, r.ResponseBody)
}

func headers(p *para, hs []model.Header) {
	for _, h := range hs {
		p.text(p.t.Muted, h.Name+": "+h.Value)
	}
}

// body pretty-prints a body preview (JSON indented when it parses),
// sanitised, at most detailMaxBodyLines lines.
func body(p *para, b model.Body) {
	if b.Preview == "" {
		return
	}
	text := b.Preview
	if len(text) > detailMaxBodyBytes {
		// Previews are bounded by the client; stay cheap if one is not
		// (cut at a rune boundary, so no U+FFFD is made up).
		cut := detailMaxBodyBytes
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
		if i == detailMaxBodyLines {
			p.text(p.t.Muted, fmt.Sprintf("… %d more lines", len(lines)-i))
			break
		}
		p.wrapped(p.t.Text, "  "+l)
	}
	if b.Truncated {
		p.text(p.t.Muted, fmt.Sprintf("… preview of %s (%s)", fmtSize(b.Size), termtext.Sanitize(b.ContentType)))
	}
}

// para accumulates the pane's lines, each styled and padded to w.
type para struct {
	w   int
	t   *Theme
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
