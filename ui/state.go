package ui

import (
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// pauseState freezes the display while the client keeps running.
type pauseState struct {
	on bool
	// seq is the log's Total() when the pause began: records appended
	// after it are not shown.
	seq uint64
	// newN and errN count records (errors) that came in since the pause;
	// hidden counts those that match the current filter, so the list shows
	// View.Len()-hidden rows.
	newN, errN, hidden int
	// strip is the stats strip as it was when the pause began.
	strip string
}

// prompt is the filter prompt in the footer.
type prompt struct {
	on   bool
	text string
}

// notice is a transient status-bar message (STYLE.md §10).
type notice struct {
	id    uint64
	text  string
	level noticeLevel
}

type noticeLevel uint8

const (
	noticeInfo noticeLevel = iota
	noticeWarn
	noticeError
)

func (n notice) style(t *Theme) styleRenderer {
	switch n.level {
	case noticeWarn:
		return t.Warn
	case noticeError:
		return t.Err
	}
	return t.Accent
}

// setNotice shows a notice (sanitised: error texts come from the network)
// and returns the cmd that clears it after noticeTTL.
func (a *App) setNotice(level noticeLevel, text string) tea.Cmd {
	a.setStickyNotice(level, text)
	return noticeCmd(a.noticeSeq, noticeTTL)
}

// setStickyNotice shows a notice that stays until another replaces it:
// for a state the operator must act on (the workload has stopped).
func (a *App) setStickyNotice(level noticeLevel, text string) tea.Cmd {
	a.noticeSeq++
	a.notice = notice{id: a.noticeSeq, text: termtext.Sanitize(text), level: level}
	return nil
}

// visibleLen is the number of list rows shown: the view's, less what came
// in during a pause.
func (a *App) visibleLen() int {
	return max(a.view.Len()-a.pause.hidden, 0)
}

// selected is the record under the cursor, or nil.
func (a *App) selected() *model.Record {
	n := a.visibleLen()
	if n == 0 || a.list.cursor >= n {
		return nil
	}
	return a.view.At(a.list.cursor)
}

func (a *App) explainer() explainer {
	return explainer{cat: a.deps.Catalog, codes: a.deps.APICodes}
}

// ingest appends a batch to the log and the stats in one step and keeps the
// selection (and the pause's counts) right.
func (a *App) ingest(m recordsMsg) {
	if len(m.Batch) == 0 {
		return
	}
	a.dropped = m.Dropped
	if !m.Now.IsZero() {
		a.now = m.Now // rates and sparklines end at the newest batch
	}
	// Chronological by start within a batch: a call's 401 is reported after
	// the renewal it caused, yet it started first (so it is listed first).
	slices.SortStableFunc(m.Batch, func(x, y model.Record) int { return x.Start.Compare(y.Start) })
	a.log.Append(m.Batch...)
	a.stats.Add(m.Batch...)
	last := &m.Batch[len(m.Batch)-1]
	a.conn.seen = true
	a.conn.lastErr = last.Status == 0 && last.Err != nil && last.Err.Kind != model.ErrCanceled
	if last.Err != nil {
		a.conn.lastKind = last.Err.Kind
	}
	if a.pause.on {
		for i := range m.Batch {
			a.pause.newN++
			if m.Batch[i].Class().IsError() {
				a.pause.errN++
			}
			if a.filter.Match(&m.Batch[i]) {
				a.pause.hidden++
			}
		}
	}
	a.list.reselect(a.view, a.visibleLen())
	a.syncSelection()
}

// syncSelection remembers the selected record's ID.
func (a *App) syncSelection() {
	if r := a.selected(); r != nil {
		a.list.selID = r.ID
	} else {
		a.list.selID = 0
	}
}

// setPaused starts or ends a pause.
func (a *App) setPaused(on bool) {
	if on == a.pause.on {
		return
	}
	if on {
		a.pause = pauseState{on: true, seq: a.log.Total(), strip: a.statsLine()}
		a.keys.Global.Pause.SetHelp("p", "resume")
		a.helpCache.text = "" // the footer's cached key help names the old label
		return
	}
	a.pause = pauseState{}
	a.keys.Global.Pause.SetHelp("p", "pause")
	a.helpCache.text = ""
	a.list.reselect(a.view, a.visibleLen())
	a.syncSelection()
}

// setFilter switches the list to a new filter, keeping the selected
// record when it still matches.
func (a *App) setFilter(f model.Filter) {
	a.filter = f
	a.view = a.log.View(f)
	a.keys.Global.ClearFilter.SetEnabled(!f.IsZero())
	a.helpCache.text = "" // the footer's key help shows or hides "esc clear"
	if a.pause.on {
		a.pause.hidden = a.countSincePause(f)
	}
	a.list.reselect(a.view, a.visibleLen())
	a.syncSelection()
}

// countSincePause counts the held records appended since the pause that
// match f.
func (a *App) countSincePause(f model.Filter) int {
	n := 0
	since := int(min(a.log.Total()-a.pause.seq, uint64(a.log.Len())))
	for i := a.log.Len() - since; i < a.log.Len(); i++ {
		if f.Match(a.log.At(i)) {
			n++
		}
	}
	return n
}

// handleClock refreshes the clock, the auth state and the drop count, and
// re-arms the clock.
func (a *App) handleClock(m clockTickMsg) tea.Cmd {
	a.now = m.Now
	a.auth = m.Auth
	a.dropped = max(a.dropped, m.Dropped)
	return clockCmd(a.deps.Now, a.deps.Client, a.deps.Observer)
}

func itoa(n int) string { return strconv.Itoa(n) }
