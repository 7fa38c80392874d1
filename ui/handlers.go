package ui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/list"
	"edgetop/ui/modal"
	"edgetop/ui/overlay"
	"edgetop/ui/prompt"
)

// handleKey routes a key press: quit first (it always works), then the
// dialog on top (it captures input), then the global keys, then the
// focused pane.
func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	top := a.modals.Top()
	_, typing := top.(*prompt.Prompt)
	if ty, ok := top.(modal.Typist); ok {
		typing = ty.TakesText() // a form: q types a q
	}
	switch {
	case key.Matches(msg, a.keys.Global.Quit) && !(typing && msg.String() == "q"):
		return a.quit()
	case top != nil:
		res := top.HandleKey(msg)
		if res.Close {
			if p, ok := top.(*prompt.Prompt); ok && p.Problem() != nil && res.Msg != nil {
				if _, applied := res.Msg.(prompt.Applied); applied {
					return nil // Enter on a wrong text: the prompt stays, showing why
				}
			}
		}
		intent := a.applyModal(res)
		if res.Close || res.Open != nil {
			a.relayout()
		}
		return a.handleIntent(intent)
	}
	if cmd, ok := a.handleGlobalKey(msg); ok {
		return cmd
	}
	if a.devs.shown() {
		return a.handleDevicesKey(msg)
	}
	// n and N work from the pane too: they move the list's selection and
	// the pane follows it. With a search they go between its matches.
	switch {
	case key.Matches(msg, a.keys.List.NextError) && a.search.q != nil:
		return a.jumpToMatch(+1)
	case key.Matches(msg, a.keys.List.PrevError) && a.search.q != nil:
		return a.jumpToMatch(-1)
	case key.Matches(msg, a.keys.List.NextError):
		return a.jumpToError(+1)
	case key.Matches(msg, a.keys.List.PrevError):
		return a.jumpToError(-1)
	}
	if a.focus == focusDetail {
		a.detail.HandleKey(msg, a.keys.Detail)
		return nil
	}
	if key.Matches(msg, a.keys.List.Open) {
		a.openPane()
		return nil
	}
	a.list.HandleKey(msg, a.keys.List)
	return nil
}

// handleIntent carries out what a dialog asked for.
func (a *App) handleIntent(msg tea.Msg) tea.Cmd {
	p, _ := a.modals.Top().(*prompt.Prompt)
	switch m := msg.(type) {
	case prompt.Changed:
		return a.promptChanged(p, m.Kind, m.Text)
	case prompt.Applied:
		if m.Kind == prompt.Export {
			return a.exportView(m.Text)
		}
		return a.promptChanged(nil, m.Kind, m.Text)
	case prompt.Cancelled:
		return a.promptChanged(nil, m.Kind, m.Text)
	}
	if cmd, ok := a.actionIntent(msg); ok {
		return cmd
	}
	return a.summaryIntent(msg)
}

// handleGlobalKey handles the keys that work whatever has the focus; ok is
// false when msg is not one of them.
func (a *App) handleGlobalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	g := a.keys.Global
	switch {
	case key.Matches(msg, g.Help):
		a.openModal(overlay.NewHelp(a.theme, a.keys, a.deps.Catalog))
	case key.Matches(msg, g.Table):
		code := -1
		if r := a.list.Selected(); r.Rec != nil {
			code = r.Rec.Status
		}
		a.openModal(overlay.NewTable(a.theme, a.keys, a.deps.Catalog, code))
	case key.Matches(msg, g.Pause) && a.replay != nil:
		a.toggleReplayPause()
	case key.Matches(msg, g.Pause):
		a.setPaused(!a.pause.on)
	case key.Matches(msg, g.Faster):
		return paceCmd(a.deps.Session, +1), true
	case key.Matches(msg, g.Slower):
		return paceCmd(a.deps.Session, -1), true
	case key.Matches(msg, g.Mouse):
		a.mouse = !a.mouse
	case key.Matches(msg, g.Pane):
		a.state.PaneHidden = !a.state.PaneHidden
		a.relayout()
	case key.Matches(msg, g.Focus):
		a.toggleFocus()
	case key.Matches(msg, g.Filter):
		a.openModal(prompt.New(a.theme, a.keys.Prompt, prompt.Filter, a.filter.Query.String()))
	case key.Matches(msg, g.Search):
		a.openModal(prompt.New(a.theme, a.keys.Prompt, prompt.Search, a.search.q.String()))
	case key.Matches(msg, g.MatchesOnly):
		return a.matchesOnly(), true
	case key.Matches(msg, g.ClearFilter):
		return a.clearOne(), true
	case key.Matches(msg, g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet):
		a.toggleClass(msg)
		return a.scanCmd(), true
	case key.Matches(msg, g.ErrorsOnly):
		a.toggleErrorsOnly()
		return a.scanCmd(), true
	case key.Matches(msg, g.Time):
		return a.cycleClock(), true
	case key.Matches(msg, g.YankCurl):
		return a.yank(false), true
	case key.Matches(msg, g.YankJSON):
		return a.yank(true), true
	case key.Matches(msg, g.Export):
		a.openExport()
	case key.Matches(msg, g.Summary):
		a.openSummary()
	case key.Matches(msg, g.Tour):
		a.startTour = true
		return a.quit(), true
	case key.Matches(msg, g.Actions):
		return a.openActions(), true
	case key.Matches(msg, g.Devices):
		a.toggleDevices()
	case a.strip.ctl != nil && a.strip.tour.Kind != 0 && key.Matches(msg, a.keys.Replay.Step):
		return nextStepCmd(a.strip.ctl), true
	case a.replay != nil && a.replayKey(msg):
	default:
		return nil, false
	}
	return nil, true
}

// applyModal carries out what the top dialog asked; when the last one
// closes, a list that an action menu stopped follows live again (its
// action's rows come in).
func (a *App) applyModal(r modal.Result) tea.Msg {
	msg := a.modals.Apply(r)
	if a.modals.Len() == 0 && a.acts.refollow {
		a.acts.refollow = false
		a.list.SetFollow(true)
		a.rowsChanged = true
	}
	return msg
}

// openModal puts a dialog on top.
func (a *App) openModal(m modal.Modal) {
	a.modals.Push(m)
	a.relayout()
}

// toggleClass flips one class in the filter. The empty class set means
// every class, so the first toggle shows every class but that one.
func (a *App) toggleClass(msg tea.KeyPressMsg) {
	g := a.keys.Global
	c := model.ClassNet
	switch {
	case key.Matches(msg, g.Class2):
		c = model.Class2xx
	case key.Matches(msg, g.Class3):
		c = model.Class3xx
	case key.Matches(msg, g.Class4):
		c = model.Class4xx
	case key.Matches(msg, g.Class5):
		c = model.Class5xx
	}
	f := a.filter
	set := f.Classes
	if set == 0 {
		set = model.AllClasses
	}
	set = set.Toggle(c)
	if set == model.AllClasses {
		set = 0
	}
	f.Classes = set
	a.setFilter(f)
}

func (a *App) toggleFocus() {
	if a.focus == focusList && !a.lay.Detail.Empty() {
		a.focusDetail()
	} else {
		a.setFocus(focusList)
	}
}

// focusDetail gives the pane the focus. The list stops following live, so
// the row being read is not replaced by the next batch (G resumes).
func (a *App) focusDetail() {
	a.setFocus(focusDetail)
	a.list.MoveTo(a.list.Cursor(), false)
}

// openPane shows the pane if it was hidden and gives it the focus.
func (a *App) openPane() {
	if a.state.PaneHidden {
		a.state.PaneHidden = false
		a.relayout()
	}
	if !a.lay.Detail.Empty() {
		a.focusDetail()
	}
}

// jumpToError selects the next (dir +1, newer) or previous (-1, older)
// error row. When there is none the selection stays and a short notice
// says so, rather than the key doing nothing visible.
func (a *App) jumpToError(dir int) tea.Cmd {
	found, more := a.list.JumpError(dir)
	switch {
	case found:
		return nil
	case more:
		way := map[int]string{1: "newer", -1: "older"}[dir]
		return a.setNotice(noticeInfo, "no error in the next "+strconv.Itoa(list.JumpBudget)+" "+way+
			" requests; the same key looks further")
	case a.list.Len() == 0:
		return a.setNotice(noticeInfo, "no requests shown")
	case dir > 0:
		return a.setNotice(noticeInfo, "no newer error")
	}
	return a.setNotice(noticeInfo, "no older error")
}

// handlePaste types a bracketed paste into the dialog on top, when it
// takes text.
func (a *App) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if p, ok := a.modals.Top().(modal.Paster); ok {
		p.HandlePaste(msg.Content)
	}
	if p, ok := a.modals.Top().(*prompt.Prompt); ok {
		return a.handleIntent(p.Pasted())
	}
	return nil
}

// handleMouse scrolls the region under the wheel and selects a clicked
// row. Mouse messages only arrive while capture is on.
func (a *App) handleMouse(msg tea.MouseMsg) {
	m := msg.Mouse()
	inDetail := !a.lay.Detail.Empty() && contains(a.lay.Detail, m.X, m.Y)
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		switch s, ok := a.modals.Top().(overlay.Scroller); {
		case ok:
			s.Scroll(d)
		case a.modals.Covers():
		case a.devs.shown():
			a.devicesScroll(inDetail, d)
		case inDetail:
			a.detail.Scroll(d)
		default:
			a.list.Scroll(d)
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || a.modals.Covers() {
			return
		}
		a.click(m.X, m.Y, inDetail)
	}
}

// click focuses the clicked pane and selects the clicked row.
func (a *App) click(x, y int, inDetail bool) {
	if inDetail {
		a.focusDetail()
		return
	}
	if !contains(a.lay.List, x, y) {
		return
	}
	if a.devs.shown() {
		a.devicesClick(y)
		return
	}
	a.setFocus(focusList)
	a.list.Click(y - a.lay.List.Y - a.theme.Frame.GetBorderTopSize() - list.HeaderRows)
}

func contains(r rect, x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}
