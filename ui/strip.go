package ui

import (
	"strconv"
	"strings"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/termtext"
)

// The strip above the footer: the tour's caption (what this step makes
// happen and why; . goes on), or the demo's steps as they start, kept in
// sight rather than as notices that push the keys off the footer.

// maxDemoSteps is how many of the demo's steps the strip keeps.
const maxDemoSteps = 6

// stripState is what the strip shows.
type stripState struct {
	// tour is the tour's last event (Kind 0: no tour); ctl goes on.
	tour session.Event
	ctl  session.TourControls
	// demo is the demo's latest steps, oldest first.
	demo []session.Event
}

// rows is how many rows the strip takes at width w.
func (s *stripState) rows(w int) int {
	switch {
	case s.tour.Kind == session.EventTour:
		return len(s.captionLines(w-2)) + 2 // the frame
	case len(s.demo) > 0:
		return 1
	}
	return 0
}

// captionLines is the caption wrapped to the frame's inside.
func (s *stripState) captionLines(w int) []string {
	text := termtext.SanitizeBlock(s.tour.Text)
	var out []string
	// The script's lines are joined and wrapped to the width; an empty
	// line is a paragraph break.
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(strings.ReplaceAll(para, "\n", " "))
		if para == "" {
			continue
		}
		out = append(out, strings.Split(termtext.Wrap(para, max(w-2, 20), 0), "\n")...)
	}
	return out
}

// onTour takes a step of the tour: the caption, and the row it produced
// selected so that its explanation is in the pane.
func (a *App) onTour(ev session.Event) {
	a.strip.tour = ev
	step := &a.keys.Replay.Step
	step.SetEnabled(ev.Count > 0 && a.strip.ctl != nil)
	step.SetHelp(".", "next tour step")
	if ev.RecordID != 0 {
		a.selectRecordID(ev.RecordID)
	}
	a.relayout()
}

// onDemo notes a step of the demo in the strip.
func (a *App) onDemo(ev session.Event) {
	a.strip.demo = append(a.strip.demo, ev)
	if len(a.strip.demo) > maxDemoSteps {
		a.strip.demo = a.strip.demo[1:]
	}
	if len(a.strip.demo) == 1 {
		a.relayout()
	}
}

// selectRecordID selects the record with the given ID among the newest
// held (the tour's rows are recent).
func (a *App) selectRecordID(id uint64) {
	oldest := a.log.OldestSeq()
	for seq, n := a.log.Total(), 0; seq > oldest && n < 10_000; n++ {
		seq--
		if r := a.log.At(int(seq - oldest)); r != nil && r.ID == id {
			if !a.list.SelectSeq(seq) {
				// The filter hides it: show it (the tour is about it).
				a.setFilter(model.Filter{})
				a.list.SelectSeq(seq)
			}
			a.list.CenterCursor() // the rows it led to in sight
			return
		}
	}
}

// renderStrip draws the strip.
func (a *App) renderStrip() []string {
	r := a.lay.Strip
	if r.Empty() {
		return nil
	}
	t := a.theme
	if s := &a.strip; s.tour.Kind == session.EventTour {
		ev := s.tour
		title := "tour over"
		hint := ""
		if ev.Count > 0 {
			title = "tour " + strconv.FormatUint(ev.Count, 10) + "/" + strconv.Itoa(ev.Total)
			if ev.Code != 0 {
				title += " · " + strconv.Itoa(ev.Code) + " " + a.deps.Catalog.Lookup(ev.Code).Message
			}
			hint = " · . next step"
		}
		title += hint // in the title: a long caption on a small screen cannot push it out
		lines := s.captionLines(r.W - 2)
		inner := r.H - 2
		if len(lines) > inner {
			lines = lines[:inner]
		}
		for i, l := range lines {
			lines[i] = termtext.FitStyled(l, r.W-2)
		}
		return a.box(title, lines, r, true)
	}
	var b strings.Builder
	b.WriteString(t.Muted.Render(" demo ▸"))
	// The newest steps, as many as fit, oldest first.
	var parts []string
	used := 8
	for i := len(a.strip.demo) - 1; i >= 0; i-- {
		ev := a.strip.demo[i]
		p := ev.At.Format("15:04:05") + " " + strings.TrimPrefix(termtext.Sanitize(ev.Text), "demo: ")
		if used+termtext.Width(p)+3 > r.W && len(parts) > 0 {
			break
		}
		used += termtext.Width(p) + 3
		parts = append([]string{p}, parts...)
	}
	for i, p := range parts {
		if i > 0 {
			b.WriteString(t.Muted.Render(" ·"))
		}
		st := t.Muted
		if i == len(parts)-1 {
			st = t.Accent // the latest
		}
		b.WriteString(" " + st.Render(p))
	}
	return []string{termtext.FitStyled(b.String(), r.W)}
}
