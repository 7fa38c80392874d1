package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"edgetop/model"
)

// The guided tour (Config.Tour) runs a script of steps, each an action that
// makes the gateway answer one status code by its real cause. In tour mode
// the engine logs in and lists the devices (reading the TSL) as usual, and
// then runs no workload of its own: no polling, no demo script, no Watch
// (but on 2019-09-30, which has no TSL, the Watch stream is opened first to
// learn property identifiers, as the demo does). The steps run one at a
// time: the action runs off the loop through the client (and the
// simulator's controls, the viewer client: Config.Demo), the step waits at
// most tourStepWait for a record with its code, then EventTour says what
// was shown (or that it was not) and the tour waits for NextStep, or with
// TourAuto for TourPause. The tour's calls are not put through the failure
// policy: they are meant to fail.

// Tuning constants of the tour.
const (
	// DefaultTourPause is how long an automatic tour (Config.TourAuto)
	// shows a step before it goes on, when Config.TourPause is 0.
	DefaultTourPause = 3 * time.Second
	// tourStepWait bounds how long a step waits for its code, and how
	// long its action may run.
	tourStepWait = 10 * time.Second
	// tourLearnMax is how long the tour waits after the listing for
	// property identifiers (2019-09-30: from the Watch stream).
	tourLearnMax = demoWaitMax
	// tourConnLimit is the connection limit the burst step sets, and
	// tourBurstN how many reads it makes at once by default.
	tourConnLimit = 2
	tourBurstN    = 12
	// tourMaintenance is the default maintenance window; a script may ask
	// for at most tourMaintenanceMax.
	tourMaintenance    = 2 * time.Second
	tourMaintenanceMax = 30 * time.Second
	// tourSeenMax bounds the statuses a step remembers for its event.
	tourSeenMax = 16
)

// TourControls is how a face moves a guided tour on: *Engine has it.
type TourControls interface {
	// NextStep ends the wait after a step's event: the tour goes on (in
	// an automatic tour, without waiting for the pause). It does nothing
	// while no step waits.
	NextStep()
}

var _ TourControls = (*Engine)(nil)

// NextStep goes on to the tour's next step (TourControls).
func (e *Engine) NextStep() {
	if e.tour == nil {
		return
	}
	select {
	case e.tour.next <- struct{}{}:
	default:
	}
}

// tourRun is a running tour.
type tourRun struct {
	script *model.Tour
	auto   bool
	pause  time.Duration
	next   chan struct{} // NextStep; room for one

	// Owned by the loop.
	listed  time.Time // when the devices were first listed
	started bool
	watch   *tourWatch // the step waiting for its code, if any
}

// tourWatch is a step waiting for a record with its code.
type tourWatch struct {
	code  int
	hit   chan uint64 // the record that showed it (room for one)
	found bool
	seen  []int // the statuses of the step's exchanges, at most tourSeenMax
}

func newTourRun(cfg Config) *tourRun {
	pause := cfg.TourPause
	if pause <= 0 {
		pause = DefaultTourPause
	}
	return &tourRun{script: cfg.Tour, auto: cfg.TourAuto, pause: pause, next: make(chan struct{}, 1)}
}

// tourListed notes (on the loop) a call that succeeded: the first listing
// lets the tour start.
func (e *Engine) tourListed(c model.Call, now time.Time) {
	if e.tour != nil && c.Kind == model.CallListThings && e.tour.listed.IsZero() {
		e.tour.listed = now
	}
}

// tourReady reports (on the loop) whether the workload stops because the
// tour runs: once the devices are listed and their properties known (or
// tourLearnMax has passed), it starts the tour.
func (e *Engine) tourReady(now time.Time) bool {
	t := e.tour
	switch {
	case t.started:
		return true
	case t.listed.IsZero():
		return false
	case !e.plan.KnowsProperties() && now.Sub(t.listed) < tourLearnMax:
		return false
	}
	t.started = true
	env := tourEnv{api: e.cfg.Client, demo: e.cfg.Demo, devs: slices.Clone(e.plan.Devices()), ver: e.cfg.APIVersion}
	e.work.Add(1)
	go func() {
		defer e.work.Done()
		e.runTour(env)
	}()
	return true
}

// tourSee checks (on the loop) a batch of records against the waiting
// step.
func (e *Engine) tourSee(batch []model.Record) {
	if e.tour == nil || e.tour.watch == nil {
		return
	}
	w := e.tour.watch
	for i := range batch {
		r := &batch[i]
		if len(w.seen) < tourSeenMax {
			w.seen = append(w.seen, r.Status)
		}
		if !w.found && r.Status == w.code {
			w.found = true
			w.hit <- r.ID
		}
	}
}

// onLoop runs f on the engine's loop and waits until it ran; false when
// the session ended first.
func (e *Engine) onLoop(f func()) bool {
	ran := make(chan struct{})
	select {
	case e.ctl <- func() { f(); close(ran) }:
	case <-e.ctx.Done():
		return false
	}
	select {
	case <-ran:
		return true
	case <-e.ctx.Done():
		return false
	}
}

// runTour runs the steps in turn, then says what they showed.
func (e *Engine) runTour(env tourEnv) {
	steps := e.tour.script.Steps
	var shown, missing []string
	for i, st := range steps {
		ok, found := e.tourStep(env, i, st)
		if !ok {
			return // the session is ending
		}
		if found {
			shown = append(shown, strconv.Itoa(st.Code))
		} else {
			missing = append(missing, strconv.Itoa(st.Code))
		}
	}
	text := "tour over: shown: " + orNone(shown) + ", missing: " + orNone(missing)
	e.onLoop(func() {
		e.flush()
		e.emit(Event{Kind: EventTour, Total: len(steps), Failed: len(missing), Text: text})
	})
}

func orNone(codes []string) string {
	if len(codes) == 0 {
		return "none"
	}
	return strings.Join(codes, " ")
}

// tourStep runs step i: its action, the wait for its code, its event, the
// wait to go on and the end of its action. ok is false when the session
// ended meanwhile; found says whether the code showed.
func (e *Engine) tourStep(env tourEnv, i int, st model.TourStep) (ok, found bool) {
	w := &tourWatch{code: st.Code, hit: make(chan uint64, 1)}
	if !e.onLoop(func() { e.flush(); e.tour.watch = w }) {
		return false, false
	}
	ctx, cancel := context.WithTimeout(e.ctx, tourStepWait)
	defer cancel()
	done := e.tourAct(ctx, env, st)
	id, why, finished, timedOut, ok := e.tourAwait(w, done)
	if !ok {
		return false, false
	}
	select { // a NextStep pressed before the event is not an answer to it
	case <-e.tour.next:
	default:
	}
	found, ok = e.tourEvent(i, st, w, id, func() string { return missingText(st, why, w.seen, timedOut) })
	if !ok || !e.tourGoOn() {
		return false, false
	}
	if !finished { // the step's calls end before the next step's start
		select {
		case <-done:
		case <-e.ctx.Done():
			return false, false
		}
	}
	return true, found
}

// tourEvent ends step i's wait for its code (on the loop, after the
// step's last records) and sends its event: the caption when record id
// (or one still arriving) showed the code, else what missing says.
func (e *Engine) tourEvent(i int, st model.TourStep, w *tourWatch, id uint64, missing func() string) (found, ok bool) {
	ev := Event{Kind: EventTour, Count: uint64(i + 1), Total: len(e.tour.script.Steps), Code: st.Code}
	ok = e.onLoop(func() {
		e.flush() // the step's last records, which may hold its code
		if id == 0 {
			select {
			case id = <-w.hit:
			default:
			}
		}
		e.tour.watch = nil
		ev.RecordID, ev.Text = id, strings.Join(st.Caption, "\n")
		if id == 0 {
			ev.Text = missing()
		}
		e.emit(ev)
	})
	return ok && id != 0, ok
}

// tourAct runs a step's action off the loop; the channel gets why it could
// not run ("" when it ran) once it ends.
func (e *Engine) tourAct(ctx context.Context, env tourEnv, st model.TourStep) <-chan string {
	act := tourActions[st.Action].run
	if act == nil { // a script parsed without the engine's vocabulary
		act = func(context.Context, tourEnv, string) string { return "the engine has no action " + st.Action }
	}
	done := make(chan string, 1)
	e.work.Add(1)
	go func() {
		defer e.work.Done()
		done <- act(ctx, env, st.Arg)
	}()
	return done
}

// tourAwait waits for the step's code to show, its action to end without
// it, or tourStepWait.
func (e *Engine) tourAwait(w *tourWatch, done <-chan string) (id uint64, why string, finished, timedOut, ok bool) {
	timer := time.NewTimer(tourStepWait)
	defer timer.Stop()
	select {
	case id = <-w.hit:
	case why = <-done:
		finished = true
	case <-timer.C:
		timedOut = true
	case <-e.ctx.Done():
		return 0, "", false, false, false
	}
	return id, why, finished, timedOut, true
}

// tourGoOn waits for NextStep, or the pause of an automatic tour.
func (e *Engine) tourGoOn() bool {
	var auto <-chan time.Time
	if e.tour.auto {
		t := time.NewTimer(e.tour.pause)
		defer t.Stop()
		auto = t.C
	}
	select {
	case <-e.tour.next:
	case <-auto:
	case <-e.ctx.Done():
		return false
	}
	return true
}

// missingText says what a step expected and what happened instead.
func missingText(st model.TourStep, why string, seen []int, timedOut bool) string {
	what := st.Action
	if st.Arg != "" {
		what += " " + st.Arg
	}
	text := fmt.Sprintf("expected %d from %s, and it did not happen", st.Code, what)
	switch {
	case why != "":
		return text + ": " + why
	case len(seen) > 0:
		var codes []string
		for _, s := range seen {
			if s == 0 {
				codes = append(codes, "no response")
			} else {
				codes = append(codes, strconv.Itoa(s))
			}
		}
		return text + ": the gateway answered " + strings.Join(codes, ", ")
	case timedOut:
		return text + fmt.Sprintf(": no exchange within %s", tourStepWait)
	}
	return text + ": no exchange"
}

// ParseTour parses a tour script (assets.Tour) with the engine's actions
// and checks each step's argument: a fault is a *model.TourError naming
// its line.
func ParseTour(src []byte) (*model.Tour, error) {
	t, err := model.ParseTour(src, KnownTourAction)
	var te *model.TourError
	if errors.As(err, &te) && strings.HasPrefix(te.Msg, "unknown action") {
		te.Msg += " (the actions: " + strings.Join(TourActions(), ", ") + ")"
	}
	if err != nil {
		return nil, err
	}
	for _, st := range t.Steps {
		if check := tourActions[st.Action].check; check != nil {
			if err := check(st.Arg); err != nil {
				return nil, &model.TourError{Line: st.Line, Msg: st.Action + ": " + err.Error()}
			}
		}
	}
	return &t, nil
}

// KnownTourAction reports whether the engine knows a tour action.
func KnownTourAction(action string) bool {
	_, ok := tourActions[action]
	return ok
}

// TourActions lists the actions a tour script may name, sorted.
func TourActions() []string {
	out := make([]string, 0, len(tourActions))
	for a := range tourActions {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}
