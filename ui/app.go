// Package ui is the dashboard: the App (the only tea.Model) wires the
// panes (ui/list, ui/detail, ui/header), the dialogs (ui/modal,
// ui/overlay, ui/prompt), the keymap (ui/keys) and the theme (ui/theme) to
// one session engine (edgeclient/session), whose events it relays into
// Update. Plain mode (ui/plain) is the other face of the same engine.
package ui

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/model/failures"
	"edgetop/ui/detail"
	"edgetop/ui/keys"
	"edgetop/ui/list"
	"edgetop/ui/modal"
	"edgetop/ui/theme"
)

// focus says which pane takes the keys that are not global.
type focus uint8

const (
	focusList focus = iota
	focusDetail
)

// App is the dashboard. Build it with New.
type App struct {
	deps   Deps
	keys   keys.KeyMap
	theme  *theme.Theme
	dark   bool
	chrome chrome

	width, height int
	lay           layout
	state         layoutState
	focus         focus
	modals        modal.Stack
	mouse         bool

	log    *model.Log
	stats  *model.Stats
	filter model.Filter
	view   *model.View
	list   *list.List
	detail *detail.Pane
	marks  []list.Mark
	markID uint64
	// rowsChanged says the list's rows must be given to it again (new
	// records, marks, a filter, a pause).
	rowsChanged bool

	// st is the session as the header shows it: the link from its events,
	// the rest from the clock's snapshots.
	st session.State
	// pace0 is the session's pace at start: the footer shows the pace
	// only once +/- changed it.
	pace0   time.Duration
	pause   pauseState
	now     time.Time
	notice  notice
	noticeN uint64
	help    helpCache
	// halted says why the session stopped for good (text and fix), for
	// Run to say again once the screen is gone.
	halted   string
	quitting bool

	// search highlights what it matches; scanning says a slice of a
	// re-filter is due.
	search   searchState
	scanning bool
	// clock is how the list writes times (T).
	clock list.Clock
	// failures groups the session's failures (F), all of them, not only
	// those the ring holds.
	failures *failures.Summary
	// failedOn is the record --fail-on matched.
	failedOn *model.Record
	// replay drives a replayed recording; nil for a live session.
	replay recording.Controls
	// devs is the device pane (D) and the table it shows.
	devs devicePane
	// acts is the operator's actions (a): actions_app.go.
	acts actionsState
	// strip is the tour's caption or the demo's steps.
	strip stripState
	// startTour is set by W: Run then returns ErrStartTour.
	startTour bool
	// replayLine is where the replay is, as sync read it (View asks the
	// player nothing).
	replayLine string
	// pacer skips the frames nobody would see (frame.go).
	pacer pacer
	// exportAfterScan is the file an export waits to write until the
	// re-filter has gone through every record held; exporting is the
	// export whose snapshot is being copied (triage.go).
	exportAfterScan string
	exporting       *exportJob
}

// New builds the dashboard. It starts nothing: Run starts the session and
// Init the clock.
func New(d Deps) *App {
	d = d.withDefaults()
	a := &App{
		deps:     d,
		keys:     keys.Default(),
		dark:     true,
		log:      model.NewLog(d.RingCap),
		stats:    model.NewStats(statsWindow),
		failures: failures.New(),
		mouse:    true,
		now:      d.Now(),
		filter:   model.Filter{Query: d.Filter},
	}
	if d.Session != nil {
		a.st = d.Session.State()
		a.pace0 = a.st.Interval
		a.replay, _ = d.Session.(recording.Controls)
		a.strip.ctl, _ = d.Session.(session.TourControls)
	}
	a.enableReplayKeys()
	a.keys.Global.Tour.SetEnabled(d.OfferTour)
	a.initActions()
	a.theme = theme.For(d.NoColor, a.dark)
	a.list = list.New(a.theme, d.Catalog)
	a.detail = detail.New(a.theme, d.Catalog, d.APICodes)
	a.devs = newDevicePane(a.theme)
	a.view = a.log.View(a.filter)
	a.updateClearKey()
	a.setTheme(true)
	a.syncRows()
	a.sync()
	a.pacer.clock = d.Pace
	return a
}

// Init asks for the terminal's background colour and starts waiting for
// the session's events, the clock and the --duration timer.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, clockCmd(a.deps.Now, a.deps.Session)}
	if a.deps.Session != nil {
		cmds = append(cmds, waitEventCmd(a.deps.Session.Events()))
	}
	if a.deps.Duration > 0 {
		cmds = append(cmds, durationCmd(a.deps.Duration))
	}
	return tea.Batch(cmds...)
}

// Update dispatches one message to its handler (STYLE.md §3.4), then
// brings what the frame shows up to date (sync), so View only draws.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if !background(msg) {
		a.syncRows() // what the handlers read of the list is up to date
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		a.setTheme(msg.IsDark())
	case tea.KeyPressMsg:
		cmd = a.handleKey(msg)
	case tea.MouseMsg:
		a.handleMouse(msg)
	case tea.PasteMsg:
		cmd = a.handlePaste(msg)
	case scanTickMsg:
		cmd = a.handleScan()
	case exportedMsg:
		cmd = a.exported(msg)
	case eventMsg:
		cmd = a.handleEvent(msg.Event)
	case clockTickMsg:
		cmd = a.handleClock(msg)
	case noticeExpiredMsg:
		if msg.ID == a.notice.id {
			a.notice = notice{}
		}
	case durationElapsedMsg:
		cmd = a.quit()
	case stoppedMsg:
		cmd = tea.Quit
	case streamEndedMsg:
		// The session is over (stopped from outside): nothing more comes.
	}
	if a.listDue(msg) {
		a.syncRows()
	}
	a.sync()
	return a, tea.Batch(cmd, a.pace(msg))
}

// resize applies a new screen size.
func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	a.relayout()
}

// relayout recomputes the layout and sizes the panes and the dialog on
// top.
func (a *App) relayout() {
	a.state.Overlay = a.modals.Covers()
	a.state.Strip = a.strip.rows(a.width)
	a.lay = computeLayout(a.width, a.height, a.state)
	fw, fh := a.theme.Frame.GetHorizontalFrameSize(), a.theme.Frame.GetVerticalFrameSize()
	a.list.SetSize(a.lay.List.W-fw, a.lay.List.H-fh-list.HeaderRows)
	a.detail.SetSize(a.lay.Detail.W-fw, a.lay.Detail.H-fh)
	if m := a.modals.Top(); m != nil {
		if m.Place() == modal.Body {
			m.SetSize(a.lay.Body.W-fw, a.lay.Body.H-fh)
		} else {
			m.SetSize(a.width, 1)
		}
	}
	if a.focus == focusDetail && a.lay.Detail.Empty() {
		a.setFocus(focusList)
	}
}

// setTheme picks the theme for the background (or the no-colour one);
// every cache keyed on the theme rebuilds itself.
func (a *App) setTheme(dark bool) {
	a.dark = dark
	a.theme = theme.For(a.deps.NoColor, dark)
	a.chrome = newChrome(a.theme)
	a.list.SetTheme(a.theme)
	a.detail.SetTheme(a.theme)
	a.relayout()
}

// setFocus gives the keys to a pane.
func (a *App) setFocus(f focus) {
	a.focus = f
	a.list.SetFocused(f == focusList)
	a.detail.SetFocused(f == focusDetail)
}

// sync brings what the frame shows up to date with the state: the list's
// rows and drawn lines, the pane's explanation of the selected row, the
// footer's key help. It runs after every message, so View only draws.
func (a *App) sync() {
	a.replayLine = a.replayText()
	a.list.Sync()
	if !a.lay.Detail.Empty() {
		empty := ""
		if a.list.Len() == 0 && a.log.Len() > 0 {
			empty = "The filter hides every request held (" + strconv.Itoa(a.log.Len()) + "). Esc clears it, E shows errors only."
		}
		a.detail.SetEmpty(empty)
		a.detail.Show(a.list.Selected())
	}
	a.syncDevices()
	a.help.update(a)
}

// syncRows gives the list its rows again when they changed.
func (a *App) syncRows() {
	if a.rowsChanged {
		a.rowsChanged = false
		a.list.SetRows(a.view, a.visibleLen(), a.visibleMarks())
		a.tookRows()
	}
}

// quit starts the clean shutdown: the session stops (its streams
// cancelled, the cookie deleted), then the program quits (STYLE.md §9).
func (a *App) quit() tea.Cmd {
	if a.quitting {
		return nil
	}
	a.quitting = true
	return stopCmd(a.deps.Session)
}
