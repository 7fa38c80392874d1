package ui

import (
	"errors"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/prompt"
)

// The filter and the search, as the operator types them. Both apply live,
// at every keystroke; a text that does not parse leaves the view as it was
// and the prompt shows where it is wrong. A new filtered view shows its
// newest page at once and examines the older records in slices, one per
// scanEvery, so no keystroke stalls the screen whatever the ring holds.

const (
	// scanSlice is how many records one slice of a re-filter examines:
	// about 5 ms for a text filter on this class of machine.
	scanSlice = 50_000
	// scanEvery is the pause between two slices, so keys and records
	// still get in.
	scanEvery = 15 * time.Millisecond
)

// searchState is the search: it highlights what it matches without
// hiding the rest; n/N move between matches while it is set.
type searchState struct {
	q *model.Query
	// view holds the records the filter shows that the search matches.
	view *model.View
}

// applyQuery parses src as the filter's typed expression and applies it;
// on error the filter stays and the error is returned.
func (a *App) applyQuery(src string) tea.Cmd {
	q, err := model.ParseQuery(src, a.now)
	if err != nil {
		return a.setNotice(noticeWarn, "filter: "+err.Error())
	}
	f := a.filter
	f.Query = q
	a.setFilter(f)
	return a.scanCmd()
}

// promptChanged applies a prompt's text live, or marks it wrong.
func (a *App) promptChanged(p *prompt.Prompt, kind prompt.Kind, text string) tea.Cmd {
	if kind == prompt.Export {
		if p != nil {
			p.SetProblem(exportProblem(text))
		}
		return nil
	}
	q, err := model.ParseQuery(text, a.now)
	if err != nil {
		if p != nil {
			p.SetProblem(problemOf(err, text))
		}
		return nil // the view stays as it was
	}
	if p != nil {
		p.SetProblem(nil)
	}
	if kind == prompt.Search {
		a.setSearch(q)
		return a.scanCmd()
	}
	f := a.filter
	f.Query = q
	a.setFilter(f)
	return a.scanCmd()
}

// problemOf is where a parse error points.
func problemOf(err error, text string) *prompt.Problem {
	var qe *model.QueryError
	if errors.As(err, &qe) {
		return &prompt.Problem{Pos: qe.Pos, End: qe.End, Msg: err.Error()}
	}
	return &prompt.Problem{Pos: 0, End: len(text), Msg: err.Error()}
}

// setSearch sets (nil: clears) the search.
func (a *App) setSearch(q *model.Query) {
	a.search = searchState{q: q}
	a.list.SetHighlight(nil)
	if q != nil {
		a.list.SetHighlight(q)
		a.search.view = a.log.View(a.searchFilter())
		a.search.view.Tail(a.lay.List.H, scanSlice)
	}
	a.keys.Global.MatchesOnly.SetEnabled(q != nil)
	a.keys.List.NextError.SetHelp("n", a.nextHelp())
	a.keys.List.PrevError.SetHelp("N", "previous "+a.nextWhat())
	a.updateClearKey()
}

// searchFilter is the filter and the search at once.
func (a *App) searchFilter() model.Filter {
	f := a.filter
	f.Query = model.AndQuery(f.Query, a.search.q)
	return f
}

func (a *App) nextWhat() string {
	if a.search.q != nil {
		return "match"
	}
	return "error"
}

func (a *App) nextHelp() string { return "next " + a.nextWhat() }

// matchesOnly turns the search into the filter: only its matches stay.
func (a *App) matchesOnly() tea.Cmd {
	if a.search.q == nil {
		return nil
	}
	f := a.searchFilter()
	a.setSearch(nil)
	a.setFilter(f)
	return tea.Batch(a.scanCmd(), a.setFilterNotice("showing the search's matches only (esc: all again)"))
}

// jumpToMatch selects the next (dir +1, newer) or previous (-1) search
// match from the selected row, in O(log n) through the search's view.
func (a *App) jumpToMatch(dir int) tea.Cmd {
	sv := a.search.view
	sv.Tail(1, scanSlice) // the newest match at least
	anchor, ok := a.list.Anchor()
	var i int
	switch {
	case !ok:
		i = -1
	case dir < 0 && a.list.Follow():
		i = sv.Rank(anchor+1) - 1 // from live: the newest match itself
	case dir > 0:
		i = sv.Rank(anchor + 1)
	default:
		i = sv.Rank(anchor) - 1
	}
	for ; i >= 0 && i < sv.Len(); i += dir {
		seq := sv.SeqAt(i)
		if a.pause.on && seq >= a.pause.seq {
			continue
		}
		if a.list.SelectSeq(seq) {
			return nil
		}
	}
	switch {
	case sv.Len() == 0 && !sv.Complete():
		return a.setNotice(noticeInfo, "still searching the older records")
	case sv.Len() == 0:
		return a.setNotice(noticeInfo, "no match")
	case dir > 0:
		return a.setNotice(noticeInfo, "no newer match")
	}
	return a.setNotice(noticeInfo, "no older match")
}

// clearOne is Esc: it clears the search, else the typed filter, else the
// class toggles, one at a time, so the toggles survive clearing the text.
func (a *App) clearOne() tea.Cmd {
	f := a.filter
	switch {
	case a.search.q != nil:
		a.setSearch(nil)
		return nil
	case f.Query != nil:
		f.Query = nil
	default:
		f = model.Filter{}
	}
	a.setFilter(f)
	return a.scanCmd()
}

// updateClearKey enables Esc while it has something to clear.
func (a *App) updateClearKey() {
	a.keys.Global.ClearFilter.SetEnabled(!a.filter.IsZero() || a.search.q != nil)
}

// scanCmd starts the slices of a re-filter when a view is incomplete.
func (a *App) scanCmd() tea.Cmd {
	if a.scanning || a.scanDone() {
		return nil
	}
	a.scanning = true
	return scanTickCmd()
}

// scanDone reports whether the views shown are complete and no export
// waits for a tick (to start once its view is, or to copy a slice).
func (a *App) scanDone() bool {
	return a.view.Complete() && (a.search.view == nil || a.search.view.Complete()) &&
		a.exporting == nil && a.exportAfterScan == ""
}

// handleScan examines one slice of the incomplete views, and asks for the
// next slice while some are left.
func (a *App) handleScan() tea.Cmd {
	a.scanning = false
	for _, v := range []*model.View{a.view, a.search.view} {
		if v != nil && !v.Complete() {
			v.Scan(scanSlice)
			a.rowsChanged = true
			break
		}
	}
	var export tea.Cmd
	switch path := a.exportAfterScan; {
	case a.exporting != nil:
		export = a.stepExport()
	case path != "" && a.view.Complete():
		a.exportAfterScan = ""
		export = a.exportView(path)
	}
	return tea.Batch(a.scanCmd(), export)
}

// scanText is the footer's progress of a re-filter, "" when none.
func (a *App) scanText() string {
	for _, v := range []*model.View{a.view, a.search.view} {
		if v != nil && !v.Complete() {
			done, total := v.Progress()
			return "filtering " + strconv.Itoa(100*done/max(total, 1)) + "%"
		}
	}
	if a.exporting != nil {
		done, total := a.exporting.b.Progress()
		return "exporting " + strconv.Itoa(100*done/max(total, 1)) + "%"
	}
	return ""
}
