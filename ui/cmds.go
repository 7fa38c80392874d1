package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/model"
)

// Every cmd that does I/O or waits is built here. A cmd captures values
// (channels, the client, a context, IDs) and never the App (STYLE.md §3.2).

// drainCmd waits for the first record on the observer's channel, then
// collects more until drainWindow has passed or drainMax records are in,
// and returns them as one recordsMsg. The handler re-issues it, so exactly
// one drain runs at a time and Update sees at most one batch per window.
func drainCmd(ctx context.Context, src RecordSource, now func() time.Time) tea.Cmd {
	if src == nil {
		return nil
	}
	ch := src.C()
	done := func(batch []model.Record) tea.Msg {
		return recordsMsg{Batch: batch, Dropped: src.Dropped(), Now: now()}
	}
	return func() tea.Msg {
		var first model.Record
		select {
		case first = <-ch:
		case <-ctx.Done():
			return nil
		}
		batch := make([]model.Record, 1, 64)
		batch[0] = first
		timer := time.NewTimer(drainWindow)
		defer timer.Stop()
		for len(batch) < drainMax {
			select {
			case r := <-ch:
				batch = append(batch, r)
			case <-timer.C:
				return done(batch)
			case <-ctx.Done():
				return done(batch)
			}
		}
		return done(batch)
	}
}

// clockCmd ticks once after clockEvery, reading the clock, the client's
// auth state and the observer's drop count.
func clockCmd(now func() time.Time, api API, src RecordSource) tea.Cmd {
	return tea.Tick(clockEvery, func(time.Time) tea.Msg {
		m := clockTickMsg{Now: now()}
		if api != nil {
			s := api.Auth()
			m.Auth = authState{Known: true, Authenticated: s.Authenticated, User: s.User, Expires: s.Expires}
		}
		if src != nil {
			m.Dropped = src.Dropped()
		}
		return m
	})
}

// durationCmd ends the session after d (--duration).
func durationCmd(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return durationElapsedMsg{} })
}

// noticeCmd clears notice id after ttl.
func noticeCmd(id uint64, ttl time.Duration) tea.Cmd {
	return tea.Tick(ttl, func(time.Time) tea.Msg { return noticeExpiredMsg{ID: id} })
}

// cleanupCmd deletes the auth cookies (the client's and the demo
// viewer's) and closes idle connections (the workload and the streams were
// cancelled before), within a few seconds.
func cleanupCmd(d Deps) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		return cleanupDoneMsg{Err: d.closeClients(ctx)}
	}
}
