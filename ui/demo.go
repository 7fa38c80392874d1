package ui

import (
	"context"
	"net/url"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// DemoHooks are the simulated gateway's run-time controls the demo uses.
// *edgesim.Server satisfies it.
type DemoHooks interface {
	Faults() *edgesim.Faults
	SetConnLimit(n int)
}

// demoPeriod is the length of one round of the demo script: every status
// class appears within it.
const demoPeriod = time.Minute

// demoConnLimit is the simulator's connection limit outside the 421 step.
const demoConnLimit = 32

// demoStep is one thing the demo makes happen, at an offset into each
// round: calls for the workload (real causes: a device whose service
// fails, a legacy path that redirects, a burst past the connection limit)
// and hooks on the simulator (a maintenance window, a
// reset connection) or with a second client logged in as a read-only user
// (a write it may not make).
type demoStep struct {
	at   time.Duration
	name string
	// calls builds the calls to enqueue from the devices known.
	calls func(devs []model.PlanDevice) []model.Call
	// hook changes the simulator or drives the second, read-only client
	// (run in a cmd, off the UI loop).
	hook func(ctx context.Context, e demoEnv)
}

// demoEnv is what a demo hook may use: values copied when the step came
// due, and goroutine-safe handles.
type demoEnv struct {
	sim DemoHooks
	// viewer is the demo's second client, logged in as the simulator's
	// read-only user (nil when there is none).
	viewer API
	devs   []model.PlanDevice
}

// demoScript walks through the steps, round after round.
type demoScript struct {
	steps []demoStep
	round time.Time
	next  int
	on    bool
}

func newDemoScript() demoScript {
	return demoScript{on: true, steps: []demoStep{
		{at: 2 * time.Second, name: "call a service on every device", calls: serviceCalls},
		{at: 6 * time.Second, name: "legacy path (302)", calls: legacyCall},
		{at: 10 * time.Second, name: "unknown device (404), missing identifiers (400), wrong method (405)", calls: badCalls},
		{at: 14 * time.Second, name: "connection limit 2", hook: simHook(func(h DemoHooks) { h.SetConnLimit(2) })},
		{at: 14*time.Second + 100*time.Millisecond, name: "burst past the connection limit (421)", calls: burstCall},
		{at: 18 * time.Second, name: "connection limit restored", hook: simHook(func(h DemoHooks) { h.SetConnLimit(demoConnLimit) })},
		{at: 22 * time.Second, name: "maintenance window (503)", hook: simHook(func(h DemoHooks) { h.Faults().Maintenance(4 * time.Second) })},
		{at: 28 * time.Second, name: "user viewer tries to call a service (403)", hook: viewerWrite},
		// A reset is injected on a call that changes state: net/http
		// silently retries an idempotent GET on a reused connection.
		{at: 40 * time.Second, name: "connection reset (transport error)", hook: simHook(func(h DemoHooks) {
			h.Faults().Add(edgesim.FaultRule{Op: "CallThingServices", Action: edgesim.ActionReset, Count: 1})
		})},
		{at: 40*time.Second + 100*time.Millisecond, name: "call a service on every device", calls: serviceCalls},
	}}
}

// simHook makes a hook of a change to the simulator.
func simHook(f func(DemoHooks)) func(context.Context, demoEnv) {
	return func(_ context.Context, e demoEnv) {
		if e.sim != nil {
			f(e.sim)
		}
	}
}

// viewerWrite has the read-only second client log in and call a service
// on a device whose services work: the simulator answers 403, as a real
// gateway does for a console user without the permission.
func viewerWrite(ctx context.Context, e demoEnv) {
	if e.viewer == nil {
		return
	}
	for _, d := range e.devs {
		svc := pickService(d.Services)
		if svc == "" || svc == "toggle" && d.DeviceName == "Light04" {
			continue
		}
		if !e.viewer.Auth().Authenticated && e.viewer.CreateAuthCookie(ctx) != nil {
			return
		}
		_, _ = e.viewer.CallThingServices(ctx, d.ProductKey, d.DeviceName, []edgeclient.ServiceCall{{Name: svc}})
		return
	}
}

// demoSteps runs the steps due at now: their calls go to the plan, their
// hooks into cmds.
func (a *App) demoSteps(now time.Time) []tea.Cmd {
	if a.deps.Sim == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, st := range a.work.dueDemo(now) {
		cmds = append(cmds, demoHookCmd(a.ctx, a.demoEnv(), a.work.gen, st.name, st.hook))
	}
	return cmds
}

// demoEnv copies what the demo hooks may use.
func (a *App) demoEnv() demoEnv {
	return a.deps.demoEnv(a.work.plan.Devices())
}

func (d Deps) demoEnv(devs []model.PlanDevice) demoEnv {
	return demoEnv{sim: d.Sim, viewer: d.Viewer, devs: append([]model.PlanDevice(nil), devs...)}
}

// dueDemo enqueues the calls of the demo steps due at now and returns the
// due steps that have a hook (for the caller to run, off the UI loop).
func (w *workload) dueDemo(now time.Time) []demoStep {
	d := &w.demo
	if !d.on {
		return nil
	}
	if d.round.IsZero() {
		d.round = now
	}
	var hooks []demoStep
	for d.next < len(d.steps) && now.Sub(d.round) >= d.steps[d.next].at {
		st := d.steps[d.next]
		d.next++
		if st.calls != nil {
			for _, c := range st.calls(w.plan.Devices()) {
				w.plan.Enqueue(c)
			}
		}
		if st.hook != nil {
			hooks = append(hooks, st)
		}
	}
	if d.next == len(d.steps) && now.Sub(d.round) >= demoPeriod {
		d.round, d.next = now, 0
	}
	return hooks
}

// handleDemoDone shows which demo step just started.
func (a *App) handleDemoDone(m demoDoneMsg) tea.Cmd {
	if m.Gen != a.work.gen {
		return nil
	}
	return a.setNotice(noticeInfo, "demo: "+m.Step)
}

// demoHookCmd runs a demo hook (on the simulator, or with the viewer
// client).
func demoHookCmd(ctx context.Context, e demoEnv, gen uint64, name string, hook func(context.Context, demoEnv)) tea.Cmd {
	return func() tea.Msg {
		hook(ctx, e)
		return demoDoneMsg{Gen: gen, Step: name}
	}
}

// demoServices are services that take no arguments, in order of
// preference: on the simulator toggle fails on Light04 (a lamp fault) and
// calibrate now and then, the others work.
var demoServices = []string{"toggle", "calibrate", "selfTest", "resetEnergy", "get"}

func serviceCalls(devs []model.PlanDevice) []model.Call {
	var out []model.Call
	for _, d := range devs {
		if svc := pickService(d.Services); svc != "" {
			out = append(out, model.Call{Kind: model.CallService, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Service: svc})
		}
	}
	return out
}

func pickService(have []string) string {
	for _, want := range demoServices {
		for _, h := range have {
			if h == want {
				return h
			}
		}
	}
	return ""
}

func legacyCall(devs []model.PlanDevice) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	d := devs[0]
	p := "/2020-04-30/thing/" + url.PathEscape(d.ProductKey) + "/" + url.PathEscape(d.DeviceName) + "/properties"
	if len(d.Properties) > 0 {
		p += "?identifiers=" + url.QueryEscape(d.Properties[0])
	}
	return []model.Call{{Kind: model.CallRaw, Method: "GET", Path: p}}
}

func badCalls(devs []model.PlanDevice) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	d := devs[0]
	return []model.Call{
		{Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: "Light99", Identifiers: d.Properties},
		{Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: d.DeviceName},
		// The things collection cannot be deleted: 405 with Allow.
		{Kind: model.CallRaw, Method: "DELETE", Path: "/2020-04-30/things"},
	}
}

func burstCall(devs []model.PlanDevice) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	d := devs[len(devs)-1]
	return []model.Call{{Kind: model.CallBurst, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: d.Properties, N: 12}}
}
