package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// authState is the client's auth state as the header shows it.
type authState struct {
	Known         bool // false until the first clock tick read it
	Authenticated bool
	User          string
	Expires       time.Time
}

// connState is what the records say about the connection.
type connState struct {
	seen     bool
	lastErr  bool // the newest record was a transport error
	lastKind model.ErrKind
	watching bool
}

// renderHeader is the first line: gateway, simulated or real, API version,
// auth with the cookie's time left, connection state, INSECURE, PAUSED.
// When the long form does not fit, a compact one is used.
func (a *App) renderHeader() string {
	long := a.headerLine(false)
	if termtext.Width(long) <= a.width {
		return termtext.FitStyled(long, a.width)
	}
	return termtext.FitStyled(a.headerLine(true), a.width)
}

func (a *App) headerLine(compact bool) string {
	t := a.theme
	sep := t.Muted.Render(" · ")
	kind, api, name := " (real)", "API ", " edgetop"
	if a.deps.Simulated {
		kind = " (simulated)"
	}
	if compact {
		kind, api, name = "", "", ""
		if a.deps.Simulated {
			kind = " sim"
		}
	}
	// Warnings come first so that a narrow screen cuts the rest, not them.
	parts := []string{t.Header.Render(name)}
	if a.pause.on {
		parts = append(parts, t.Warn.Render(fmt.Sprintf("PAUSED +%d new, %d errors", a.pause.newN, a.pause.errN)))
	}
	if a.deps.Insecure {
		parts = append(parts, t.Err.Render("INSECURE"))
	}
	parts = append(parts,
		t.Text.Render(termtext.Sanitize(a.deps.Gateway)+kind),
		t.Text.Render(api+termtext.Sanitize(a.deps.APIVersion)),
		a.authText(),
		a.connText())
	if compact {
		parts = parts[1:]
		parts[0] = " " + parts[0]
	}
	return strings.Join(parts, sep)
}

func (a *App) authText() string {
	t := a.theme
	switch {
	case a.deps.Client == nil:
		return t.Muted.Render("no client")
	case strings.HasPrefix(a.work.halted, "login refused"):
		return t.Err.Render("login refused")
	case !a.auth.Known:
		return t.Muted.Render("auth …")
	case !a.auth.Authenticated:
		return t.Warn.Render("not authenticated")
	}
	left := a.auth.Expires.Sub(a.now)
	user := ""
	if a.auth.User != "" {
		user = termtext.Sanitize(a.auth.User) + " · "
	}
	if left <= 0 {
		return t.Warn.Render(user + "cookie expired")
	}
	return t.Text.Render(user + "cookie " + fmtLeft(left) + " left")
}

func (a *App) connText() string {
	t := a.theme
	switch {
	case a.work.halted != "":
		return t.Err.Render("■ stopped")
	case !a.conn.seen:
		return t.Muted.Render("○ connecting")
	case a.conn.lastErr:
		return t.Err.Render("✗ " + termtext.Sanitize(string(a.conn.lastKind)))
	}
	s := "● live"
	if a.conn.watching {
		s += " · watch"
	}
	return t.Class[model.Class2xx].Render(s)
}

// fmtLeft prints a time left: "58m", "42s", "1h02m".
func fmtLeft(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return strconv.Itoa(int(d.Minutes())) + "m"
	}
	return strconv.Itoa(int(d.Seconds())) + "s"
}

// renderStats is the stats strip: per-class counts (colour and glyph),
// req/s, error %, p50/p95/p99 and sparklines. While paused it is frozen.
func (a *App) renderStats() string {
	if a.pause.on && a.pause.strip != "" {
		// Frozen at the width of the pause's start: re-fit it after a
		// resize so the frame never wraps.
		return termtext.FitStyled(a.pause.strip, a.width)
	}
	return a.statsLine()
}

// statsLine builds the strip from the stats: each class's glyph and count
// (and its name from 160 columns), with a sparkline per class from 120
// columns, otherwise one sparkline of all requests at the end.
func (a *App) statsLine() string {
	t, s, now := a.theme, a.stats, a.now
	wide, labels := a.width >= 120, a.width >= 160
	var b strings.Builder
	b.WriteString(" ")
	for i, c := range []model.Class{model.Class2xx, model.Class3xx, model.Class4xx, model.Class5xx, model.ClassNet} {
		if i > 0 {
			b.WriteString(" ")
		}
		label := ClassGlyph(c) + strconv.FormatUint(s.ClassCount(c), 10)
		if labels {
			label = ClassGlyph(c) + c.String() + " " + strconv.FormatUint(s.ClassCount(c), 10)
		}
		b.WriteString(t.Class[c].Render(label))
		if wide {
			b.WriteString(" " + t.Class[c].Render(sparkline(s.Series(c, now, sparkWidth))))
		}
	}
	bar := t.Muted.Render(" │ ")
	b.WriteString(bar + t.Text.Render(strconv.FormatFloat(s.Rate(now), 'f', 1, 64)+" req/s"))
	b.WriteString(bar + t.Text.Render("err "+strconv.FormatFloat(100*s.ErrorRate(now), 'f', 1, 64)+"%"))
	if s.Total() > s.ClassCount(model.ClassNet) { // quantiles need a response
		b.WriteString(bar + t.Text.Render("p50 "+fmtLatency(s.Quantile(0.5))+" p95 "+fmtLatency(s.Quantile(0.95))+
			" p99 "+fmtLatency(s.Quantile(0.99))))
	} else {
		b.WriteString(bar + t.Muted.Render("p50 – p95 – p99 –"))
	}
	if !wide {
		b.WriteString(" " + t.Accent.Render(sparkline(a.totalSeries())))
	}
	return termtext.FitStyled(b.String(), a.width)
}

// totalSeries sums the classes' series.
func (a *App) totalSeries() []uint64 {
	sum := make([]uint64, sparkWidth)
	for _, c := range model.Classes {
		for i, v := range a.stats.Series(c, a.now, sparkWidth) {
			if i < len(sum) {
				sum[i] += v
			}
		}
	}
	return sum
}

var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkline draws counts as block heights scaled to their maximum; an empty
// bucket is a space.
func sparkline(vs []uint64) string {
	var peak uint64
	for _, v := range vs {
		peak = max(peak, v)
	}
	out := make([]rune, len(vs))
	for i, v := range vs {
		switch {
		case v == 0:
			out[i] = ' '
		default:
			out[i] = sparkLevels[int(v*uint64(len(sparkLevels)-1)/peak)]
		}
	}
	return string(out)
}

// renderFooter is the last line: the filter prompt while typing, else the
// short help on the left and the status (filter, drops, notices) on the
// right.
func (a *App) renderFooter() string {
	t := a.theme
	if a.prompt.on {
		return termtext.FitStyled(t.Key.Render(" /")+t.Text.Render(termtext.Sanitize(a.prompt.text))+t.Selected.Render(" ")+
			t.Desc.Render("  enter apply · esc cancel · empty clears"), a.width)
	}
	right := a.statusText()
	help := a.shortHelpText(a.width - termtext.Width(right) - 1)
	gap := max(a.width-termtext.Width(help)-termtext.Width(right), 1)
	return termtext.FitStyled(help+strings.Repeat(" ", gap)+right, a.width)
}

// statusText is the right side of the footer.
func (a *App) statusText() string {
	t := a.theme
	var parts []string
	if a.notice.text != "" {
		parts = append(parts, a.notice.style(t).Render(a.notice.text))
	}
	if f := filterText(a.filter); f != "" {
		parts = append(parts, t.Accent.Render("filter: "+f))
	}
	if a.dropped > 0 {
		parts = append(parts, t.Warn.Render(fmt.Sprintf("dropped %d", a.dropped)))
	}
	if !a.mouse {
		parts = append(parts, t.Muted.Render("mouse off"))
	}
	if a.deps.Client != nil {
		parts = append(parts, t.Muted.Render("every "+fmtLatency(a.work.interval)))
	}
	return strings.Join(parts, t.Muted.Render(" · ")) + " "
}

// filterText describes a filter in a few words; "" for none.
func filterText(f model.Filter) string {
	var parts []string
	if f.Classes != 0 {
		var cs []string
		for _, c := range model.Classes {
			if f.Classes.Has(c) && c != model.Class1xx {
				cs = append(cs, c.String())
			}
		}
		parts = append(parts, strings.Join(cs, ","))
	}
	if f.Text != "" {
		parts = append(parts, strconv.Quote(termtext.Sanitize(f.Text)))
	}
	return strings.Join(parts, " ")
}
