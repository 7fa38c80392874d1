// Package header draws the dashboard's first two lines: the header (the
// link to the gateway first, then PAUSED, INSECURE and READ-ONLY, the
// gateway, the API version, the user and the cookie's time left) and the stats strip
// (per-class counts with colour and glyph, req/s, error rate, latency
// quantiles, sparklines). Both are render functions of their data.
package header

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/explain"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// Data is what the header shows.
type Data struct {
	// State is the session's; NoSession is set when there is none (the
	// dashboard only shows what it is given).
	State     session.State
	NoSession bool
	// Now is the clock, for the cookie's time left and the outage's age.
	Now time.Time
	// Paused, with what came in since (records, errors).
	Paused           bool
	PausedN, PausedE int
	// Replay is set in a replay: the state is the recorded session's.
	Replay Replay
}

// Replay is where a replay is, for the header.
type Replay uint8

// A replay's states.
const (
	NoReplay Replay = iota
	Replaying
	ReplayPaused
	ReplayEnded
)

// Line is the header in w cells: the long form when it fits, else the
// compact one with the Watch stream's long form, else the compact one. The
// link state comes first in all (after REPLAY in a replay), so a narrow
// screen cuts the rest, not it.
func Line(t *theme.Theme, w int, d Data) string {
	if long := line(t, d, false, false); termtext.Width(long) <= w {
		return termtext.FitStyled(long, w)
	}
	if mid := line(t, d, true, false); termtext.Width(mid) <= w {
		return termtext.FitStyled(mid, w)
	}
	return termtext.FitStyled(line(t, d, true, true), w)
}

func line(t *theme.Theme, d Data, compact, compactWatch bool) string {
	s := d.State
	sep := t.Muted.Render(" · ")
	kind, api, name := " (real)", "API ", "edgetop"
	if s.Simulated {
		kind = " (simulated)"
	}
	if compact {
		kind, api, name = "", "", ""
		if s.Simulated {
			kind = " sim"
		}
	}
	parts := []string{" " + link(t, d, compactWatch)}
	if r := replayBadge(t, d.Replay); r != "" {
		// First: whatever the link says, it is the recording's.
		parts = []string{" " + r, t.Muted.Render("recorded ") + link(t, d, compactWatch)}
	}
	if d.Paused {
		parts = append(parts, t.Warn.Render(fmt.Sprintf("PAUSED +%d new, %d errors", d.PausedN, d.PausedE)))
	}
	if s.Insecure {
		parts = append(parts, t.Err.Render("INSECURE"))
	}
	if s.ReadOnly {
		parts = append(parts, t.Warn.Render("READ-ONLY"))
	}
	if name != "" {
		parts = append(parts, t.Header.Render(name))
	}
	gw := termtext.Sanitize(s.Gateway)
	if compact {
		gw = strings.TrimPrefix(gw, "https://")
	}
	parts = append(parts,
		t.Text.Render(gw+kind),
		t.Text.Render(api+termtext.Sanitize(s.APIVersion)))
	if d.Replay == NoReplay { // a recording keeps no cookie: its time left means nothing now
		parts = append(parts, auth(t, d, compact))
	}
	return strings.Join(parts, sep)
}

// link is the state of the link to the gateway.
func link(t *theme.Theme, d Data, compact bool) string {
	s := d.State
	switch {
	case d.NoSession:
		return t.Muted.Render("○ no session")
	case s.Link == session.LinkHalted && strings.HasPrefix(s.Text, "login refused"):
		return t.Err.Render("■ login refused")
	case s.Link == session.LinkHalted:
		why := "stopped"
		if s.Why != "" {
			why += " (" + string(s.Why) + ")"
		}
		return t.Err.Render("■ " + why)
	case s.Link == session.LinkLost:
		txt := "✗ lost " + Left(d.Now.Sub(s.Since))
		if s.Why != "" {
			txt += ": " + termtext.Sanitize(string(s.Why))
		}
		return t.Err.Render(txt)
	case s.Link == session.LinkConnecting:
		return t.Muted.Render("○ connecting")
	}
	txt := "● live"
	switch {
	case s.Watch.Open:
		txt += " · " + WatchText(s.Watch, d.Now, compact)
	case s.Watch.Reconnecting:
		txt += " · watch reopening"
	}
	return t.Class[model.Class2xx].Render(txt)
}

// replayBadge says that the screen is a replay, and where it is.
func replayBadge(t *theme.Theme, r Replay) string {
	switch r {
	case Replaying:
		return t.Accent.Render("REPLAY")
	case ReplayPaused:
		return t.Warn.Render("REPLAY paused")
	case ReplayEnded:
		return t.Muted.Render("REPLAY ended")
	}
	return ""
}

// auth is the user and the cookie's time left.
func auth(t *theme.Theme, d Data, compact bool) string {
	a := d.State.Auth
	switch {
	case d.NoSession:
		return t.Muted.Render("no client")
	case !a.Authenticated && d.State.Link == session.LinkConnecting:
		return t.Muted.Render("auth …")
	case !a.Authenticated:
		return t.Warn.Render("not authenticated")
	}
	user := ""
	if a.User != "" {
		user = termtext.Sanitize(a.User) + " · "
	}
	left := a.Expires.Sub(d.Now)
	if left <= 0 {
		return t.Warn.Render(user + "cookie expired")
	}
	if compact {
		return t.Text.Render(user + "cookie " + Left(left))
	}
	return t.Text.Render(user + "cookie " + Left(left) + " left")
}

// Left prints a duration as a time left or an age: "58m", "42s", "1h02m".
func Left(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return strconv.Itoa(int(d.Minutes())) + "m"
	}
	return strconv.Itoa(max(int(d.Seconds()), 0)) + "s"
}

// Stats is the stats strip in w cells: each class's glyph and count (and
// its name from 160 columns), with a sparkline per class from 120
// columns, otherwise one sparkline of all requests at the end.
func Stats(t *theme.Theme, w int, s *model.Stats, now time.Time) string {
	const sparkWidth = 6
	wide, labels := w >= 120, w >= 160
	var b strings.Builder
	b.WriteString(" ")
	for i, c := range []model.Class{model.Class2xx, model.Class3xx, model.Class4xx, model.Class5xx, model.ClassNet} {
		if i > 0 {
			b.WriteString(" ")
		}
		label := theme.ClassGlyph(c) + strconv.FormatUint(s.ClassCount(c), 10)
		if labels {
			label = theme.ClassGlyph(c) + c.String() + " " + strconv.FormatUint(s.ClassCount(c), 10)
		}
		b.WriteString(t.Class[c].Render(label))
		if wide {
			b.WriteString(" " + t.Class[c].Render(sparkline(s.Series(c, now, sparkWidth))))
		}
	}
	bar := t.Muted.Render(" │ ")
	b.WriteString(bar + t.Text.Render(strconv.FormatFloat(s.Rate(now), 'f', 1, 64)+" req/s"))
	errText := "err " + strconv.FormatFloat(100*s.ErrorRate(now), 'f', 1, 64) + "%"
	if (labels || !wide && w >= 100) && s.Total() > 0 {
		// The windowed rate swings (100 % while only failures come): the
		// session's is beside it.
		errText += " (10s), " + strconv.FormatFloat(100*float64(s.Errors())/float64(s.Total()), 'f', 1, 64) + "% all"
	}
	b.WriteString(bar + t.Text.Render(errText))
	if s.Total() > s.ClassCount(model.ClassNet) { // quantiles need a response
		b.WriteString(bar + t.Text.Render("p50 "+explain.Latency(s.Quantile(0.5))+" p95 "+explain.Latency(s.Quantile(0.95))+
			" p99 "+explain.Latency(s.Quantile(0.99))))
	} else {
		b.WriteString(bar + t.Muted.Render("p50 – p95 – p99 –"))
	}
	if !wide {
		b.WriteString(" " + t.Accent.Render(sparkline(totalSeries(s, now, sparkWidth))))
	}
	return termtext.FitStyled(b.String(), w)
}

// totalSeries sums the classes' series.
func totalSeries(s *model.Stats, now time.Time, n int) []uint64 {
	sum := make([]uint64, n)
	for _, c := range model.Classes {
		for i, v := range s.Series(c, now, n) {
			if i < len(sum) {
				sum[i] += v
			}
		}
	}
	return sum
}

var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkline draws counts as block heights scaled to their maximum; an
// empty bucket is a space.
func sparkline(vs []uint64) string {
	var peak uint64
	for _, v := range vs {
		peak = max(peak, v)
	}
	out := make([]rune, len(vs))
	for i, v := range vs {
		out[i] = ' '
		if v > 0 {
			out[i] = sparkLevels[int(v*uint64(len(sparkLevels)-1)/peak)]
		}
	}
	return string(out)
}
