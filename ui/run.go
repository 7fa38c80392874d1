package ui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/ui/plain"
	"edgetop/ui/theme"
)

// forRun is deps as Run uses them: NO_COLOR honoured whatever NoColor
// says, frames paced by the wall clock.
func (d Deps) forRun() Deps {
	d.NoColor = d.NoColor || theme.NoColorRequested(os.Getenv)
	if d.Pace == nil {
		d.Pace = time.Now
	}
	return d
}

// ErrStartTour is Run's error when W asked for the guided tour: the
// caller starts it once the demo's session is over.
var ErrStartTour = errors.New("the guided tour was asked for")

// ProgramOptions are the tea.ProgramOptions the dashboard wants: a 30 fps
// cap (a log needs no more; Bubble Tea calls View after every message).
// Alt screen and mouse mode are set on the View. Run adds tea.WithContext.
func ProgramOptions() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithFPS(fps)}
}

// Run starts the session, runs the dashboard (NO_COLOR honoured whatever
// deps.NoColor says) until the user quits, ctx ends or deps.Duration
// passes, and stops the session. However the program ends, a panic
// included (Bubble Tea restores the terminal and returns
// tea.ErrProgramPanic), the session is stopped afterwards so the cookie is
// deleted; stopping twice is a no-op. It returns the error of deleting the
// cookie and, when the session halted, why (the screen is gone: this is
// where the operator reads it). opts are added after ProgramOptions.
func Run(ctx context.Context, deps Deps, opts ...tea.ProgramOption) error {
	deps = deps.forRun()
	app := New(deps)
	if deps.Session != nil {
		deps.Session.Start()
	}
	all := append(ProgramOptions(), tea.WithContext(ctx))
	p := tea.NewProgram(app, append(all, opts...)...)
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil && !errors.Is(err, tea.ErrProgramPanic) {
		err = nil // cancelled from outside (a signal): not a failure
	}
	if deps.Session != nil {
		// The loop is gone: read the session's last events so that it can
		// finish, then stop it (a no-op after a quit that stopped it).
		go func() {
			for range deps.Session.Events() { //nolint:revive // drained on purpose
			}
		}()
		sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		err = errors.Join(err, deps.Session.Stop(sctx))
	}
	if app.halted != "" {
		err = errors.Join(err, errors.New(app.halted))
	}
	if app.startTour {
		err = errors.Join(ErrStartTour, err)
	}
	if r := app.failedOn; r != nil {
		err = errors.Join(&plain.FailOnError{Line: plain.Line(r, deps.Catalog, theme.NoColorTheme())}, err)
	}
	return err
}
