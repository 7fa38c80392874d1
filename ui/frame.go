package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
)

// Frame pacing. Bubble Tea calls View after every message, and draws at
// most fps frames a second: a View built between two draws is a frame
// nobody sees. With a pacing clock (Deps.Pace; Run sets it), a message
// that is not the operator's (a batch of records, a clock tick, a slice of
// a re-filter) rebuilds the frame only when 1/fps has passed since the
// last one; until then View gives the last frame again, and a frameTickMsg
// is armed so the newest state is drawn when it falls due. While records
// arrive faster than fastRate a second, the list takes its new rows at
// most every listInterval, and the whole frame is rebuilt at most every
// fastFrameInterval: Bubble Tea's renderer parses and diffs the whole
// frame whenever anything in it changed, so a header redrawn alone costs
// nearly what a full frame does (BENCHMARKS.md has both measured). Keys,
// the mouse, a paste and a resize always rebuild at once, with the list
// brought up to date first.

const (
	frameInterval = time.Second / fps
	listInterval  = 100 * time.Millisecond
	fastRate      = 2000
	// fastFrameInterval paces the whole frame while records arrive fast.
	fastFrameInterval = 100 * time.Millisecond
)

// frameTickMsg is sent when a frame held back falls due.
type frameTickMsg struct{}

// pacer is the frame pacing's state.
type pacer struct {
	clock  func() time.Time // nil: every message rebuilds the frame
	frame  tea.View         // the last frame built
	built  time.Time        // when
	hold   bool             // View gives frame again: the state moved on, its frame is not due
	armed  bool             // a frameTickMsg is on its way
	listAt time.Time        // when the list last took its rows
	recs   int              // records since listAt
	rate   float64          // records a second between the last two times it did
}

// operator reports whether msg is the operator's: it is drawn at once.
func operator(msg tea.Msg) bool {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.MouseMsg, tea.PasteMsg, tea.WindowSizeMsg, tea.BackgroundColorMsg:
		return true
	}
	return false
}

// recordBatch is the number of records msg carries (0: not a batch).
func recordBatch(msg tea.Msg) int {
	if m, ok := msg.(eventMsg); ok && m.Event.Kind == session.EventRecords {
		return len(m.Event.Records)
	}
	return 0
}

// background reports whether msg is one the list's rows may wait for: a
// batch, a tick (frame, clock, re-filter slice) or the Watch's and the
// device list's news, none of which reads the list. Any other message
// (the operator's, a tour step that selects a row, a marker) gets the
// list up to date first.
func background(msg tea.Msg) bool {
	switch m := msg.(type) {
	case frameTickMsg, clockTickMsg, scanTickMsg:
		return true
	case eventMsg:
		switch m.Event.Kind {
		case session.EventRecords, session.EventWatchData, session.EventDevices, session.EventWatchOpen:
			return true
		}
	}
	return false
}

// listDue reports whether the list takes its new rows in this update:
// always, unless msg is a background one while records arrive fast and
// the list took rows less than listInterval ago.
func (a *App) listDue(msg tea.Msg) bool {
	p := &a.pacer
	if p.clock == nil {
		return true
	}
	p.recs += recordBatch(msg)
	if !background(msg) {
		return true
	}
	return p.rate <= fastRate || p.clock().Sub(p.listAt) >= listInterval
}

// tookRows notes that the list took its rows, and the rate since the last
// time.
func (a *App) tookRows() {
	p := &a.pacer
	if p.clock == nil {
		return
	}
	now := p.clock()
	if since := now.Sub(p.listAt).Seconds(); since > 0 {
		p.rate = float64(p.recs) / since
	}
	p.listAt, p.recs = now, 0
}

// pace decides, after msg was handled, whether View builds a new frame,
// and arms the tick that draws what was held back.
func (a *App) pace(msg tea.Msg) tea.Cmd {
	p := &a.pacer
	if _, ok := msg.(frameTickMsg); ok {
		p.armed = false
	}
	if p.clock == nil {
		return nil
	}
	now := p.clock()
	due := p.built.Add(frameInterval)
	if p.rate > fastRate {
		due = p.built.Add(fastFrameInterval)
	}
	p.hold = !operator(msg) && now.Before(due) && !a.quitting
	switch {
	case p.hold: // the frame first, then (if still pending) the list
	case a.rowsChanged:
		due = p.listAt.Add(listInterval)
	default:
		return nil
	}
	if p.armed {
		return nil
	}
	p.armed = true
	return tea.Tick(max(due.Sub(now), time.Millisecond), func(time.Time) tea.Msg { return frameTickMsg{} })
}

// View draws the frame from what sync prepared; it changes nothing but
// the pacing's copy of the frame.
func (a *App) View() tea.View {
	p := &a.pacer
	if p.hold {
		return p.frame
	}
	v := tea.NewView(a.render())
	v.AltScreen = true
	if a.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	// No window title: a terminal cannot be asked for the one it had, and
	// Bubble Tea blanks a title it set when it exits.
	if p.clock != nil {
		p.frame, p.built = v, p.clock()
	}
	return v
}
