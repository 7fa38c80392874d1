package ui

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/ui/header"
	"edgetop/ui/list"
	"edgetop/ui/theme"
)

// pauseState freezes the display while the session keeps running.
type pauseState struct {
	on bool
	// seq is the log's Total() when the pause began: records appended
	// after it are not shown.
	seq uint64
	// newN and errN count records (errors) that came in since the pause.
	newN, errN int
	// strip is the stats strip as it was when the pause began.
	strip string
}

// notice is a transient status-bar message (STYLE.md §10).
type notice struct {
	id    uint64
	text  string
	level noticeLevel
	// ofFilter: it says what the filter shows, and goes when it changes.
	ofFilter bool
}

type noticeLevel uint8

const (
	noticeInfo noticeLevel = iota
	noticeWarn
	noticeError
)

func (n notice) style(t *theme.Theme) interface{ Render(...string) string } {
	switch n.level {
	case noticeWarn:
		return t.Warn
	case noticeError:
		return t.Err
	}
	return t.Accent
}

// setNotice shows a notice (sanitised when drawn: texts come from the
// network) and returns the cmd that clears it after noticeTTL.
func (a *App) setNotice(level noticeLevel, text string) tea.Cmd {
	a.setStickyNotice(level, text)
	return noticeCmd(a.noticeN, noticeTTL)
}

// setFilterNotice is a notice of what the filter now shows: the next
// change of the filter takes it away.
func (a *App) setFilterNotice(text string) tea.Cmd {
	cmd := a.setNotice(noticeInfo, text)
	a.notice.ofFilter = true
	return cmd
}

// setStickyNotice shows a notice that stays until another replaces it:
// for a state the operator must act on (the session has stopped).
func (a *App) setStickyNotice(level noticeLevel, text string) {
	a.noticeN++
	a.notice = notice{id: a.noticeN, text: text, level: level}
}

// visibleLen is the number of records the list shows: the view's, less
// what came in during a pause.
func (a *App) visibleLen() int {
	if a.pause.on {
		return a.view.Rank(a.pause.seq)
	}
	return a.view.Len()
}

// visibleMarks are the marker rows the list shows: those still beside a
// record held, and not newer than a pause.
func (a *App) visibleMarks() []list.Mark {
	oldest := a.log.OldestSeq()
	out := a.marks[:0:0]
	for _, m := range a.marks {
		if m.Seq >= oldest && (!a.pause.on || m.Seq <= a.pause.seq) {
			out = append(out, m)
		}
	}
	return out
}

// paceLine is the notice of a new pace.
func paceLine(d time.Duration) string {
	return session.Event{Kind: session.EventPace, After: d}.Line()
}

// handleEvent takes one event of the session.
func (a *App) handleEvent(ev session.Event) tea.Cmd {
	var cmd tea.Cmd
	switch ev.Kind {
	case session.EventRecords:
		a.ingest(ev)
		cmd = a.checkFailOn(ev.Records)
	case session.EventRewind:
		a.rewind()
	case session.EventNote:
		if a.replay != nil && strings.HasPrefix(ev.Text, recording.SpeedNote) {
			break // the footer's replay item says the speed
		}
		cmd = a.setNotice(noticeInfo, ev.Text)
	case session.EventUp:
		a.setLink(session.LinkUp, ev)
	case session.EventLost:
		a.setLink(session.LinkLost, ev)
		a.addMark(list.MarkLost, ev, ev.Line(), ev.Fix+" edgetop tries one call at a time, with backoff, "+
			"until the gateway answers.")
	case session.EventBack:
		a.setLink(session.LinkUp, ev)
		a.addMark(list.MarkBack, ev, ev.Line(), "The gateway answers again.")
	case session.EventHalted:
		// The reason is too long for the footer: a marker row (the newest,
		// selected while following) says all of it in the pane.
		a.setLink(session.LinkHalted, ev)
		if !a.deps.Replay {
			a.halted = ev.Text + "; " + ev.Fix // a replay's recorded halt is no failure of this run
		}
		a.addMark(list.MarkHalted, ev, "stopped: "+ev.Text, ev.Text+".\n\nWhat you can do: "+ev.Fix+
			".\n\nedgetop calls the gateway no more; when you quit, it deletes its cookie if it holds one.")
		a.setStickyNotice(noticeError, ev.Text+"; "+ev.Fix)
	case session.EventPace:
		a.st.Interval = ev.After
		cmd = a.setNotice(noticeInfo, paceLine(ev.After))
	case session.EventDemo:
		a.onDemo(ev)
	case session.EventTour:
		a.onTour(ev)
	case session.EventWatchClosed:
		if ev.After == 0 && ev.Text != "the stream ended" {
			cmd = a.setNotice(noticeWarn, "watch: "+ev.Text)
		}
	case session.EventAction:
		cmd = a.actionEvent(ev)
	case session.EventDevices, session.EventWatchData, session.EventWatchOpen:
		a.deviceEvent(ev)
	case session.EventEnded:
		return nil // the stream closes next
	}
	return tea.Batch(cmd, a.nextEvent())
}

// nextEvent waits for the session's next event.
func (a *App) nextEvent() tea.Cmd {
	if a.deps.Session == nil {
		return nil
	}
	return waitEventCmd(a.deps.Session.Events())
}

// setLink takes the link's state from an event (the clock's snapshots
// carry the rest).
func (a *App) setLink(l session.Link, ev session.Event) {
	a.st.Link, a.st.Since, a.st.Why, a.st.Text, a.st.Fix = l, ev.At, ev.Why, ev.Text, ev.Fix
	if l == session.LinkLost {
		a.st.Since = ev.Since
	}
}

// addMark adds a marker row before the next record.
func (a *App) addMark(k list.MarkKind, ev session.Event, text, detail string) {
	a.markID++
	a.marks = append(a.marks, list.Mark{ID: a.markID, Seq: a.log.Total(), At: ev.At, Kind: k, Text: text, Detail: detail})
	if len(a.marks) > maxMarks {
		a.marks = a.marks[len(a.marks)-maxMarks:]
	}
	a.rowsChanged = true
}

// ingest appends a batch to the log and the stats in one step.
func (a *App) ingest(ev session.Event) {
	if len(ev.Records) == 0 {
		return
	}
	a.st.Dropped = max(a.st.Dropped, ev.Dropped)
	a.now = ev.At // rates and sparklines end at the newest batch
	a.clockBase(ev.Records)
	if a.replay != nil && a.st.Link == session.LinkConnecting {
		// A recording without the session's events (older, or a HAR):
		// the link was up from its first exchange.
		a.setLink(session.LinkUp, session.Event{At: ev.Records[0].Start})
	}
	a.log.Append(ev.Records...)
	a.stats.Add(ev.Records...)
	a.failures.Add(ev.Records...)
	a.devs.table.Observe(ev.Records)
	a.refreshSummary()
	if a.pause.on {
		for i := range ev.Records {
			a.pause.newN++
			if ev.Records[i].Class().IsError() {
				a.pause.errN++
			}
		}
	}
	a.rowsChanged = true
}

// handleClock refreshes the clock and the session's snapshot (all but the
// link, which comes from the events in order), and re-arms the clock.
func (a *App) handleClock(m clockTickMsg) tea.Cmd {
	a.now = m.Now
	if a.deps.Session != nil {
		st := m.State
		st.Link, st.Since, st.Why, st.Text, st.Fix = a.st.Link, a.st.Since, a.st.Why, a.st.Text, a.st.Fix
		st.Dropped = max(st.Dropped, a.st.Dropped)
		a.st = st
	}
	return clockCmd(a.deps.Now, a.deps.Session)
}

// setPaused starts or ends a pause.
func (a *App) setPaused(on bool) {
	if on == a.pause.on {
		return
	}
	if on {
		a.pause = pauseState{on: true, seq: a.log.Total(), strip: header.Stats(a.theme, a.width, a.stats, a.now)}
		a.keys.Global.Pause.SetHelp(a.keys.Global.Pause.Help().Key, "resume")
	} else {
		a.pause = pauseState{}
		a.keys.Global.Pause.SetHelp(a.keys.Global.Pause.Help().Key, "pause")
	}
	a.rowsChanged = true
}

// setFilter switches the list to a new filter, keeping the selected
// record when it still matches.
func (a *App) setFilter(f model.Filter) {
	if a.notice.ofFilter {
		a.notice = notice{}
	}
	a.filter = f
	a.view = a.log.View(f)
	// The newest page at once (the rest in slices: scanCmd); in a pause,
	// the page before it (at most newN matches came after it).
	a.view.Tail(max(a.lay.List.H, 1)+a.pause.newN, scanSlice)
	if a.search.q != nil {
		a.search.view = a.log.View(a.searchFilter())
		a.search.view.Tail(1, scanSlice)
	}
	a.updateClearKey()
	a.rowsChanged = true
}
