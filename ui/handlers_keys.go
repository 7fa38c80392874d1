package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/model"
	"edgetop/ui/termtext"
)

// handleKey routes a key press: quit first (always works), then the filter
// prompt and the overlays (they capture input), then global keys, then the
// focused part.
func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.keys.Global.Quit) && !(a.prompt.on && msg.String() == "q"):
		return a.quit()
	case a.prompt.on:
		a.handlePromptKey(msg)
		return nil
	case a.overlay != overlayNone:
		a.handleOverlayKey(msg)
		return nil
	}
	if cmd, ok := a.handleGlobalKey(msg); ok {
		return cmd
	}
	// n and N work from the pane too: they move the list's selection and
	// the pane follows it.
	switch {
	case key.Matches(msg, a.keys.List.NextError):
		return a.jumpToError(+1)
	case key.Matches(msg, a.keys.List.PrevError):
		return a.jumpToError(-1)
	}
	if a.focus == focusDetail {
		a.handleDetailKey(msg)
		return nil
	}
	a.handleListKey(msg)
	return nil
}

// handleGlobalKey handles the keys that work whatever has the focus; ok is
// false when msg is not one of them.
func (a *App) handleGlobalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	g := a.keys.Global
	switch {
	case key.Matches(msg, g.Help):
		a.openOverlay(overlayHelp)
	case key.Matches(msg, g.Table):
		a.openOverlay(overlayTable)
	case key.Matches(msg, g.Pause):
		a.setPaused(!a.pause.on)
	case key.Matches(msg, g.Faster):
		return a.changeRate(+1), true
	case key.Matches(msg, g.Slower):
		return a.changeRate(-1), true
	case key.Matches(msg, g.Mouse):
		a.mouse = !a.mouse
	case key.Matches(msg, g.Pane):
		a.state.PaneHidden = !a.state.PaneHidden
		if a.state.PaneHidden {
			a.focus = focusList
		}
		a.relayout()
	case key.Matches(msg, g.Focus):
		a.toggleFocus()
	case key.Matches(msg, g.Filter):
		a.prompt = prompt{on: true, text: a.filter.Text}
	case key.Matches(msg, g.ClearFilter):
		a.setFilter(model.Filter{})
	case key.Matches(msg, g.Class2, g.Class3, g.Class4, g.Class5, g.ClassNet):
		a.toggleClass(msg)
	default:
		return nil, false
	}
	return nil, true
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
		a.focus = focusList
	}
}

// focusDetail gives the pane the focus. The list stops following live, so
// the row being read is not replaced by the next batch (G resumes).
func (a *App) focusDetail() {
	a.focus = focusDetail
	a.list.follow = false
}

// openOverlay covers the body with the help or the table; the table opens
// at the selected row's code.
func (a *App) openOverlay(k overlayKind) {
	a.overlay, a.overlayTop = k, 0
	a.relayout()
	if k == overlayTable {
		a.overlayTop = a.tableTopFor(a.selected())
	}
}

// handlePromptKey edits the filter text; enter applies it, esc cancels.
func (a *App) handlePromptKey(msg tea.KeyPressMsg) {
	p := a.keys.Prompt
	switch {
	case key.Matches(msg, p.Apply):
		f := a.filter
		f.Text = a.prompt.text
		a.prompt = prompt{}
		a.setFilter(f)
	case key.Matches(msg, p.Cancel):
		a.prompt = prompt{}
	case msg.Code == tea.KeyBackspace:
		r := []rune(a.prompt.text)
		if len(r) > 0 {
			a.prompt.text = string(r[:len(r)-1])
		}
	case msg.Text != "":
		a.typeInPrompt(msg.Text)
	}
}

// promptMaxBytes bounds the filter text (a paste can be anything).
const promptMaxBytes = 200

// typeInPrompt adds text to the filter prompt, sanitised, one line, and
// cut at a rune boundary within promptMaxBytes.
func (a *App) typeInPrompt(s string) {
	s = a.prompt.text + termtext.Sanitize(s)
	for len(s) > promptMaxBytes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	a.prompt.text = s
}

// handlePaste types a bracketed paste into the filter prompt; outside the
// prompt a paste means nothing.
func (a *App) handlePaste(msg tea.PasteMsg) {
	if a.prompt.on {
		// A copied line often brings its line break along.
		a.typeInPrompt(strings.TrimRight(msg.Content, "\r\n"))
	}
}

// handleOverlayKey scrolls or closes the overlay.
func (a *App) handleOverlayKey(msg tea.KeyPressMsg) {
	o, g := a.keys.Overlay, a.keys.Global
	page := max(a.lay.Body.H-3, 1)
	switch {
	// t in the help opens the table, ? in the table the help; the same
	// key again closes.
	case key.Matches(msg, g.Table) && a.overlay == overlayHelp:
		a.openOverlay(overlayTable)
	case key.Matches(msg, g.Help) && a.overlay == overlayTable:
		a.openOverlay(overlayHelp)
	case key.Matches(msg, o.Close):
		a.overlay = overlayNone
		a.relayout()
	case key.Matches(msg, o.Up):
		a.overlayTop--
	case key.Matches(msg, o.Down):
		a.overlayTop++
	case key.Matches(msg, o.PageUp):
		a.overlayTop -= page
	case key.Matches(msg, o.PageDown):
		a.overlayTop += page
	case key.Matches(msg, o.Top):
		a.overlayTop = 0
	case key.Matches(msg, o.Bottom):
		a.overlayTop = 1 << 30 // clamped when drawn
	}
	a.overlayTop = max(a.overlayTop, 0)
}

// handleListKey moves the selection.
func (a *App) handleListKey(msg tea.KeyPressMsg) {
	k := a.keys.List
	n := a.visibleLen()
	c := a.list.cursor
	page := max(a.list.h-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		a.list.moveTo(c-1, n, false)
	case key.Matches(msg, k.Down):
		a.list.moveTo(c+1, n, false)
	case key.Matches(msg, k.PageUp):
		a.list.moveTo(c-page, n, false)
	case key.Matches(msg, k.PageDown):
		a.list.moveTo(c+page, n, false)
	case key.Matches(msg, k.Top):
		a.list.moveTo(0, n, false)
	case key.Matches(msg, k.Bottom):
		a.list.moveTo(n-1, n, true)
	case key.Matches(msg, k.Open):
		a.openPane()
	}
	a.syncSelection()
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
// error row of the list. While the list follows live, N starts at the
// newest row itself, so it lands on the newest error. When there is no
// such row the selection stays and a short notice says so, rather than
// the key doing nothing visible.
func (a *App) jumpToError(dir int) tea.Cmd {
	n := a.visibleLen()
	start := a.list.cursor + dir
	if dir < 0 && a.list.follow {
		start = n - 1
	}
	for i := start; i >= 0 && i < n; i += dir {
		if r := a.view.At(i); r != nil && r.Class().IsError() {
			a.list.moveTo(i, n, false)
			a.syncSelection()
			return nil
		}
	}
	switch {
	case n == 0:
		return a.setNotice(noticeInfo, "no requests shown")
	case dir > 0:
		return a.setNotice(noticeInfo, "no newer error")
	}
	return a.setNotice(noticeInfo, "no older error")
}

// handleDetailKey scrolls the detail pane.
func (a *App) handleDetailKey(msg tea.KeyPressMsg) {
	k := a.keys.Detail
	page := max(a.detail.h-1, 1)
	a.detail.show(a.selected(), a.theme, a.explainer())
	switch {
	case key.Matches(msg, k.Up):
		a.detail.scroll(-1)
	case key.Matches(msg, k.Down):
		a.detail.scroll(1)
	case key.Matches(msg, k.PageUp):
		a.detail.scroll(-page)
	case key.Matches(msg, k.PageDown):
		a.detail.scroll(page)
	case key.Matches(msg, k.Top):
		a.detail.scroll(-len(a.detail.lines))
	case key.Matches(msg, k.Bottom):
		a.detail.scroll(len(a.detail.lines))
	}
}

// handleMouse scrolls the region under the wheel and selects a clicked
// row. Mouse messages only arrive while capture is on.
func (a *App) handleMouse(msg tea.MouseMsg) tea.Cmd {
	m := msg.Mouse()
	inDetail := !a.lay.Detail.Empty() && contains(a.lay.Detail, m.X, m.Y)
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		switch {
		case a.overlay != overlayNone:
			a.overlayTop = max(a.overlayTop+d, 0)
		case inDetail:
			a.detail.show(a.selected(), a.theme, a.explainer())
			a.detail.scroll(d)
		default:
			a.list.moveTo(a.list.cursor+d, a.visibleLen(), false)
			a.syncSelection()
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || a.overlay != overlayNone {
			return nil
		}
		a.click(m.X, m.Y, inDetail)
	}
	return nil
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
	a.focus = focusList
	row := y - a.lay.List.Y - a.theme.Frame.GetBorderTopSize() - listHeaderRows
	if row >= 0 && row < a.list.h {
		n := a.visibleLen()
		if i := a.list.top + row; i < n {
			a.list.moveTo(i, n, false)
			a.syncSelection()
		}
	}
}

func contains(r rect, x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}
