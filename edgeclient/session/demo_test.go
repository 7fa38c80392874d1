package session

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

var d0 = time.Date(2026, 11, 26, 13, 7, 1, 0, time.UTC)

// listedPlan is a plan that has logged in, listed devs and opened the
// watch.
func listedPlan(devs ...model.PlanDevice) *model.Plan {
	p := model.NewPlan()
	p.Done(p.Next(d0), nil, false)
	p.Done(p.Next(d0), devs, false)
	p.Next(d0) // watch
	return p
}

// drain returns the calls the plan hands out now (each reported done).
func drain(p *model.Plan, now time.Time, n int) []string {
	var out []string
	for range n {
		c := p.Next(now)
		if c.Kind == model.CallNone {
			break
		}
		p.Done(c, nil, false)
		out = append(out, c.Kind.String()+":"+c.Method+c.Service+c.DeviceName+strings.Join(c.Identifiers, "+"))
	}
	return out
}

func TestDemoScript(t *testing.T) {
	devs := []model.PlanDevice{
		{ProductKey: "pk", DeviceName: "Light04", Properties: []string{"p"}, Services: []string{"set", "toggle"}},
		{ProductKey: "pk", DeviceName: "Door01", Properties: []string{"p"}, Services: []string{"get"}},
	}
	p := listedPlan(devs...)
	d := newDemoScript()
	if steps := d.due(d0, p, "2020-04-30", nil); len(steps) != 0 {
		t.Fatalf("steps at the start of the round: %v", steps)
	}
	var names []string
	for _, st := range d.due(d0.Add(25*time.Second), p, "2020-04-30", nil) {
		names = append(names, st.name)
	}
	if len(names) != 7 || !strings.Contains(names[6], "503") {
		t.Fatalf("steps due by 25s: %q", names)
	}
	got := strings.Join(drain(p, d0, 8), ",")
	want := "service:toggleLight04,service:getDoor01,raw:GET,get:Gone1p,get:Light04NoSuchProperty1,raw:DELETE,burst:Door01p,get:Light04p"
	if got != want {
		t.Fatalf("demo calls %s, want %s", got, want)
	}
}

// TestDemoRefusedRequestsChange: the requests the gateway refuses as such
// differ from round to round, so the engine's rule (never resent unchanged)
// never skips them.
func TestDemoRefusedRequestsChange(t *testing.T) {
	devs := []model.PlanDevice{{ProductKey: "pk", DeviceName: "Light01", Properties: []string{"p"}}}
	seen := map[string]int{}
	for round := range 12 {
		for _, c := range badCalls(devs, "2020-04-30", round) {
			if prev, ok := seen[c.Key()]; ok {
				t.Fatalf("round %d repeats round %d's request %+v", round, prev, c)
			}
			seen[c.Key()] = round
		}
	}
}

// TestDemoViewerWriteIs403: the read-only client calls a service and gets
// a real 403, another device each round; with a shared sequence its
// records never share an ID with the main client's.
func TestDemoViewerWriteIs403(t *testing.T) {
	s := newSim(t, edgesim.Options{})
	obs := edgeclient.NewChanObserver(64)
	seq := &edgeclient.Sequence{}
	main, err := edgeclient.New(edgeclient.Config{
		Gateway: s.URL, User: "admin", Password: "admin1234", CAPEM: s.CertPEM(),
		Observer: obs, Sequence: seq,
	})
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := edgeclient.New(edgeclient.Config{
		Gateway: s.URL, User: "viewer", Password: "viewer1234", CAPEM: s.CertPEM(),
		Observer: obs, Sequence: seq,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := main.CreateAuthCookie(t.Context()); err != nil {
		t.Fatal(err)
	}
	var devs []model.PlanDevice
	for _, dv := range s.Devices() {
		devs = append(devs, model.PlanDevice{ProductKey: dv.ProductKey, DeviceName: dv.DeviceName, Services: dv.Services})
	}
	d := &Demo{Viewer: viewer}
	viewerWrite(t.Context(), d, devs, 0)
	viewerWrite(t.Context(), d, devs, 1)
	var statuses []int
	ids := map[uint64]bool{}
	var targets []string
	for len(obs.C()) > 0 {
		r := <-obs.C()
		statuses = append(statuses, r.Status)
		if ids[r.ID] {
			t.Errorf("two records with ID %d", r.ID)
		}
		ids[r.ID] = true
		if r.Status == 403 {
			targets = append(targets, r.DeviceName)
		}
	}
	if !slices.Equal(statuses, []int{201, 201, 403, 403}) || targets[0] == targets[1] {
		t.Fatalf("exchanges %v on %v, want the main login, the viewer's, then two 403s on two devices", statuses, targets)
	}
	_ = main.Close(context.Background())
	_ = viewer.Close(context.Background())
}

// TestDemoWaitsForIdentifiers: on 2019-09-30 nothing names the properties
// until the watch stream does, so the round waits for them (up to
// demoWaitMax), and the steps that need identifiers pick a device that has
// some, or are skipped, rather than firing reads that can only be 400s.
func TestDemoWaitsForIdentifiers(t *testing.T) {
	devs := []model.PlanDevice{{ProductKey: "pk", DeviceName: "Light01"}, {ProductKey: "pk", DeviceName: "Door02"}}
	if c := burstCall(devs, "2019-09-30", 0); c != nil {
		t.Fatalf("burst with no identifiers: %+v", c)
	}
	for _, c := range badCalls(devs, "2019-09-30", 0) {
		if strings.HasPrefix(c.DeviceName, "Gone") {
			t.Fatalf("unknown-device read with no identifiers (a 400, not the 404): %+v", c)
		}
	}
	p := listedPlan(devs...)
	d := newDemoScript()
	d.due(d0, p, "2019-09-30", nil)
	d.due(d0.Add(5*time.Second), p, "2019-09-30", nil)
	if !d.start.IsZero() || d.next != 0 {
		t.Fatal("the demo started before any identifier was known")
	}
	p.Learn("pk", "Light01", "Brightness")
	d.due(d0.Add(6*time.Second), p, "2019-09-30", nil)
	if !d.start.Equal(d0.Add(6 * time.Second)) {
		t.Fatalf("round started at %v, want once identifiers were known", d.start)
	}
	if l := legacyCall(p.Devices(), "2019-09-30", 0); l[0].Path != "/2019-09-30/thing/pk/Light01/properties?identifiers=Brightness" {
		t.Fatalf("legacy path %s", l[0].Path)
	}
	c := burstCall(p.Devices(), "2019-09-30", 0)
	if len(c) != 1 || c[0].DeviceName != "Light01" || strings.Join(c[0].Identifiers, ",") != "Brightness" {
		t.Fatalf("burst %+v, want Light01 with its learned identifier", c)
	}
	e, bare := newDemoScript(), listedPlan(model.PlanDevice{ProductKey: "pk", DeviceName: "Door02"})
	e.due(d0, bare, "2019-09-30", nil)
	e.due(d0.Add(demoWaitMax), bare, "2019-09-30", nil)
	if !e.start.Equal(d0.Add(demoWaitMax)) {
		t.Fatal("the demo waited past demoWaitMax")
	}
}

// Steps that call services are skipped when no service names are known
// (2019-09-30 has no TSL to name them).
func TestDemoSkipsServiceStepsWithoutServices(t *testing.T) {
	p := listedPlan(model.PlanDevice{ProductKey: "pk", DeviceName: "d1", Properties: []string{"x"}})
	d := newDemoScript()
	var names []string
	for s := time.Duration(0); s <= 60*time.Second; s += time.Second {
		for _, st := range d.due(d0.Add(s), p, "2019-09-30", nil) {
			names = append(names, st.name)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "service") || strings.Contains(n, "transport error") {
			t.Errorf("step %q run with no services known", n)
		}
	}
	if !slices.Contains(names, "maintenance window (503)") {
		t.Errorf("the other steps still run: %q", names)
	}
}

// controlsLog records the demo's calls on the simulator's controls.
type controlsLog struct{ calls chan string }

func (c controlsLog) SetConnLimit(n int)          { c.calls <- "limit" }
func (c controlsLog) Maintenance(d time.Duration) { c.calls <- "maintenance " + d.String() }
func (c controlsLog) ResetNext(op string)         { c.calls <- "reset " + op }
func (c controlsLog) ExpireCookies()              { c.calls <- "expire cookies" }

// TestEngineRunsTheDemo: the engine announces each step (EventDemo) and
// runs its hooks on the simulator's controls, off its loop.
func TestEngineRunsTheDemo(t *testing.T) {
	s := newSim(t, edgesim.Options{})
	c, obs := newClient(t, s.URL, s, nil)
	ctl := controlsLog{calls: make(chan string, 16)}
	start := time.Now()
	clock := func() time.Time { return start.Add(5 * time.Since(start)) } // five times as fast
	r := startEngine(t, c, obs, func(cfg *Config) { cfg.Demo = &Demo{Controls: ctl}; cfg.Now = clock })
	r.waitFor(t, 10*time.Second, "the demo's 503 step", func(evs []Event, _ []model.Record) bool {
		for _, ev := range having(evs, EventDemo) {
			if strings.Contains(ev.Text, "maintenance window (503)") {
				return true
			}
		}
		return false
	})
	var got []string
	for len(ctl.calls) > 0 {
		got = append(got, <-ctl.calls)
	}
	if strings.Join(got, ",") != "limit,limit,maintenance 4s" {
		t.Errorf("controls %v", got)
	}
}
