package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"edgetop/model"
)

// Tuning constants of the record flow and the pace, in one place.
const (
	// drainWindow is how long a batch of records collects after its first
	// record: about a frame at 20 fps, so a face gets one batch per frame.
	drainWindow = 50 * time.Millisecond
	// drainPoll is how often the loop takes what queued during a window,
	// instead of waking for every record (at 20,000 records/s a wake-up per
	// record cost more than the records' handling). ObserverBuffer holds
	// what arrives between two polls up to about 800,000 records/s.
	drainPoll = 10 * time.Millisecond
	// drainMax caps a batch so that one step of a face never takes long;
	// at 20,000 records/s a 50 ms window holds about 1,000.
	drainMax = 4096
	// DefaultInterval is the pace between calls when Config.Interval is 0.
	DefaultInterval = 200 * time.Millisecond
	// DefaultSlots is how many calls run at once when Config.Slots is 0.
	DefaultSlots = 4
	// eventBuffer is the room in the event channel: a few seconds of
	// batches, so a face that is busy for a moment does not stall calls.
	eventBuffer = 64
)

// Intervals are the paces Pace steps through, slowest first.
var Intervals = []time.Duration{
	2 * time.Second, time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond, 10 * time.Millisecond,
}

// RecordSource is where the client's records come from: its observer's
// channel and drop count (*edgeclient.ChanObserver has both).
type RecordSource interface {
	C() <-chan model.Record
	Dropped() uint64
}

// Config configures an Engine. Client is required; the rest has defaults.
type Config struct {
	// ID names the session in its events ("gw1" when empty).
	ID string
	// Client is the gateway's client; Records its observer.
	Client  API
	Records RecordSource
	// Gateway and APIVersion are shown by the faces (default: the
	// client's, when it says).
	Gateway, APIVersion string
	// Simulated and Insecure are shown by the faces.
	Simulated, Insecure bool
	// Interval is the starting pace between calls (default 200ms); Slots
	// how many calls may run at once (default 4), so that one stalled call
	// holds one slot, not the session.
	Interval time.Duration
	Slots    int
	// Policy tunes the engine's backoff.
	Policy Policy
	// Demo, when set, adds the demo script.
	Demo *Demo
	// Tour, when set, runs the guided tour instead of the workload and
	// the demo script (Demo then gives the tour the simulator's controls
	// and the viewer client): tour.go. TourAuto goes on from each step by
	// itself after TourPause (default DefaultTourPause); else a face calls
	// NextStep.
	Tour      *model.Tour
	TourAuto  bool
	TourPause time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ReadOnly refuses every operator action that changes state
	// (actions.go) without sending anything; the faces say READ-ONLY.
	ReadOnly bool
}

// clientInfo is what a real client says about itself.
type clientInfo interface {
	Gateway() string
	APIVersion() string
	Insecure() bool
}

// peerInfo is the real client's memory of the gateway's certificate.
type peerInfo interface{ PeerFingerprint() string }

// masker is a client that masks its secrets in text (edgeclient.Client):
// the session's own texts (a certificate's names, an error) go through it.
type masker interface{ Mask(text string) string }

// Engine runs one session against one gateway: the workload plan, a pool
// of concurrent calls at a pace, the failure policy, the Watch stream and
// the demo script, and reports everything as one ordered stream of events
// (Events): batches of the client's records and the session's changes
// (up, lost, back, halted, watch open and closed). It is safe for
// concurrent use; the plan and the policy state live on its one loop.
type Engine struct {
	cfg    Config
	policy Policy
	now    func() time.Time

	events  chan Event
	results chan result
	watchCh chan watchMsg
	ctl     chan func()
	stopReq chan struct{} // closed by Stop
	stopArg context.Context
	done    chan struct{} // the loop has ended and events is closed
	running bool          // Start ran (set once, before the loop starts)
	ctx     context.Context
	cancel  context.CancelFunc
	work    sync.WaitGroup // calls, streams and demo hooks
	started sync.Once
	stopped sync.Once
	stopErr error
	watch   watchCounters

	mu sync.Mutex
	st State

	// Owned by the loop.
	plan       *model.Plan
	inFlight   int
	interval   time.Duration
	slots      int
	link       Link
	stopping   bool
	lostSince  time.Time
	lostFailed int
	linkFails  int
	lastOK     time.Time
	probeAt    time.Time
	fails      map[string]int
	watchGen   uint64
	watchCall  model.Call
	watchStop  context.CancelFunc
	watchFails int
	demo       *demoScript
	tour       *tourRun
	pending    []model.Record

	// tsls caches the products' TSLs the actions read (actions.go).
	tsls tslCache
}

// New returns an engine for cfg; Start runs it.
func New(cfg Config) *Engine {
	if cfg.ID == "" {
		cfg.ID = "gw1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Slots <= 0 {
		cfg.Slots = DefaultSlots
	}
	if ci, ok := cfg.Client.(clientInfo); ok {
		if cfg.Gateway == "" {
			cfg.Gateway = ci.Gateway()
		}
		if cfg.APIVersion == "" {
			cfg.APIVersion = ci.APIVersion()
		}
		cfg.Insecure = cfg.Insecure || ci.Insecure()
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = "2020-04-30"
	}
	e := &Engine{
		cfg: cfg, policy: cfg.Policy.withDefaults(), now: cfg.Now,
		events:   make(chan Event, eventBuffer),
		results:  make(chan result, cfg.Slots+1),
		watchCh:  make(chan watchMsg, 8),
		ctl:      make(chan func(), 8),
		stopReq:  make(chan struct{}),
		done:     make(chan struct{}),
		plan:     model.NewPlan(),
		interval: cfg.Interval,
		slots:    cfg.Slots,
		fails:    map[string]int{},
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	if cfg.Tour != nil {
		e.tour = newTourRun(cfg)
	} else if cfg.Demo != nil {
		e.demo = newDemoScript()
	}
	e.st = State{
		Session: cfg.ID, Gateway: cfg.Gateway, APIVersion: cfg.APIVersion, Simulated: cfg.Simulated,
		Insecure: cfg.Insecure, Interval: cfg.Interval, Link: LinkConnecting, ReadOnly: cfg.ReadOnly,
	}
	return e
}

// ID is the session's ID.
func (e *Engine) ID() string { return e.cfg.ID }

// Events is the session's stream. It is closed after the last event
// (EventEnded), once Stop has wound the session down. A face must keep
// reading it until then, or Stop waits for its context.
func (e *Engine) Events() <-chan Event { return e.events }

// Start runs the session in the background until Stop. Calling it again,
// or after Stop, does nothing.
func (e *Engine) Start() {
	e.started.Do(func() {
		e.running = true
		go e.loop()
	})
}

// Stop ends the session: no new calls, the running ones and the streams
// cancelled and waited for, the cookies deleted (the client's and the demo
// viewer's), the last records sent, then EventEnded and the channel
// closed. It returns the error of deleting the cookie. ctx bounds the
// whole; events nobody reads once it ends are dropped.
func (e *Engine) Stop(ctx context.Context) error {
	e.stopped.Do(func() {
		e.started.Do(func() {}) // a session never started is not started now
		if !e.running {
			e.stopErr = e.closeClients(ctx)
			close(e.events)
			close(e.done)
			return
		}
		e.stopArg = ctx
		close(e.stopReq)
		<-e.done
	})
	return e.stopErr
}

// Pace steps the interval between calls: dir > 0 is faster, < 0 slower.
// The session reports the new pace with EventPace.
func (e *Engine) Pace(dir int) {
	e.control(func() {
		i := slices.IndexFunc(Intervals, func(d time.Duration) bool { return d <= e.interval })
		if i < 0 {
			i = len(Intervals) - 1
		}
		i = max(0, min(i+dir, len(Intervals)-1))
		e.interval = Intervals[i]
		e.setState(func(s *State) { s.Interval = e.interval })
		e.emit(Event{Kind: EventPace, After: e.interval})
	})
}

// control runs f on the loop (dropped once the session has ended).
func (e *Engine) control(f func()) {
	select {
	case e.ctl <- f:
	case <-e.done:
	}
}

// State returns a snapshot of the session.
func (e *Engine) State() State {
	e.mu.Lock()
	s := e.st
	e.mu.Unlock()
	if e.cfg.Client != nil {
		s.Auth = e.cfg.Client.Auth()
	}
	if e.cfg.Records != nil {
		s.Dropped = e.cfg.Records.Dropped()
	}
	s.Watch = e.watchState()
	return s
}

func (e *Engine) setState(f func(*State)) {
	e.mu.Lock()
	f(&e.st)
	e.mu.Unlock()
}

// loop is the session: the only goroutine that touches the plan. After
// Stop it goes on taking the results, streams and records of what is still
// running (cancelled) until all of it is done, then ends the session.
func (e *Engine) loop() {
	var recs, in <-chan model.Record // in is recs, or nil while a window is open
	if e.cfg.Records != nil {
		recs = e.cfg.Records.C()
	}
	in = recs
	tick := time.NewTimer(0)
	defer tick.Stop()
	poll := time.NewTimer(time.Hour)
	poll.Stop()
	polls := 0
	stop := e.stopReq
	var idle, deadline <-chan struct{} // set by Stop
	e.emit(Event{Kind: EventConnecting, Text: "connecting to " + e.cfg.Gateway})
	for {
		select {
		case <-stop:
			stop, idle, deadline = nil, e.windDown(), e.stopArg.Done()
		case <-idle:
			e.end()
			return
		case <-deadline:
			e.end()
			return
		case <-tick.C:
			e.schedule()
			tick.Reset(e.wait())
		case r := <-e.results:
			e.onResult(r)
		case m := <-e.watchCh:
			e.onWatch(m)
		case f := <-e.ctl:
			f()
		case r := <-in:
			// A window opens: what comes in it is taken every drainPoll.
			e.pending = append(e.pending, r)
			in, polls = nil, 0
			poll.Reset(drainPoll)
		case <-poll.C:
			e.take()
			if polls++; polls*int(drainPoll) >= int(drainWindow) || len(e.pending) >= drainMax {
				e.flush()
				in = recs
			} else {
				poll.Reset(drainPoll)
			}
		}
	}
}

// wait is the time to the next scheduling step.
func (e *Engine) wait() time.Duration {
	switch {
	case e.halted() || e.stopping:
		return time.Hour
	case !e.probeAt.IsZero():
		return max(e.interval, e.probeAt.Sub(e.now()))
	}
	return e.interval
}

// schedule starts the next call the plan asks for, if a slot is free: at
// most one new call per step, so the pace holds; while the gateway is
// lost, one probe at a time, at the backoff's pace. Opening the watch
// stream takes neither a slot nor a step.
func (e *Engine) schedule() {
	now := e.now()
	if e.halted() || e.stopping {
		return
	}
	if !e.probeAt.IsZero() && (e.inFlight > 0 || now.Before(e.probeAt)) {
		return
	}
	if e.tour != nil && e.tourReady(now) {
		return // the tour makes the calls now
	}
	e.runDemo(now)
	for e.inFlight < e.slots {
		c := e.plan.Next(now)
		switch c.Kind {
		case model.CallNone:
			return
		case model.CallWatch:
			e.openWatch(c)
			continue
		}
		e.start(c)
		return
	}
}

// start runs c in a slot.
func (e *Engine) start(c model.Call) {
	e.inFlight++
	e.setState(func(s *State) { s.InFlight = e.inFlight })
	e.work.Add(1)
	start := e.now()
	go func() {
		defer e.work.Done()
		r := runCall(e.ctx, e.cfg.Client, c)
		r.start = start
		e.results <- r
	}()
}

// onResult applies the policy to a finished call.
func (e *Engine) onResult(r result) {
	e.inFlight--
	e.setState(func(s *State) { s.InFlight = e.inFlight })
	e.plan.Done(r.call, r.devices, r.err != nil)
	if e.stopping || e.halted() {
		return
	}
	now := e.now()
	d := e.decide(r.call, r.err)
	key := failKey(r.call)
	switch d.verdict {
	case verdictOK:
		e.plan.Clear(r.call)
		delete(e.fails, key)
		e.up(now)
		e.devicesListed(r)
		e.tourListed(r.call, now)
	case verdictIgnore:
	case verdictHalt:
		e.halt(d, now)
	case verdictRefuse:
		// The gateway answered: the link is fine, the request is not.
		e.plan.Refuse(r.call)
		e.up(now)
	case verdictBackoff:
		n := e.fails[key]
		e.fails[key] = n + 1
		e.plan.Defer(r.call, now.Add(backoff(e.policy.ServerBase, e.policy.ServerMax, n)))
		e.up(now)
	case verdictLink:
		e.lost(r.call, r.start, d, now)
	}
}

// failKey groups failures for backoff: per device, or per kind of call.
func failKey(c model.Call) string {
	if c.DeviceName != "" || c.ProductKey != "" {
		return c.ProductKey + "/" + c.DeviceName
	}
	return c.Kind.String()
}

// up notes that the gateway answered: EventUp the first time, EventBack
// after an outage.
func (e *Engine) up(now time.Time) {
	if e.halted() {
		return
	}
	e.lastOK = now
	switch {
	case !e.probeAt.IsZero():
		e.flush()
		e.emit(Event{
			Kind: EventBack, After: now.Sub(e.lostSince), Failed: e.lostFailed,
			Text: fmt.Sprintf("gateway back after %s", RoundDuration(now.Sub(e.lostSince))),
		})
		e.probeAt, e.linkFails, e.lostFailed = time.Time{}, 0, 0
	case e.link == LinkConnecting:
		e.flush()
		e.emit(Event{Kind: EventUp, Text: "connected to " + e.cfg.Gateway})
	default:
		return
	}
	e.link = LinkUp
	e.setState(func(s *State) { s.Link, s.Since, s.Why, s.Text = LinkUp, now, "", "" })
}

// lost notes a call that got no usable answer. When something else was
// answered since that call started (a stalled device among healthy ones),
// only its device is put off; otherwise the gateway is lost: EventLost the
// first time, and one probe at a time with backoff until it answers.
func (e *Engine) lost(c model.Call, started time.Time, d decision, now time.Time) {
	if e.link == LinkUp && !started.IsZero() && e.lastOK.After(started) {
		n := e.fails[failKey(c)]
		e.fails[failKey(c)] = n + 1
		e.plan.Defer(c, now.Add(backoff(e.policy.LinkBase, e.policy.LinkMax, n)))
		return
	}
	base, ceil := e.policy.LinkBase, e.policy.LinkMax
	if d.kind == model.ErrDNS {
		base, ceil = e.policy.DNSBase, e.policy.DNSMax
	}
	if e.probeAt.IsZero() {
		e.lostSince = now
		e.flush()
		ev := Event{
			Kind: EventLost, Since: now, Why: d.kind, Text: d.text,
			Fix: model.AdviceFor(&model.Record{Err: &model.TransportError{Kind: d.kind}}),
		}
		e.emit(ev)
		e.link = LinkLost
		e.setState(func(s *State) { s.Link, s.Since, s.Why, s.Text = LinkLost, now, d.kind, d.text })
	}
	e.lostFailed++
	e.probeAt = now.Add(backoff(base, ceil, e.linkFails))
	e.linkFails++
}

// halted reports whether the session stopped for good.
func (e *Engine) halted() bool { return e.link == LinkHalted }

// halt stops the session for good: the watch stream is closed, nothing is
// called again (the cookie is still deleted at Stop).
func (e *Engine) halt(d decision, now time.Time) {
	if e.halted() {
		return
	}
	e.link = LinkHalted
	if e.watchStop != nil {
		e.watchStop()
	}
	e.flush()
	e.emit(Event{Kind: EventHalted, Text: d.text, Fix: d.fix, Why: d.kind})
	e.setState(func(s *State) { s.Link, s.Since, s.Why, s.Text, s.Fix = LinkHalted, now, d.kind, d.text, d.fix })
}

// decide applies the policy to a call's error, its texts masked as the
// client masks its records.
func (e *Engine) decide(c model.Call, err error) decision {
	d := decide(c, err, e.peerFP())
	if m, ok := e.cfg.Client.(masker); ok {
		d.text, d.fix = m.Mask(d.text), m.Mask(d.fix)
	}
	return d
}

// peerFP is the fingerprint of the certificate the gateway had at the
// last verified handshake.
func (e *Engine) peerFP() string {
	if p, ok := e.cfg.Client.(peerInfo); ok {
		return p.PeerFingerprint()
	}
	return ""
}

// openWatch starts a Watch stream on the call's targets.
func (e *Engine) openWatch(c model.Call) {
	e.watchGen++
	ctx, cancel := context.WithCancel(e.ctx)
	e.watchCall, e.watchStop = c, cancel
	gen := e.watchGen
	e.work.Add(1)
	go func() {
		defer e.work.Done()
		defer cancel()
		stream(ctx, e.cfg.Client, gen, targetsOf(c), e.watchCh, &e.watch, e.now)
	}()
}

// onWatch handles what a stream reports.
func (e *Engine) onWatch(m watchMsg) {
	if m.gen != e.watchGen || e.stopping {
		return
	}
	if e.halted() && m.kind != watchEnded {
		// A stream cancelled by the halt may still report an opening or
		// a drop it saw just before: the session says nothing more.
		return
	}
	now := e.now()
	switch m.kind {
	case watchOpened:
		e.watchFails = 0
		e.up(now)
		e.flush()
		e.emit(Event{Kind: EventWatchOpen, RecordID: m.recordID, Text: "watch stream open"})
	case watchLearned:
		for _, p := range m.learned {
			e.plan.Learn(p.ProductKey, p.DeviceName, p.IDs...)
		}
	case watchDropped:
		e.flush()
		e.emit(Event{
			Kind: EventWatchClosed, Count: m.count, After: m.delay, RecordID: m.recordID,
			Text: dropText(m.err),
		})
	case watchEnded:
		e.watchEnded(m, now)
	case watchData:
		e.watchData(m)
	}
}

// watchEnded decides when, if ever, the stream reopens: not while halted,
// never unchanged after the gateway refused it, later after a failure.
func (e *Engine) watchEnded(m watchMsg, now time.Time) {
	e.plan.WatchClosed()
	if e.halted() {
		return
	}
	d := e.decide(e.watchCall, m.err)
	ev := Event{Kind: EventWatchClosed, Count: m.count, Text: "the stream ended"}
	switch d.verdict {
	case verdictOK, verdictIgnore:
		// It ended without an error: reopen at the next step.
	case verdictHalt:
		e.halt(d, now)
		return
	case verdictRefuse:
		e.plan.Refuse(e.watchCall)
		ev.Text = d.text + "; not reopened until the device list changes"
	default:
		if d.verdict == verdictLink {
			e.lost(model.Call{Kind: model.CallWatch}, time.Time{}, d, now)
		}
		wait := backoff(e.policy.ServerBase, e.policy.ServerMax, e.watchFails)
		e.watchFails++
		e.plan.Defer(model.Call{Kind: model.CallWatch}, now.Add(wait))
		e.watch.reopenAt.Store(now.Add(wait).UnixNano())
		ev.Text, ev.After = d.text, wait
	}
	e.flush()
	e.emit(ev)
}

// dropText says why a connection of the stream dropped.
func dropText(err error) string {
	if err == nil || errors.Is(err, context.Canceled) {
		return "the gateway closed the stream"
	}
	return err.Error()
}

// runDemo runs the demo steps due now: their calls go to the plan, their
// hooks run off the loop.
func (e *Engine) runDemo(now time.Time) {
	if e.demo == nil {
		return
	}
	healthy := func(d model.PlanDevice) bool { return e.fails[d.ProductKey+"/"+d.DeviceName] == 0 }
	for _, st := range e.demo.due(now, e.plan, e.cfg.APIVersion, healthy) {
		e.flush()
		e.emit(Event{Kind: EventDemo, Text: "demo: " + st.name})
		if st.hook == nil {
			continue
		}
		devs, round, hook := healthyDevices(slices.Clone(e.plan.Devices()), healthy), e.demo.round, st.hook
		e.work.Add(1)
		go func() {
			defer e.work.Done()
			hook(e.ctx, e.cfg.Demo, devs, round)
		}()
	}
}

// take moves the records queued in the observer to the pending ones.
func (e *Engine) take() {
	if e.cfg.Records != nil {
		ch := e.cfg.Records.C()
		for n := len(ch); n > 0 && len(e.pending) < drainMax; n-- {
			e.pending = append(e.pending, <-ch)
		}
	}
}

// flush sends the pending records, with what is already queued, as one
// batch: records always come before the event that follows them.
func (e *Engine) flush() {
	e.take()
	if len(e.pending) == 0 {
		return
	}
	batch := e.pending
	e.pending = nil
	// A call's 401 is reported after the renewal it caused, yet it started
	// first: within a batch, records are in start order.
	slices.SortStableFunc(batch, func(x, y model.Record) int { return x.Start.Compare(y.Start) })
	e.tourSee(batch)
	var dropped uint64
	if e.cfg.Records != nil {
		dropped = e.cfg.Records.Dropped()
	}
	e.emit(Event{Kind: EventRecords, Records: batch, Dropped: dropped})
}

// emit sends ev on the stream. It waits for the reader; once Stop was
// called, only as long as Stop's context lasts.
func (e *Engine) emit(ev Event) {
	ev.Session = e.cfg.ID
	if ev.At.IsZero() {
		ev.At = e.now()
	}
	switch ev.Kind {
	case EventWatchOpen, EventWatchClosed, EventWatchData:
		ev.Watch = e.watchState()
	}
	select {
	case e.events <- ev:
		return
	case <-e.stopReq:
	}
	select {
	case e.events <- ev:
	case <-e.stopArg.Done():
	}
}

// windDown starts the end (Stop): no new calls, the running ones and the
// streams cancelled. The returned channel closes once they are all done.
func (e *Engine) windDown() <-chan struct{} {
	e.stopping = true
	e.cancel()
	idle := make(chan struct{})
	go func() {
		e.work.Wait()
		close(idle)
	}()
	return idle
}

// end finishes the session: the cookies deleted, the last records and
// EventEnded sent, the stream closed.
func (e *Engine) end() {
	e.stopErr = e.closeClients(e.stopArg)
	for e.flush(); e.cfg.Records != nil && len(e.cfg.Records.C()) > 0; {
		e.flush()
	}
	e.emit(Event{Kind: EventEnded, Text: "session ended"})
	close(e.events)
	close(e.done)
}

// closeClients deletes the cookies of the client and of the demo viewer
// and closes their connections.
func (e *Engine) closeClients(ctx context.Context) error {
	var errs []error
	clients := []API{e.cfg.Client}
	if e.cfg.Demo != nil && e.cfg.Demo.Viewer != nil {
		clients = append(clients, e.cfg.Demo.Viewer)
	}
	for _, c := range clients {
		if c == nil {
			continue
		}
		if err := c.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("deleting the auth cookie at exit: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Runner is what a face drives: *Engine has it, tests may fake it.
type Runner interface {
	Start()
	Events() <-chan Event
	State() State
	Pace(dir int)
	Stop(ctx context.Context) error
}

var _ Runner = (*Engine)(nil)

// ObserverBuffer is the size to give the client's ChanObserver: about
// 0.4 s of records at 20,000 records/s, so that a GC pause or a slow frame
// does not drop records (a batch takes up to drainMax).
const ObserverBuffer = 8192

// DemoCookieMaxAge is the simulated gateway's cookie lifetime in the demo:
// short, so the header's cookie clock and the renewal are seen within a
// minute.
const DemoCookieMaxAge = 45 * time.Second
