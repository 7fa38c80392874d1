package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/model"
	"edgetop/ui/termtext"
)

// API is the part of the edge client the dashboard calls (a consumer-side
// interface, STYLE.md §11): *edgeclient.Client satisfies it, tests use a
// fake. Every call reports its exchanges to the observer, which is how
// they reach the screen; the results only steer the workload.
type API interface {
	Auth() edgeclient.AuthState
	Close(ctx context.Context) error
	CreateAuthCookie(ctx context.Context) error
	ListThings(ctx context.Context, f edgeclient.ThingFilter) ([]edgeclient.Thing, error)
	GetThingProperties(ctx context.Context, productKey, deviceName string, ids ...string) (*edgeclient.Properties, error)
	CallThingServices(ctx context.Context, productKey, deviceName string, calls []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error)
	GetTSL(ctx context.Context, productKey string) (*edgeclient.TSL, error)
	Raw(ctx context.Context, method, path string, body []byte) (*edgeclient.RawResponse, error)
}

// Workload pacing: the interval between calls starts at Deps.Interval and
// + / - step it through these values.
var intervals = []time.Duration{
	2 * time.Second, time.Second, 500 * time.Millisecond, 200 * time.Millisecond,
	100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond, 10 * time.Millisecond,
}

// workload is the state of the background calls: the plan, the pacing and
// the generation that stale results are checked against.
type workload struct {
	plan     *model.Plan
	interval time.Duration
	gen      uint64
	watchID  uint64
	// learned is the current watch stream's channel of newly seen
	// property identifiers (nil before the first stream).
	learned <-chan propsLearnedMsg
	started time.Time
	// apiVersion is the version the client speaks (the demo's raw paths).
	apiVersion string
	demo       demoScript
	failures   int
	// halted says why the workload stopped for good (the gateway refused
	// the credentials, or its certificate is not trusted): retrying cannot
	// help, and with a wrong password could lock the account. "" runs.
	halted string
}

func newWorkload(d Deps) workload {
	w := workload{plan: model.NewPlan(), interval: d.Interval, gen: 1, apiVersion: d.APIVersion}
	if d.Demo && d.Sim != nil {
		w.demo = newDemoScript()
	}
	return w
}

// startWorkload arms the first workload tick (nothing without a client).
func (a *App) startWorkload() tea.Cmd {
	if a.deps.Client == nil {
		return nil
	}
	a.work.started = a.now
	return workloadTickCmd(a.work.gen, 0)
}

// changeRate steps the interval between calls: dir +1 is faster (a
// shorter interval), -1 slower.
func (a *App) changeRate(dir int) tea.Cmd {
	i := 0
	for i < len(intervals)-1 && intervals[i] > a.work.interval {
		i++
	}
	i = max(0, min(i+dir, len(intervals)-1))
	a.work.interval = intervals[i]
	return a.setNotice(noticeInfo, "one call every "+fmtLatency(a.work.interval))
}

// handleWorkloadTick starts the next call the plan asks for (and the demo
// steps that are due). The next tick is armed from the call's result, so a
// slow gateway never piles calls up (STYLE.md §9).
func (a *App) handleWorkloadTick(m workloadTickMsg) tea.Cmd {
	if m.Gen != a.work.gen || a.quitting || a.work.halted != "" {
		return nil
	}
	now := a.now
	cmds := a.demoSteps(now)
	c := a.work.plan.Next(now)
	switch c.Kind {
	case model.CallNone:
		cmds = append(cmds, workloadTickCmd(a.work.gen, a.work.interval))
	case model.CallWatch:
		cmds = append(cmds, a.openWatch(), workloadTickCmd(a.work.gen, 0))
	default:
		cmds = append(cmds, callCmd(a.ctx, a.deps.Client, a.work.gen, c))
	}
	return tea.Batch(cmds...)
}

// handleCallDone feeds a call's outcome to the plan and arms the next
// tick. After failures the pace backs off (up to 5 s) so an unreachable
// gateway is not hammered.
func (a *App) handleCallDone(m callDoneMsg) tea.Cmd {
	if m.Gen != a.work.gen {
		return nil
	}
	a.work.plan.Done(m.Call, m.Devices, m.Err != nil)
	if text, ok := haltReason(m.Call, m.Err); ok {
		a.work.halted = text
		return a.setStickyNotice(noticeError, text) // no next tick: the workload stops
	}
	wait := a.work.interval
	var cmd tea.Cmd
	if m.Err != nil && !errors.Is(m.Err, context.Canceled) {
		a.work.failures++
		if m.Call.Kind == model.CallAuth || m.Call.Kind == model.CallListThings {
			wait = min(a.work.interval<<min(a.work.failures, 6), 5*time.Second)
			cmd = a.setNotice(noticeError, termtext.Sanitize(m.Call.Kind.String()+": "+m.Err.Error()))
		}
	} else if m.Err == nil {
		a.work.failures = 0
	}
	return tea.Batch(cmd, workloadTickCmd(a.work.gen, wait))
}

// openWatch starts a new watch stream on the listed devices, and the wait
// for what it learns.
func (a *App) openWatch() tea.Cmd {
	a.work.watchID++
	a.conn.watching = true
	s, ok := newWatchStream(a.ctx, a.deps.Client, a.work.watchID, a.work.plan.Devices())
	if !ok {
		return nil // a client that cannot watch: the plan keeps it "open"
	}
	a.work.learned = s.learned
	return tea.Batch(watchCmd(s), learnedCmd(s.learned))
}

// handleWatchEnded lets the plan reopen the stream.
func (a *App) handleWatchEnded(m watchEndedMsg) tea.Cmd {
	if m.ID != a.work.watchID {
		return nil
	}
	a.conn.watching = false
	a.work.plan.WatchClosed()
	return nil
}

// workloadTickCmd arms the next workload tick after d.
func workloadTickCmd(gen uint64, d time.Duration) tea.Cmd {
	if d <= 0 {
		return func() tea.Msg { return workloadTickMsg{Gen: gen} }
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return workloadTickMsg{Gen: gen} })
}

// callCmd makes one planned call on the client.
func callCmd(ctx context.Context, api API, gen uint64, c model.Call) tea.Cmd {
	return func() tea.Msg {
		m := callDoneMsg{Gen: gen, Call: c}
		switch c.Kind {
		case model.CallAuth:
			m.Err = api.CreateAuthCookie(ctx)
		case model.CallListThings:
			m.Devices, m.Err = listDevices(ctx, api)
		case model.CallGetProperties:
			_, m.Err = api.GetThingProperties(ctx, c.ProductKey, c.DeviceName, c.Identifiers...)
		case model.CallService:
			_, m.Err = api.CallThingServices(ctx, c.ProductKey, c.DeviceName, []edgeclient.ServiceCall{{Name: c.Service}})
		case model.CallBurst:
			m.Err = burst(ctx, api, c)
		case model.CallRaw:
			m.Err = rawCall(ctx, api, c)
		}
		return m
	}
}

// burst makes c.N property reads at once (the demo's way past the
// gateway's per-IP connection limit).
func burst(ctx context.Context, api API, c model.Call) error {
	errs := make(chan error, c.N)
	for range c.N {
		go func() {
			_, err := api.GetThingProperties(ctx, c.ProductKey, c.DeviceName, c.Identifiers...)
			errs <- err
		}()
	}
	var first error
	for range c.N {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// listDevices lists the things and finds each product's readable
// properties and services (from the TSL when the client can fetch it).
func listDevices(ctx context.Context, api API) ([]model.PlanDevice, error) {
	things, err := api.ListThings(ctx, edgeclient.ThingFilter{})
	if err != nil {
		return nil, err
	}
	specs := map[string]productSpec{}
	out := make([]model.PlanDevice, 0, len(things))
	for _, t := range things {
		spec, ok := specs[t.ProductKey]
		if !ok {
			spec = fetchSpec(ctx, api, t.ProductKey)
			specs[t.ProductKey] = spec
		}
		out = append(out, model.PlanDevice{ProductKey: t.ProductKey, DeviceName: t.DeviceName,
			Properties: spec.properties, Services: spec.services})
	}
	return out, nil
}

// productSpec is what the workload needs from a product's TSL.
type productSpec struct{ properties, services []string }

// fetchSpec reads a product's TSL for its readable properties and its
// services. Without a TSL (2019-09-30, or an error) the device has no
// identifiers until the watch stream names some (watch.go, Plan.Learn);
// the plan does not poll it before.
func fetchSpec(ctx context.Context, api API, productKey string) productSpec {
	tsl, err := api.GetTSL(ctx, productKey)
	if err != nil || tsl == nil {
		return productSpec{}
	}
	var s productSpec
	for _, p := range tsl.Properties {
		s.properties = append(s.properties, p.Identifier)
	}
	for _, sv := range tsl.Services {
		s.services = append(s.services, sv.Identifier)
	}
	return s
}

// rawCall sends a planned raw request (the demo's legacy path).
func rawCall(ctx context.Context, api API, c model.Call) error {
	_, err := api.Raw(ctx, c.Method, c.Path, nil)
	return err
}

// haltReason says whether a call's error stops the workload for good, and
// what the operator must fix: the gateway refused the console credentials
// (401/403 on CreateAuthCookie), or TLS verification failed on login (a
// certificate error does not fix itself; the operator must choose to trust
// the gateway). Other errors are retried with backoff.
func haltReason(c model.Call, err error) (string, bool) {
	if c.Kind != model.CallAuth || err == nil {
		return "", false
	}
	var ae *edgeclient.APIError
	if errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403) {
		return fmt.Sprintf("login refused (HTTP %d): check --user and the password (EDGETOP_PASSWORD or "+
			"--password-file); edgetop stopped calling the gateway", ae.Status), true
	}
	var ne *edgeclient.NetError
	if errors.As(err, &ne) && ne.Kind == model.ErrTLS {
		return "TLS: gateway certificate not trusted; " + trustHint(err), true
	}
	return "", false
}

// trustHint tells how to trust the gateway, with its certificate's
// fingerprint when the client saw the certificate.
func trustHint(err error) string {
	var ne *edgeclient.NetError
	switch {
	case !errors.As(err, &ne):
	case ne.PinMismatch != nil:
		return "it is " + ne.PinMismatch.Got + ", not the pinned one; if the new one is yours: --pin " + ne.PinMismatch.Got
	case ne.PeerCertificate != nil:
		return "if it is yours: --pin " + edgeclient.Fingerprint(ne.PeerCertificate.Raw) + " (or --ca-file, --insecure)"
	}
	return "trust it with --ca-file (the gateway's ca.x509.pem), --pin sha256:HEX or --insecure"
}
