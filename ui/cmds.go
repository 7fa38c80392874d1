package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
)

// Every cmd that waits or does I/O is built here. A cmd captures values
// (the session, a channel, IDs) and never the App (STYLE.md §3.2).

// waitEventCmd waits for the session's next event. The handler re-issues
// it, so one runs at a time and Update sees every event in order.
func waitEventCmd(ch <-chan session.Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return streamEndedMsg{}
		}
		return eventMsg{Event: ev}
	}
}

// clockCmd ticks once after clockEvery with the clock and the session's
// state.
func clockCmd(now func() time.Time, s session.Runner) tea.Cmd {
	return tea.Tick(clockEvery, func(time.Time) tea.Msg {
		m := clockTickMsg{Now: now()}
		if s != nil {
			m.State = s.State()
		}
		return m
	})
}

// paceCmd asks the session for another pace (it answers with EventPace).
func paceCmd(s session.Runner, dir int) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		s.Pace(dir)
		return nil
	}
}

// durationCmd ends the session after d (--duration).
func durationCmd(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return durationElapsedMsg{} })
}

// noticeCmd clears notice id after ttl.
func noticeCmd(id uint64, ttl time.Duration) tea.Cmd {
	return tea.Tick(ttl, func(time.Time) tea.Msg { return noticeExpiredMsg{ID: id} })
}

// stopCmd stops the session (calls and streams cancelled, cookie deleted)
// within stopTimeout. The dashboard keeps reading the session's events
// meanwhile, so its last ones are not lost.
func stopCmd(s session.Runner) tea.Cmd {
	return func() tea.Msg {
		if s == nil {
			return stoppedMsg{}
		}
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		return stoppedMsg{Err: s.Stop(ctx)}
	}
}

// scanTickCmd asks for the next slice of a re-filter after scanEvery.
func scanTickCmd() tea.Cmd {
	return tea.Tick(scanEvery, func(time.Time) tea.Msg { return scanTickMsg{} })
}

// doCmd hands an action to the session; Do returns at once, the outcome
// comes as EventAction.
func doCmd(actor session.Actor, act session.Action) tea.Cmd {
	if actor == nil {
		return nil
	}
	return func() tea.Msg {
		actor.Do(act)
		return nil
	}
}

// nextStepCmd moves the tour on to its next step.
func nextStepCmd(c session.TourControls) tea.Cmd {
	return func() tea.Msg {
		c.NextStep()
		return nil
	}
}
