package ui

import (
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/model/failures"
	"edgetop/ui/header"
)

// A replayed recording: p pauses the replay itself (not only the screen),
// . steps one exchange while paused, [ ] seek 10 s and { } a minute of
// recorded time, +/- change the speed. The footer says where the replay
// is.

// Seek steps of the replay keys, in recorded time.
const (
	seekStep     = 10 * time.Second
	seekStepMore = time.Minute
)

// enableReplayKeys turns the replay's keys on in a replay.
func (a *App) enableReplayKeys() {
	r := &a.keys.Replay
	for _, b := range []*key.Binding{&r.Step, &r.Back, &r.Forward, &r.BackMore, &r.ForwardMore} {
		b.SetEnabled(a.replay != nil)
	}
	if a.replay != nil {
		a.keys.Global.Pause.SetHelp(a.keys.Global.Pause.Help().Key, "pause replay")
		a.keys.Global.Faster.SetHelp(a.keys.Global.Faster.Help().Key, "replay faster")
		a.keys.Global.Slower.SetHelp(a.keys.Global.Slower.Help().Key, "replay slower")
	}
}

// replayKey handles a replay key; it reports whether msg was one.
func (a *App) replayKey(msg tea.KeyPressMsg) bool {
	r := a.keys.Replay
	switch {
	case key.Matches(msg, r.Step):
		if !a.replay.Paused() {
			a.replay.SetPaused(true)
		}
		a.replay.Step()
	case key.Matches(msg, r.Back):
		a.replay.Seek(-seekStep)
	case key.Matches(msg, r.Forward):
		a.replay.Seek(seekStep)
	case key.Matches(msg, r.BackMore):
		a.replay.Seek(-seekStepMore)
	case key.Matches(msg, r.ForwardMore):
		a.replay.Seek(seekStepMore)
	default:
		return false
	}
	return true
}

// toggleReplayPause pauses or resumes the replay.
func (a *App) toggleReplayPause() {
	on := !a.replay.Paused()
	a.replay.SetPaused(on)
	desc := "pause replay"
	if on {
		desc = "resume replay"
	}
	a.keys.Global.Pause.SetHelp(a.keys.Global.Pause.Help().Key, desc)
}

// rewind starts the log over: the replay went back and sends the
// recording again from its start.
func (a *App) rewind() {
	a.log = model.NewLog(a.deps.RingCap)
	a.stats = model.NewStats(statsWindow)
	a.failures = failures.New()
	a.devs.table.Reset()
	a.marks, a.clock.Base = nil, time.Time{}
	a.strip.demo, a.strip.tour = nil, session.Event{} // what the replay sends again brings them back
	a.list.SetClock(a.clock)
	a.setFilter(a.filter)
	a.setSearch(a.search.q)
	a.list.SetFollow(true)
	a.refreshSummary()
	a.relayout()
}

// replayState is where the replay is, for the header.
func (a *App) replayState() header.Replay {
	if a.replay == nil {
		return header.NoReplay
	}
	_, _, _, done, total := a.replay.Position()
	switch {
	case total > 0 && done >= total: // paused there or not, as the footer says
		return header.ReplayEnded
	case a.replay.Paused():
		return header.ReplayPaused
	}
	return header.Replaying
}

// replayText is the footer's account of the replay: paused or its speed,
// the recorded time reached, how far through.
func (a *App) replayText() string {
	if a.replay == nil {
		return ""
	}
	at, _, _, done, total := a.replay.Position()
	s := "replay"
	if a.replay.Paused() {
		s += " paused"
	}
	if !at.IsZero() {
		s += " " + at.Format("15:04:05")
	}
	switch {
	case total > 0 && done >= total:
		s += " at the end ([ or { to go back)"
	case total > 0:
		s += " " + strconv.Itoa(min(100, 100*done/total)) + "%"
	}
	if sp, ok := a.replay.(interface{ Speed() float64 }); ok {
		s += " " + speedText(sp.Speed())
	}
	return s
}

// speedText is a replay speed as the footer says it.
func speedText(s float64) string {
	switch {
	case s == 0:
		return "max speed"
	case s < 1:
		return "1/" + strconv.FormatFloat(1/s, 'f', -1, 64) + "×"
	}
	return strconv.FormatFloat(s, 'f', -1, 64) + "×"
}
