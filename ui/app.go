package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/model"
)

// focus says which part takes the keys that are not global.
type focus uint8

const (
	focusList focus = iota
	focusDetail
)

// overlayKind is the overlay covering the body, if any.
type overlayKind uint8

const (
	overlayNone overlayKind = iota
	overlayHelp
	overlayTable
)

// App is the dashboard: the only tea.Model of the UI. Build it with New.
type App struct {
	deps   Deps
	keys   keyMap
	theme  *Theme
	chrome chrome
	dark   bool
	// helpCache is the footer's short help, by width, focus and overlay.
	helpCache struct {
		w       int
		focus   focus
		overlay bool
		text    string
	}

	width, height int
	lay           layout
	state         layoutState
	focus         focus
	overlay       overlayKind
	overlayTop    int
	mouse         bool

	log    *model.Log
	stats  *model.Stats
	filter model.Filter
	view   *model.View
	list   listPane
	detail detailPane

	prompt    prompt
	pause     pauseState
	now       time.Time
	auth      authState
	conn      connState
	dropped   uint64
	notice    notice
	noticeSeq uint64

	work     workload
	ctx      context.Context
	cancel   context.CancelFunc
	quitting bool
	// closeErr is why the quit's cleanup failed (the cookie could not be
	// deleted), for Run to report after the screen is restored.
	closeErr error
}

// New builds the dashboard from its dependencies. It starts nothing: the
// workload, the drain and the clock start from Init.
func New(d Deps) *App {
	d = d.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{
		deps:   d,
		keys:   defaultKeyMap(),
		dark:   true,
		log:    model.NewLog(d.RingCap),
		stats:  model.NewStats(statsWindow),
		mouse:  true,
		ctx:    ctx,
		cancel: cancel,
		now:    d.Now(),
		work:   newWorkload(d),
	}
	a.view = a.log.View(a.filter)
	a.list.follow = true
	a.setTheme(true)
	return a
}

// Init asks for the terminal's background colour and starts the drain, the
// clock, the workload and the --duration timer.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{
		tea.RequestBackgroundColor,
		drainCmd(a.ctx, a.deps.Observer, a.deps.Now),
		clockCmd(a.deps.Now, a.deps.Client, a.deps.Observer),
		a.startWorkload(),
	}
	if a.deps.Duration > 0 {
		cmds = append(cmds, durationCmd(a.deps.Duration))
	}
	return tea.Batch(cmds...)
}

// Update dispatches one message to its handler (STYLE.md §3.4).
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
		return a, nil
	case tea.BackgroundColorMsg:
		a.setTheme(msg.IsDark())
		return a, nil
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	case tea.MouseMsg:
		return a, a.handleMouse(msg)
	case tea.PasteMsg:
		a.handlePaste(msg)
		return a, nil
	case recordsMsg:
		a.ingest(msg)
		return a, drainCmd(a.ctx, a.deps.Observer, a.deps.Now)
	case clockTickMsg:
		return a, a.handleClock(msg)
	case workloadTickMsg:
		return a, a.handleWorkloadTick(msg)
	case callDoneMsg:
		return a, a.handleCallDone(msg)
	case watchEndedMsg:
		return a, a.handleWatchEnded(msg)
	case propsLearnedMsg:
		return a, a.handlePropsLearned(msg)
	case demoDoneMsg:
		return a, a.handleDemoDone(msg)
	case noticeExpiredMsg:
		if msg.ID == a.notice.id {
			a.notice = notice{}
		}
		return a, nil
	case durationElapsedMsg:
		return a, a.quit()
	case cleanupDoneMsg:
		a.closeErr = msg.Err // Run reports it once the screen is gone
		return a, tea.Quit
	}
	return a, nil
}

// View draws the frame. It renders only what is visible.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	if a.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	// No window title: a terminal cannot be asked for the one it had, and
	// Bubble Tea blanks a title it set when it exits.
	return v
}

// render builds the frame's text.
func (a *App) render() string {
	if a.width == 0 || a.height == 0 {
		return ""
	}
	if a.lay.TooSmall {
		return a.renderTooSmall()
	}
	lines := make([]string, 0, a.height)
	lines = append(lines, a.renderHeader(), a.renderStats())
	lines = append(lines, a.renderBody()...)
	lines = append(lines, a.renderFooter())
	return joinLines(lines)
}

// resize applies a new screen size.
func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	a.relayout()
}

// relayout recomputes the layout and sizes the panes.
func (a *App) relayout() {
	a.state.Overlay = a.overlay != overlayNone
	a.lay = computeLayout(a.width, a.height, a.state)
	fw, fh := a.theme.Frame.GetHorizontalFrameSize(), a.theme.Frame.GetVerticalFrameSize()
	a.list.setSize(a.lay.List.W-fw, a.lay.List.H-fh-listHeaderRows)
	a.detail.setSize(a.lay.Detail.W-fw, a.lay.Detail.H-fh)
	a.list.clampTo(a.visibleLen())
}

// setTheme picks the theme for the background (or the no-colour theme) and
// drops every cached rendering.
func (a *App) setTheme(dark bool) {
	a.dark = dark
	if a.deps.NoColor {
		a.theme = NoColorTheme()
	} else {
		a.theme = NewTheme(dark)
	}
	a.chrome = newChrome(a.theme)
	a.helpCache.text = ""
	a.list.invalidate()
	a.detail.invalidate()
	a.relayout()
}

// quit starts the clean shutdown: cancel streams and the workload, delete
// the cookie, then quit (STYLE.md §9).
func (a *App) quit() tea.Cmd {
	if a.quitting {
		return nil
	}
	a.quitting = true
	a.work.gen++
	a.cancel()
	return cleanupCmd(a.deps)
}
