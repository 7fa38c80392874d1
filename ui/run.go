package ui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
)

// ObserverBuffer is the size to give the client's ChanObserver: about
// 0.4 s of records at 20,000 records/s, so that a GC pause or a slow frame
// does not drop records (the drain takes up to drainMax per batch).
const ObserverBuffer = 8192

// DemoCookieMaxAge is the simulated gateway's cookie lifetime in the demo:
// short, so the header's cookie clock and the renewal are seen within a
// minute.
const DemoCookieMaxAge = 45 * time.Second

// ProgramOptions are the tea.ProgramOptions the dashboard wants for deps: a
// 30 fps cap (a log needs no more; Bubble Tea calls View after every
// message). Alt screen, mouse mode and the window title are set on the
// View. The caller adds tea.WithContext.
func ProgramOptions(deps Deps) []tea.ProgramOption {
	_ = deps // nothing depends on it yet; kept so main need not change
	return []tea.ProgramOption{tea.WithFPS(fps)}
}

// fps caps the frame rate.
const fps = 30

// Run runs the dashboard (NO_COLOR honoured whatever deps.NoColor says) until the user quits, ctx ends or deps.Duration
// passes. Whatever way the program ends, a panic included (Bubble Tea
// restores the terminal and returns tea.ErrProgramPanic), the client is
// closed afterwards so the auth cookie is deleted; Close is idempotent, so
// the normal quit path having closed it already is fine. opts are added
// after ProgramOptions.
func Run(ctx context.Context, deps Deps, opts ...tea.ProgramOption) error {
	deps.NoColor = deps.NoColor || NoColorRequested(os.Getenv)
	app := New(deps)
	all := append(ProgramOptions(deps), tea.WithContext(ctx))
	p := tea.NewProgram(app, append(all, opts...)...)
	_, err := p.Run()
	cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	// The quit's cleanup may have closed the clients already (closing
	// again is a no-op): its error is kept on the App.
	err = errors.Join(err, app.closeErr, app.deps.closeClients(cctx))
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil && !errors.Is(err, tea.ErrProgramPanic) {
		// Cancelled from outside (signal, --duration in main): not a failure.
		err = nil
	}
	if app.work.halted != "" {
		// The screen is gone: say once more why the workload stopped (the
		// fingerprint to pin, the credentials to fix), and fail.
		err = errors.Join(err, errors.New(app.work.halted))
	}
	return err
}
