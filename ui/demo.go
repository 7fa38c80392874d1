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

// demoWaitMax is how long the demo waits for the workload to know some
// property identifiers before its first round starts anyway. On
// 2020-04-30 the TSL names them with the first ListThings; on 2019-09-30
// they are learned from the watch stream's first propertiesChanged events
// (the simulator sends them within about a second).
const demoWaitMax = 10 * time.Second

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
	// calls builds the calls to enqueue from the devices known; ver is
	// the API version the client speaks (raw paths carry its prefix).
	calls func(devs []model.PlanDevice, ver string) []model.Call
	// hook changes the simulator or drives the second, read-only client
	// (run in a cmd, off the UI loop).
	hook func(ctx context.Context, e demoEnv)
	// services marks a step that needs a device's service names: skipped,
	// not announced, when none are known (2019-09-30 has no TSL to name
	// them).
	services bool
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
	// waitFrom is when the script first came due: the first round starts
	// once identifiers are known, or demoWaitMax after it.
	waitFrom time.Time
}

func newDemoScript() demoScript {
	return demoScript{on: true, steps: []demoStep{
		{at: 2 * time.Second, name: "call a service on every device", calls: serviceCalls, services: true},
		{at: 6 * time.Second, name: "legacy path (302)", calls: legacyCall},
		{at: 10 * time.Second, name: "unknown device (404), missing identifiers (400), wrong method (405)", calls: badCalls},
		{at: 14 * time.Second, name: "connection limit 2", hook: simHook(func(h DemoHooks) { h.SetConnLimit(2) })},
		{at: 14*time.Second + 100*time.Millisecond, name: "burst past the connection limit (421)", calls: burstCall},
		{at: 18 * time.Second, name: "connection limit restored", hook: simHook(func(h DemoHooks) { h.SetConnLimit(demoConnLimit) })},
		{at: 22 * time.Second, name: "maintenance window (503)", hook: simHook(func(h DemoHooks) { h.Faults().Maintenance(4 * time.Second) })},
		{at: 28 * time.Second, name: "user viewer tries to call a service (403)", hook: viewerWrite, services: true},
		// A reset is injected on a call that changes state: net/http
		// silently retries an idempotent GET on a reused connection.
		{at: 40 * time.Second, name: "connection reset (transport error)", hook: simHook(func(h DemoHooks) {
			h.Faults().Add(edgesim.FaultRule{Op: "CallThingServices", Action: edgesim.ActionReset, Count: 1})
		}), services: true},
		{at: 40*time.Second + 100*time.Millisecond, name: "call a service on every device", calls: serviceCalls, services: true},
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
		if d.waitFrom.IsZero() {
			d.waitFrom = now
		}
		if !w.plan.KnowsProperties() && now.Sub(d.waitFrom) < demoWaitMax {
			return nil
		}
		d.round = now
	}
	var hooks []demoStep
	for d.next < len(d.steps) && now.Sub(d.round) >= d.steps[d.next].at {
		st := d.steps[d.next]
		d.next++
		if st.services && !w.plan.KnowsServices() {
			continue
		}
		if st.calls != nil {
			for _, c := range st.calls(w.plan.Devices(), w.apiVersion) {
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

func serviceCalls(devs []model.PlanDevice, _ string) []model.Call {
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

// withProperties returns the first device (the last when last is set)
// whose property identifiers are known.
func withProperties(devs []model.PlanDevice, last bool) (model.PlanDevice, bool) {
	for i := range devs {
		if last {
			i = len(devs) - 1 - i
		}
		if len(devs[i].Properties) > 0 {
			return devs[i], true
		}
	}
	return model.PlanDevice{}, false
}

// legacyCall reads a device's properties on the legacy singular path,
// which the gateway redirects (302), in the version the client speaks.
func legacyCall(devs []model.PlanDevice, ver string) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	d, ok := withProperties(devs, false)
	if !ok {
		d = devs[0] // the 302 still shows; the read after it is a 400
	}
	p := "/" + ver + "/thing/" + url.PathEscape(d.ProductKey) + "/" + url.PathEscape(d.DeviceName) + "/properties"
	if len(d.Properties) > 0 {
		p += "?identifiers=" + url.QueryEscape(d.Properties[0])
	}
	return []model.Call{{Kind: model.CallRaw, Method: "GET", Path: p}}
}

// badCalls are requests the gateway refuses: a read of a device that does
// not exist (404; it needs known identifiers, or the answer is a 400 for
// the missing parameter), a read without identifiers (400) and a method
// the collection does not allow (405).
func badCalls(devs []model.PlanDevice, ver string) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	var out []model.Call
	if d, ok := withProperties(devs, false); ok {
		out = append(out, model.Call{Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: "Light99", Identifiers: d.Properties})
	}
	d := devs[0]
	return append(out,
		model.Call{Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: d.DeviceName},
		// The things collection cannot be deleted: 405 with Allow.
		model.Call{Kind: model.CallRaw, Method: "DELETE", Path: "/" + ver + "/things"},
	)
}

// burstCall reads a device's properties 12 times at once, past the
// connection limit (421). It needs known identifiers (without them every
// read would be a 400 too), so with none it is skipped.
func burstCall(devs []model.PlanDevice, _ string) []model.Call {
	d, ok := withProperties(devs, true)
	if !ok {
		return nil
	}
	return []model.Call{{Kind: model.CallBurst, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: d.Properties, N: 12}}
}
