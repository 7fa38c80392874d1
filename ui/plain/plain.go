// Package plain is the dashboard without the TUI (--plain, or stdout not
// a terminal): it drives the same session engine and prints one line per
// exchange and per change of the session (the gateway lost, back, halted,
// the watch stream, the demo's steps), then a short summary on stderr.
// Text from the network is sanitised as on the screen; colour only on a
// terminal, in its colour profile, never with NO_COLOR.
package plain

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/term"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Options configure Run.
type Options struct {
	// Out gets the lines (stdout), Err the summary (stderr).
	Out, Err io.Writer
	// Catalog explains the status codes.
	Catalog *model.Catalog
	// NoColor turns colour off (NO_COLOR with any value); Dark picks the
	// colours for a dark background.
	NoColor, Dark bool
	// Environ is the environment, for the terminal's colour profile.
	Environ []string
	// Duration ends the session after this long; 0 runs until ctx ends.
	Duration time.Duration
	// Filter, when set, prints only the exchanges it matches (the
	// summary still counts every one).
	Filter Matcher
	// JSON prints each exchange as its Record JSON line instead of a
	// line of text; the session's changes then go to Err as text.
	JSON bool
	// FailOn, when set, ends the session at the first exchange it
	// matches: Run returns a *FailOnError (exit status 3 in main).
	FailOn Matcher
	// Replay says the session is a recording played back: "no exchange
	// succeeded" is then no failure of the gateway's.
	Replay bool
}

// Matcher selects records: *model.Query.
type Matcher interface {
	Match(r *model.Record) bool
}

// ErrNoSuccess is Run's error when not one exchange succeeded.
var ErrNoSuccess = errors.New("no exchange with the gateway succeeded")

// FailOnError is Run's error when --fail-on matched an exchange.
type FailOnError struct {
	// Line is the exchange as plain mode prints it, without colour.
	Line string
}

func (e *FailOnError) Error() string { return "--fail-on matched: " + e.Line }

// stopTimeout bounds the session's end (the cookie's deletion).
const stopTimeout = 3 * time.Second

// Run starts s, prints until ctx ends, Duration passes or the session
// halts, then stops s (the cookie deleted) and prints what came until its
// stream closed, the last exchanges included. It returns why the session
// halted, ErrNoSuccess, or the error of stopping it (exit status 1 in
// main); nil otherwise.
func Run(ctx context.Context, s session.Runner, o Options) error {
	if o.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Duration)
		defer cancel()
	}
	// A reader that goes away (`| head`) must end the session cleanly, the
	// cookie deleted, rather than kill the process with SIGPIPE: with the
	// signal noted, a write to the closed pipe fails with EPIPE instead.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)

	p := newPrinter(o)
	s.Start()
	events := s.Events()
	var halt, tourEnd *session.Event
run:
	for {
		select {
		case <-ctx.Done():
			break run
		case ev, ok := <-events:
			if !ok {
				break run
			}
			p.event(ev)
			if ev.Kind == session.EventHalted && !o.Replay {
				// (A replay's recorded halt is history: the replay goes on.)
				halt = &ev
				break run
			}
			if ev.Kind == session.EventTour && ev.Count == 0 {
				tourEnd = &ev // the tour's end is the run's
				break run
			}
			if p.err != nil || p.failed != nil {
				break run // the reader went away, or --fail-on matched
			}
		}
	}
	stopped := make(chan error, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		stopped <- s.Stop(sctx)
	}()
	for ev := range events {
		p.event(ev)
	}
	err := <-stopped
	werr := p.flush()
	if errors.Is(werr, syscall.EPIPE) {
		werr = nil
	}
	p.summary(o.Err)
	switch {
	case p.failed != nil:
		err = errors.Join(p.failed, err)
	case halt != nil:
		err = errors.Join(errors.New(halt.Text+"; "+halt.Fix), err)
	case tourEnd != nil && tourEnd.Failed > 0:
		err = errors.Join(fmt.Errorf("the tour did not show %d of its %d codes (%s)", tourEnd.Failed, tourEnd.Total, tourEnd.Text), err)
	case p.ok == 0 && !o.Replay:
		err = errors.Join(ErrNoSuccess, err)
	}
	return errors.Join(werr, err)
}

// printer writes the lines and keeps what the summary needs.
type printer struct {
	t     *theme.Theme
	cat   *model.Catalog
	bw    *bufio.Writer
	err   error
	stats *model.Stats
	ok    uint64
	start time.Time
	end   time.Time
	lost  []session.Event // EventLost, each followed by its EventBack when it came

	filter, failOn Matcher
	json, tty      bool
	notes          io.Writer // where the session's changes go
	buf            []byte
	// failed is set by the first exchange --fail-on matches.
	failed *FailOnError
	// first and last span the exchanges (a replay's events all come at
	// once: its span is the records').
	first, last time.Time
	// tourEnd is the guided tour's summary, once it ended.
	tourEnd string
}

func newPrinter(o Options) *printer {
	// The styles are built in full colour; the writer brings them down to
	// what the terminal shows (256 colours, 16, none) and, when the output
	// is not a terminal, strips every sequence (bold included).
	tty := isTerminal(o.Out)
	// Not a terminal: the no-colour theme writes no sequence at all, so the
	// lines go straight out.
	out := o.Out
	if tty {
		out = &colorprofile.Writer{Forward: o.Out, Profile: colorprofile.Detect(o.Out, o.Environ)}
	}
	p := &printer{
		t: theme.For(o.NoColor || !tty, o.Dark), cat: o.Catalog, bw: bufio.NewWriterSize(out, 64<<10),
		stats: model.NewStats(model.DefaultRateWindow), filter: o.Filter, failOn: o.FailOn, json: o.JSON,
		tty: tty,
	}
	if o.JSON && o.Err != nil {
		p.notes = termtext.NewWriter(o.Err)
	}
	return p
}

// event prints ev (a batch of records, or a change of the session).
func (p *printer) event(ev session.Event) {
	if p.start.IsZero() {
		p.start = ev.At
	}
	p.end = ev.At
	switch ev.Kind {
	case session.EventRecords:
		for i := range ev.Records {
			if p.failed != nil {
				break // the session ends at the match: nothing after it
			}
			p.record(&ev.Records[i])
		}
	case session.EventLost:
		p.lost = append(p.lost, ev)
		p.note(ev, p.t.Err)
	case session.EventBack:
		p.lost = append(p.lost, ev)
		p.note(ev, p.t.Class[model.Class2xx])
	case session.EventHalted:
		p.note(ev, p.t.Err)
	case session.EventWatchOpen, session.EventWatchClosed, session.EventDemo, session.EventNote:
		p.note(ev, p.t.Muted)
	case session.EventTour:
		p.tour(ev)
	default:
		return
	}
	p.flushIfFine()
}

// record prints one exchange (when the filter matches it) and checks it
// against --fail-on.
func (p *printer) record(r *model.Record) {
	p.stats.Add(*r)
	if p.first.IsZero() || r.Start.Before(p.first) {
		p.first = r.Start
	}
	if e := r.End(); e.After(p.last) {
		p.last = e
	}
	if c := r.Class(); c == model.Class2xx || c == model.Class3xx {
		p.ok++
	}
	if p.filter == nil || p.filter.Match(r) {
		if p.json {
			p.buf = model.AppendRecordJSON(p.buf[:0], r)
			p.buf = append(p.buf, '\n')
			if p.err == nil {
				_, p.err = p.bw.Write(p.buf)
			}
		} else {
			p.line(Line(r, p.cat, p.t))
		}
	}
	if p.failOn != nil && p.failOn.Match(r) {
		p.failed = &FailOnError{Line: Line(r, p.cat, theme.NoColorTheme())}
	}
}

// tour prints a step of the guided tour: a line with its number and code,
// then its caption, each line sanitised; or the tour's end. With --json it
// is a note on stderr.
func (p *printer) tour(ev session.Event) {
	if ev.Count == 0 {
		p.tourEnd = ev.Text
		p.note(ev, p.t.Bold)
		return
	}
	if p.json {
		p.note(ev, p.t.Muted)
		return
	}
	e := p.cat.Lookup(ev.Code)
	head := fmt.Sprintf("── tour %d/%d · %d %s", ev.Count, ev.Total, ev.Code, termtext.Sanitize(e.Message))
	st := p.t.Class[e.Class]
	if ev.RecordID == 0 {
		head, st = head+": not shown", p.t.Err
	}
	if p.tty {
		head = st.Render(head)
	}
	p.line(ev.At.Format("15:04:05.000") + " " + head)
	const indent = "             " // under the "──", past the time
	for l := range strings.SplitSeq(ev.Text, "\n") {
		if l = strings.TrimSpace(termtext.Sanitize(l)); l == "" {
			p.line("")
			continue
		}
		p.line(indent + l)
	}
}

// note prints a change of the session as a line: on stdout between the
// exchanges, or, with --json (stdout holds records only), on stderr.
func (p *printer) note(ev session.Event, st interface{ Render(...string) string }) {
	if p.json {
		if p.notes != nil {
			_, _ = io.WriteString(p.notes, "edgetop: "+ev.At.Format("15:04:05.000")+" "+ev.Line()+"\n")
		}
		return
	}
	text := "── " + termtext.Sanitize(ev.Line())
	if p.tty {
		text = st.Render(text) // not on a pipe: the no-colour theme still bolds
	}
	p.line(ev.At.Format("15:04:05.000") + " " + text)
}

func (p *printer) line(s string) {
	if p.err != nil {
		return
	}

	if _, err := p.bw.WriteString(s + "\n"); err != nil {
		p.err = err
	}
}

func (p *printer) flushIfFine() {
	if p.err == nil {
		p.err = p.bw.Flush()
	}
}

func (p *printer) flush() error {
	p.flushIfFine()
	return p.err
}

// Line is one exchange as a line: time, method, operation, device, glyph
// and code, message, latency (and the client's action).
func Line(r *model.Record, cat explain.Catalog, t *theme.Theme) string {
	code := "net" // as the list says it
	if r.Status != 0 {
		code = strconv.Itoa(r.Status)
	}
	dev := model.DeviceLabel(r.Device())
	if dev == "" {
		dev = "-"
	}
	// The no-colour theme's styles draw nothing: skipping them is most of
	// the cost of a line (a replay prints 200,000 a second).
	render := func(st lipgloss.Style, s string) string {
		if t.NoColor {
			return s
		}
		return st.Render(s)
	}
	var b strings.Builder
	b.Grow(160)
	var ts [16]byte
	b.Write(r.Start.AppendFormat(ts[:0], "15:04:05.000"))
	b.WriteByte(' ')
	b.WriteString(termtext.Cell(r.Method, 6))
	b.WriteByte(' ')
	b.WriteString(termtext.Cell(r.Operation, 25))
	b.WriteByte(' ')
	b.WriteString(termtext.Cell(dev, 24))
	b.WriteByte(' ')
	status := theme.ClassGlyph(r.Class()) + " " + code + " " + termtext.Sanitize(explain.Message(r, cat))
	b.WriteString(render(t.Class[r.Class()], status))
	b.WriteString(" " + render(t.Muted, explain.Latency(r.Duration)))
	if r.Action.Kind != model.ActionNone {
		b.WriteString(render(t.Muted, " ["+termtext.Sanitize(string(r.Action.Kind))+"]"))
	}
	return b.String()
}

// summary writes the session's summary to w: counts per class, the most
// failing operations and devices, the outages. Why it halted is the error
// Run returns, printed once by the caller.
func (p *printer) summary(w io.Writer) {
	if w == nil {
		return
	}
	s := p.stats
	var lines []string
	var classes []string
	for _, c := range []model.Class{model.Class2xx, model.Class3xx, model.Class4xx, model.Class5xx, model.ClassNet} {
		classes = append(classes, theme.ClassGlyph(c)+c.String()+" "+strconv.FormatUint(s.ClassCount(c), 10))
	}
	errPct := 0.0
	if s.Total() > 0 {
		errPct = 100 * float64(s.Errors()) / float64(s.Total())
	}
	span := p.end.Sub(p.start)
	if !p.first.IsZero() {
		span = max(span, p.last.Sub(p.first))
	}
	lines = append(lines, fmt.Sprintf("%d %s in %s: %s; errors %.1f%%", s.Total(), plural(s.Total(), "exchange"),
		session.RoundDuration(span), strings.Join(classes, " "), errPct))
	if ops := s.FailingOperations(3); len(ops) > 0 {
		var parts []string
		for _, o := range ops {
			parts = append(parts, fmt.Sprintf("%s %d", o.Operation, o.Errors))
		}
		lines = append(lines, "most failing operations: "+strings.Join(parts, ", "))
	}
	if devs := s.FailingDevices(3); len(devs) > 0 {
		var parts []string
		for _, d := range devs {
			parts = append(parts, fmt.Sprintf("%s %d", model.DeviceLabel(d.Device), d.Errors))
		}
		lines = append(lines, "most failing devices: "+strings.Join(parts, ", "))
	}
	lines = append(lines, outages(p.lost, p.end)...)
	if p.tourEnd != "" {
		lines = append(lines, p.tourEnd)
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("edgetop: " + termtext.Sanitize(l) + "\n")
	}
	_, _ = io.WriteString(w, b.String())
}

// outages describes each outage: when, how long, why, calls failed.
func outages(evs []session.Event, end time.Time) []string {
	var out []string
	for i := 0; i < len(evs); i++ {
		l := evs[i]
		if l.Kind != session.EventLost {
			continue
		}
		if i+1 < len(evs) && evs[i+1].Kind == session.EventBack {
			b := evs[i+1]
			out = append(out, fmt.Sprintf("outage at %s for %s (%s), %d %s failed", l.Since.Format("15:04:05"),
				session.RoundDuration(b.After), l.Why, b.Failed, plural(b.Failed, "call")))
			i++
			continue
		}
		out = append(out, fmt.Sprintf("gateway lost at %s (%s), not back after %s", l.Since.Format("15:04:05"), l.Why,
			session.RoundDuration(end.Sub(l.Since))))
	}
	return out
}

// plural is noun, with an s unless n is 1.
func plural[N int | uint64](n N, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
