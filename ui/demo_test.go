package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

func TestDemoScript(t *testing.T) {
	_, sim, _ := simDeps(t, edgesim.Options{Seed: 1})
	a := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{}; d.Demo = true; d.Sim = sim })
	devs := []model.PlanDevice{
		{ProductKey: "pk", DeviceName: "Light04", Properties: []string{"p"}, Services: []string{"set", "toggle"}},
		{ProductKey: "pk", DeviceName: "Door01", Properties: []string{"p"}, Services: []string{"get"}},
	}
	p := a.work.plan
	p.Done(p.Next(t0), nil, false)  // auth
	p.Done(p.Next(t0), devs, false) // list
	p.Next(t0)                      // watch
	if cmds := a.demoSteps(t0); len(cmds) != 0 {
		t.Fatal("hooks at the start of the round")
	}
	cmds := a.demoSteps(t0.Add(25 * time.Second))
	var steps []string
	for _, c := range cmds {
		m, ok := c().(demoDoneMsg)
		if !ok {
			t.Fatal("hook cmd did not report")
		}
		steps = append(steps, m.Step)
	}
	if len(steps) != 3 || !strings.Contains(steps[2], "503") {
		t.Fatalf("hooks run: %v", steps)
	}
	var kinds []string
	for range 8 {
		c := p.Next(t0)
		kinds = append(kinds, c.Kind.String()+":"+c.Method+c.Service+c.DeviceName)
	}
	// then the regular poll resumes
	want := "service:toggleLight04,service:getDoor01,raw:GET,get:Light99,get:Light04,raw:DELETE,burst:Door01,get:Light04"
	if got := strings.Join(kinds, ","); got != want {
		t.Fatalf("demo calls %s, want %s", got, want)
	}
	sim.Faults().Maintenance(0)
}

// TestDemoViewerWriteIs403: in the demo a second client, logged in as the
// simulator's read-only user, calls a service and gets a real 403; its
// exchanges reach the same observer, and quitting closes it too.
func TestDemoViewerWriteIs403(t *testing.T) {
	d, sim, _ := simDeps(t, edgesim.Options{Seed: 1})
	d.Demo = true
	d = d.withDefaults()
	if d.Viewer == nil {
		t.Fatal("no viewer client in the demo")
	}
	var devs []model.PlanDevice
	for _, dv := range sim.Devices() {
		devs = append(devs, model.PlanDevice{ProductKey: dv.ProductKey, DeviceName: dv.DeviceName, Services: dv.Services})
	}
	viewerWrite(context.Background(), d.demoEnv(devs))
	var statuses []int
	for len(d.Observer.C()) > 0 {
		r := <-d.Observer.C()
		statuses = append(statuses, r.Status)
		if r.ID <= demoViewerIDBase {
			t.Errorf("viewer record #%d shares the main client's ID space", r.ID)
		}
	}
	if len(statuses) != 2 || statuses[0] != 201 || statuses[1] != 403 {
		t.Fatalf("viewer exchanges: %v, want [201 403]", statuses)
	}
	if err := d.closeClients(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d.Viewer.Auth().Authenticated {
		t.Fatal("the viewer's cookie was not deleted")
	}
}

// TestDemoWaitsForIdentifiers: on 2019-09-30 nothing names the properties
// until the watch stream does, so the demo's round waits for them (up to
// demoWaitMax), and the steps that need identifiers pick a device that has
// some, or are skipped, rather than firing reads that can only be 400s.
func TestDemoWaitsForIdentifiers(t *testing.T) {
	_, sim, _ := simDeps(t, edgesim.Options{Seed: 1})
	a := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{}; d.Demo = true; d.Sim = sim })
	devs := []model.PlanDevice{{ProductKey: "pk", DeviceName: "Light01"}, {ProductKey: "pk", DeviceName: "Door02"}}
	if c := burstCall(devs, "2019-09-30"); c != nil {
		t.Fatalf("burst with no identifiers: %+v", c)
	}
	for _, c := range badCalls(devs, "2019-09-30") {
		if c.DeviceName == "Light99" {
			t.Fatalf("unknown-device read with no identifiers (a 400, not the 404): %+v", c)
		}
	}
	p := a.work.plan
	p.Done(p.Next(t0), nil, false)  // auth
	p.Done(p.Next(t0), devs, false) // list, no TSL
	p.Next(t0)                      // watch
	a.work.dueDemo(t0)
	a.work.dueDemo(t0.Add(5 * time.Second))
	if !a.work.demo.round.IsZero() || a.work.demo.next != 0 {
		t.Fatal("the demo started before any identifier was known")
	}
	p.Learn("pk", "Light01", "Brightness")
	a.work.dueDemo(t0.Add(6 * time.Second))
	if got := a.work.demo.round; !got.Equal(t0.Add(6 * time.Second)) {
		t.Fatalf("round started at %v, want once identifiers were known", got)
	}
	if l := legacyCall(p.Devices(), "2019-09-30"); l[0].Path != "/2019-09-30/thing/pk/Light01/properties?identifiers=Brightness" {
		t.Fatalf("legacy path %s", l[0].Path)
	}
	c := burstCall(p.Devices(), "2019-09-30")
	if len(c) != 1 || c[0].DeviceName != "Light01" || strings.Join(c[0].Identifiers, ",") != "Brightness" {
		t.Fatalf("burst %+v, want Light01 with its learned identifier", c)
	}
	if bad := badCalls(p.Devices(), "2019-09-30"); bad[0].DeviceName != "Light99" || len(bad[0].Identifiers) != 1 ||
		len(bad[1].Identifiers) != 0 || bad[2].Path != "/2019-09-30/things" {
		t.Fatalf("bad calls %+v", bad)
	}

	// Without any identifier the round starts after demoWaitMax anyway.
	b := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{}; d.Demo = true; d.Sim = sim })
	b.work.dueDemo(t0)
	b.work.dueDemo(t0.Add(demoWaitMax))
	if !b.work.demo.round.Equal(t0.Add(demoWaitMax)) {
		t.Fatal("the demo waited past demoWaitMax")
	}
}

// Steps that call services are skipped, not announced, when no service
// names are known (2019-09-30 has no TSL to name them).
func TestDemoSkipsServiceStepsWithoutServices(t *testing.T) {
	_, sim, _ := simDeps(t, edgesim.Options{Seed: 1})
	a := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{}; d.Demo = true; d.Sim = sim })
	p := a.work.plan
	p.Done(p.Next(t0), nil, false)
	p.Done(p.Next(t0), []model.PlanDevice{{ProductKey: "pk", DeviceName: "d1", Properties: []string{"x"}}}, false)
	var names []string
	for s := time.Duration(0); s <= 60*time.Second; s += time.Second {
		for _, st := range a.work.dueDemo(t0.Add(s)) {
			names = append(names, st.name)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "service") || strings.Contains(n, "transport error") {
			t.Errorf("step %q announced with no services known", n)
		}
	}
	if !slices.Contains(names, "maintenance window (503)") {
		t.Errorf("the other steps still run: %q", names)
	}
}
