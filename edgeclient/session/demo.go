package session

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// DemoControls are the simulated gateway's run-time controls the demo
// uses. The engine never imports the simulator: main wires an adapter.
type DemoControls interface {
	// SetConnLimit sets the per-IP connection limit (421 past it).
	SetConnLimit(n int)
	// Maintenance starts a maintenance window (503) of d; d <= 0 ends it.
	Maintenance(d time.Duration)
	// ResetNext resets the connection of the next request of op.
	ResetNext(op string)
	// ExpireCookies expires every auth cookie now (401 on the next call).
	ExpireCookies()
}

// Demo is the demo workload: the simulator's controls and a second
// client, logged in as the simulator's read-only user, whose attempted
// write shows a real 403 (nil: that step is skipped).
type Demo struct {
	Controls DemoControls
	Viewer   API
}

// demoPeriod is the length of one round of the demo script: every status
// class appears within it.
const demoPeriod = time.Minute

// demoWaitMax is how long the demo waits for the workload to know some
// property identifiers before its first round starts anyway. On
// 2020-04-30 the TSL names them with the first ListThings; on 2019-09-30
// they are learned from the watch stream's first propertiesChanged events.
const demoWaitMax = 10 * time.Second

// demoConnLimit is the simulator's connection limit outside the 421 step.
const demoConnLimit = 32

// demoStep is one thing the demo makes happen, at an offset into each
// round: calls for the workload (real causes: a device whose service
// fails, a legacy path that redirects, a burst past the connection limit)
// and hooks on the simulator (a maintenance window, a reset connection)
// or with the read-only client (a write it may not make).
//
// The requests the gateway refuses as such (400, 403, 404, 405) differ
// from round to round (another device, identifier, method or query), so
// that the engine's rule holds for the demo too: a refused request is
// never sent again unchanged.
type demoStep struct {
	at   time.Duration
	name string
	// calls builds the calls to enqueue from the devices known, the API
	// version (raw paths carry its prefix) and the round number.
	calls func(devs []model.PlanDevice, ver string, round int) []model.Call
	// hook changes the simulator or drives the read-only client (run off
	// the engine's loop).
	hook func(ctx context.Context, d *Demo, devs []model.PlanDevice, round int)
	// services marks a step that needs a device's service names: skipped
	// when none are known (2019-09-30 has no TSL to name them).
	services bool
}

// demoScript walks through the steps, round after round.
type demoScript struct {
	steps []demoStep
	start time.Time // of the current round
	round int
	next  int
	// waitFrom is when the script first came due: the first round starts
	// once identifiers are known, or demoWaitMax after it.
	waitFrom time.Time
}

func newDemoScript() *demoScript {
	return &demoScript{steps: []demoStep{
		{at: 2 * time.Second, name: "call a service on every device", calls: serviceCalls, services: true},
		{at: 6 * time.Second, name: "legacy path (302)", calls: legacyCall},
		{at: 10 * time.Second, name: "unknown device (404), unknown property (400), wrong method (405)", calls: badCalls},
		// A short window (the Watch holds one of the 3): only the burst
		// and what runs beside it meet the 421.
		{at: 14 * time.Second, name: "connection limit 3", hook: controls(func(c DemoControls) { c.SetConnLimit(3) })},
		{at: 14*time.Second + 100*time.Millisecond, name: "burst past the connection limit (421)", calls: burstCall},
		{at: 15 * time.Second, name: "connection limit restored", hook: controls(func(c DemoControls) { c.SetConnLimit(demoConnLimit) })},
		{at: 22 * time.Second, name: "maintenance window (503)", hook: controls(func(c DemoControls) { c.Maintenance(4 * time.Second) })},
		{at: 28 * time.Second, name: "user viewer tries to call a service (403)", hook: viewerWrite, services: true},
		// A reset is injected on a call that changes state, which net/http
		// does not resend on its own.
		{
			at: 40 * time.Second, name: "connection reset (transport error)", services: true,
			hook: controls(func(c DemoControls) { c.ResetNext(edgeclient.OpCallThingServices) }),
		},
		{at: 40*time.Second + 100*time.Millisecond, name: "call a service on every device", calls: serviceCalls, services: true},
	}}
}

// controls makes a hook of a change to the simulator.
func controls(f func(DemoControls)) func(context.Context, *Demo, []model.PlanDevice, int) {
	return func(_ context.Context, d *Demo, _ []model.PlanDevice, _ int) {
		if d.Controls != nil {
			f(d.Controls)
		}
	}
}

// due enqueues the calls of the steps due at now into plan and returns
// the due steps (those with a hook for the caller to run, off the loop).
//
// The steps aim at devices that answer (healthy): an offline device
// answers 500 to everything, and a burst or a round of service calls on it
// would make the demo an outage rather than a bad day.
func (d *demoScript) due(now time.Time, plan *model.Plan, ver string, healthy func(model.PlanDevice) bool) []demoStep {
	if d.start.IsZero() {
		if d.waitFrom.IsZero() {
			d.waitFrom = now
		}
		if !plan.KnowsProperties() && now.Sub(d.waitFrom) < demoWaitMax {
			return nil
		}
		d.start = now
	}
	var due []demoStep
	for d.next < len(d.steps) && now.Sub(d.start) >= d.steps[d.next].at {
		st := d.steps[d.next]
		d.next++
		if st.services && !plan.KnowsServices() {
			continue
		}
		if st.calls != nil {
			for _, c := range st.calls(healthyDevices(plan.Devices(), healthy), ver, d.round) {
				plan.Enqueue(c)
			}
		}
		due = append(due, st)
	}
	if d.next == len(d.steps) && now.Sub(d.start) >= demoPeriod {
		d.start, d.next = now, 0
		d.round++
	}
	return due
}

// healthyDevices is the devices healthy says answer, or all of them when
// it says none does (the steps still need a target).
func healthyDevices(devs []model.PlanDevice, healthy func(model.PlanDevice) bool) []model.PlanDevice {
	if healthy == nil {
		return devs
	}
	var out []model.PlanDevice
	for _, d := range devs {
		if healthy(d) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return devs
	}
	return out
}

// viewerWrite has the read-only client log in and call a service on a
// device whose services work (another device each round): the simulator
// answers 403, as a real gateway does for a console user without the
// permission.
func viewerWrite(ctx context.Context, d *Demo, devs []model.PlanDevice, round int) {
	if d.Viewer == nil {
		return
	}
	var ok []model.PlanDevice
	for _, dev := range devs {
		if svc := pickService(dev.Services); svc != "" && (svc != "toggle" || dev.DeviceName != "Light04") {
			ok = append(ok, dev)
		}
	}
	if len(ok) == 0 {
		return
	}
	dev := ok[round%len(ok)]
	if !d.Viewer.Auth().Authenticated && d.Viewer.CreateAuthCookie(ctx) != nil {
		return
	}
	args := map[string]any{"round": round}
	_, _ = d.Viewer.CallThingServices(ctx, dev.ProductKey, dev.DeviceName,
		[]edgeclient.ServiceCall{{Name: pickService(dev.Services), Args: args}})
}

// demoServices are services that take no arguments, in order of
// preference: on the simulator toggle fails on Light04 (a lamp fault) and
// calibrate now and then, the others work.
var demoServices = []string{"toggle", "calibrate", "selfTest", "resetEnergy", "get"}

func serviceCalls(devs []model.PlanDevice, _ string, _ int) []model.Call {
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
func legacyCall(devs []model.PlanDevice, ver string, _ int) []model.Call {
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

// wrongMethods are the methods the demo tries on the things collection,
// one per round (405 with Allow).
var wrongMethods = []string{"DELETE", "PUT", "PATCH"}

// badCalls are requests the gateway refuses, new ones each round: a read
// of a device that does not exist (404; it needs known identifiers, or the
// answer is a 400 for the missing parameter), a read of a property the
// device does not have (400) and a method the collection does not allow
// (405).
func badCalls(devs []model.PlanDevice, ver string, round int) []model.Call {
	if len(devs) == 0 {
		return nil
	}
	n := strconv.Itoa(round + 1)
	var out []model.Call
	d, ok := withProperties(devs, false)
	if ok {
		out = append(out, model.Call{
			Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: "Gone" + n,
			Identifiers: d.Properties,
		})
	} else {
		d = devs[0]
	}
	out = append(out,
		model.Call{
			Kind: model.CallGetProperties, ProductKey: d.ProductKey, DeviceName: d.DeviceName,
			Identifiers: []string{"NoSuchProperty" + n},
		},
		// The things collection takes GET only: 405 with Allow.
		model.Call{
			Kind: model.CallRaw, Method: wrongMethods[round%len(wrongMethods)],
			Path: "/" + ver + "/things?demo=" + n,
		},
	)
	return out
}

// burstCall reads a device's properties 5 times at once, past the
// lowered connection limit (421). It needs known identifiers (without them every
// read would be a 400 too), so with none it is skipped.
func burstCall(devs []model.PlanDevice, _ string, _ int) []model.Call {
	d, ok := withProperties(devs, true)
	if !ok {
		return nil
	}
	return []model.Call{{Kind: model.CallBurst, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: d.Properties, N: 5}}
}
