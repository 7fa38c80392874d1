package model

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPlanSequence(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewPlan()
	kinds := func(c Call) CallKind { return c.Kind }

	c := p.Next(t0)
	if kinds(c) != CallAuth {
		t.Fatalf("first call %v, want auth", c.Kind)
	}
	if got := p.Next(t0); got.Kind != CallNone {
		t.Fatalf("while auth in flight: %v", got.Kind)
	}
	p.Done(c, nil, false)
	c = p.Next(t0)
	if c.Kind != CallListThings {
		t.Fatalf("after auth: %v", c.Kind)
	}
	devs := []PlanDevice{
		{ProductKey: "pk", DeviceName: "a", Properties: []string{"t"}},
		{ProductKey: "pk", DeviceName: "b", Properties: make([]string, 150)},
	}
	p.Done(c, devs, false)
	if c = p.Next(t0); c.Kind != CallWatch {
		t.Fatalf("after list: %v", c.Kind)
	}
	p.Enqueue(Call{Kind: CallService, ProductKey: "pk", DeviceName: "a", Service: "reboot"})
	if c = p.Next(t0); c.Kind != CallService {
		t.Fatalf("extra first: %v", c.Kind)
	}
	p.Done(c, nil, false)
	next := func() Call { c := p.Next(t0); p.Done(c, nil, false); return c }
	c1, c2, c3 := next(), next(), next()
	if c1.DeviceName != "a" || c2.DeviceName != "b" || c3.DeviceName != "a" || c1.Kind != CallGetProperties {
		t.Fatalf("round robin: %v %v %v", c1, c2, c3)
	}
	if len(c2.Identifiers) != 100 {
		t.Fatalf("identifiers capped at 100, got %d", len(c2.Identifiers))
	}
	if c = p.Next(t0.Add(31 * time.Second)); c.Kind != CallListThings {
		t.Fatalf("relist: %v", c.Kind)
	}
	p.WatchClosed()
	if c = p.Next(t0.Add(31 * time.Second)); c.Kind != CallWatch {
		t.Fatalf("watch reopen: %v", c.Kind)
	}
}

func TestPlanFailures(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewPlan()
	c := p.Next(t0)
	p.Done(c, nil, true)
	if p.Authenticated() {
		t.Fatal("authenticated after failure")
	}
	if c = p.Next(t0); c.Kind != CallAuth {
		t.Fatalf("auth retried: %v", c.Kind)
	}
	p.Done(c, nil, false)
	c = p.Next(t0)
	p.Done(c, nil, true) // list failed, no devices yet
	if c = p.Next(t0); c.Kind != CallListThings {
		t.Fatalf("list retried: %v", c.Kind)
	}
	p.Done(c, nil, false) // empty gateway
	if c = p.Next(t0); c.Kind != CallNone {
		t.Fatalf("nothing to poll: %v", c.Kind)
	}
	c = p.Next(t0.Add(time.Minute))
	p.Done(c, []PlanDevice{{DeviceName: "no-tsl"}, {DeviceName: "x", Properties: []string{"p"}}}, false)
	p.Next(t0.Add(time.Minute)) // watch
	for range 3 {
		if c = p.Next(t0.Add(time.Minute)); c.DeviceName != "x" {
			t.Fatalf("polled %q, a device without known properties", c.DeviceName)
		}
		p.Done(c, nil, false)
	}
	if CallBurst.String() != "burst" || CallKind(99).String() != "unknown" {
		t.Fatal("String")
	}
}

// listed returns a plan that has authenticated, listed devs and opened the
// watch stream.
func listed(t *testing.T, t0 time.Time, devs ...PlanDevice) *Plan {
	t.Helper()
	p := NewPlan()
	p.Done(p.Next(t0), nil, false) // auth
	c := p.Next(t0)
	if c.Kind != CallListThings {
		t.Fatalf("after auth: %v", c.Kind)
	}
	p.Done(c, devs, false)
	if c = p.Next(t0); c.Kind != CallWatch {
		t.Fatalf("after list: %v", c.Kind)
	}
	return p
}

// TestPlanLearn: on 2019-09-30 (no TSL) nothing is polled until the watch
// stream names some identifiers; then the devices it named are polled with
// them, in turn, and the others are still skipped.
func TestPlanLearn(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := listed(t, t0, PlanDevice{ProductKey: "pk", DeviceName: "a"}, PlanDevice{ProductKey: "pk", DeviceName: "b"},
		PlanDevice{ProductKey: "pk", DeviceName: "c"})
	if c := p.Next(t0); c.Kind != CallNone || p.KnowsProperties() {
		t.Fatalf("polled %v with no identifiers known", c)
	}
	if !p.Learn("pk", "b", "Brightness", "Color") {
		t.Fatal("Learn added nothing")
	}
	if p.Learn("pk", "b", "Color", "") {
		t.Fatal("a known identifier and an empty one were added")
	}
	if p.Learn("pk", "zz", "x") || p.Learn("other", "a", "x") {
		t.Fatal("learned for a device that is not listed")
	}
	p.Learn("pk", "c", "Temperature")
	p.Learn("pk", "b", "Power")
	var got []string
	for range 4 {
		c := p.Next(t0)
		if c.Kind != CallGetProperties {
			t.Fatalf("after Learn: %v", c.Kind)
		}
		p.Done(c, nil, false)
		got = append(got, c.DeviceName+":"+strings.Join(c.Identifiers, "+"))
	}
	want := "b:Brightness+Color+Power,c:Temperature,b:Brightness+Color+Power,c:Temperature"
	if s := strings.Join(got, ","); s != want {
		t.Fatalf("polls %s, want %s", s, want)
	}
	if !p.KnowsProperties() {
		t.Fatal("KnowsProperties false after Learn")
	}
}

// TestPlanLearnSurvivesRelist: a re-list without TSL (2019-09-30) keeps
// what was learned for the devices still listed and forgets the others;
// identifiers the TSL also names are not doubled.
func TestPlanLearnSurvivesRelist(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := listed(t, t0, PlanDevice{ProductKey: "pk", DeviceName: "a"}, PlanDevice{ProductKey: "pk", DeviceName: "b"})
	p.Learn("pk", "a", "x", "y")
	p.Learn("pk", "b", "z")
	later := t0.Add(time.Minute)
	c := p.Next(later)
	if c.Kind != CallListThings {
		t.Fatalf("relist: %v", c.Kind)
	}
	p.Done(c, []PlanDevice{{ProductKey: "pk", DeviceName: "a", Properties: []string{"y", "w"}}}, false)
	devs := p.Devices()
	if len(devs) != 1 || strings.Join(devs[0].Properties, ",") != "y,w,x" {
		t.Fatalf("after relist: %+v", devs)
	}
	c = p.Next(later.Add(time.Minute))
	p.Done(c, []PlanDevice{{ProductKey: "pk", DeviceName: "a"}, {ProductKey: "pk", DeviceName: "b"}}, false)
	if got := p.Devices(); strings.Join(got[0].Properties, ",") != "x,y" || len(got[1].Properties) != 0 {
		t.Fatalf("b's identifiers should be forgotten once it was not listed: %+v", got)
	}
	// A failed re-list keeps the devices and what they learned.
	c = p.Next(later.Add(2 * time.Minute))
	p.Done(c, nil, true)
	if got := p.Devices(); len(got) != 2 || len(got[0].Properties) != 2 {
		t.Fatalf("after a failed relist: %+v", got)
	}
}

// TestPlanLearnDoesNotShareSlices: devices of one product share the TSL's
// identifier slice (ui.listDevices); learning for one must not change the
// other, nor a call already handed out.
func TestPlanLearnDoesNotShareSlices(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tsl := make([]string, 1, 8)
	tsl[0] = "power"
	p := listed(t, t0, PlanDevice{ProductKey: "pk", DeviceName: "a", Properties: tsl},
		PlanDevice{ProductKey: "pk", DeviceName: "b", Properties: tsl})
	inFlight := p.Next(t0)
	p.Learn("pk", "a", "extraA")
	p.Learn("pk", "b", "extraB")
	devs := p.Devices()
	if a, b := strings.Join(devs[0].Properties, ","), strings.Join(devs[1].Properties, ","); a != "power,extraA" || b != "power,extraB" {
		t.Fatalf("a=%s b=%s", a, b)
	}
	if len(inFlight.Identifiers) != 1 || tsl[:2][1] != "" {
		t.Fatalf("Learn wrote into a shared slice: call %v, tsl %v", inFlight.Identifiers, tsl[:2])
	}
}

// TestPlanLearnCap: a device learns at most MaxReadIdentifiers
// identifiers (a gateway naming thousands cannot grow the plan without
// bound).
func TestPlanLearnCap(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := listed(t, t0, PlanDevice{ProductKey: "pk", DeviceName: "a"})
	ids := make([]string, 3*MaxReadIdentifiers)
	for i := range ids {
		ids[i] = "p" + strconv.Itoa(i)
	}
	p.Learn("pk", "a", ids...)
	if n := len(p.Devices()[0].Properties); n != MaxReadIdentifiers {
		t.Fatalf("learned %d identifiers, want %d", n, MaxReadIdentifiers)
	}
	if c := p.Next(t0); len(c.Identifiers) != MaxReadIdentifiers || c.Identifiers[0] != "p0" {
		t.Fatalf("read %d identifiers from %q", len(c.Identifiers), c.Identifiers[0])
	}
}

// TestPlanInFlight: with a read of a device in flight (a stalled call),
// the others are read in turn and the busy one is skipped until Done; a
// second listing or authentication never starts while one is in flight.
func TestPlanInFlight(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	devs := []PlanDevice{
		{ProductKey: "pk", DeviceName: "a", Properties: []string{"p"}},
		{ProductKey: "pk", DeviceName: "b", Properties: []string{"p"}},
		{ProductKey: "pk", DeviceName: "c", Properties: []string{"p"}},
	}
	p := listed(t, t0, devs...)
	stalled := p.Next(t0)
	if stalled.DeviceName != "a" {
		t.Fatalf("first read %v", stalled)
	}
	var got []string
	for range 4 {
		c := p.Next(t0)
		got = append(got, c.DeviceName)
		p.Done(c, nil, false)
	}
	if strings.Join(got, ",") != "b,c,b,c" {
		t.Fatalf("reads while a is busy: %v", got)
	}
	p.Done(stalled, nil, true)
	if c := p.Next(t0); c.DeviceName != "a" {
		t.Fatalf("a after its call ended: %v", c)
	}
	relist := p.Next(t0.Add(time.Minute))
	if relist.Kind != CallListThings {
		t.Fatalf("relist: %v", relist.Kind)
	}
	if c := p.Next(t0.Add(2 * time.Minute)); c.Kind == CallListThings {
		t.Fatal("a second listing while one is in flight")
	}
}

// TestPlanRefuseAndDefer: a refused read is never returned again
// unchanged, but a changed one is; a put-off device waits; a refused watch
// list is not reopened until the device list changes; a deferred listing
// waits its time.
func TestPlanRefuseAndDefer(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewPlan()
	p.Done(p.Next(t0), nil, false) // auth
	list := p.Next(t0)
	p.Done(list, []PlanDevice{
		{ProductKey: "pk", DeviceName: "a", Properties: []string{"bad"}},
		{ProductKey: "pk", DeviceName: "b", Properties: []string{"p"}},
	}, false)
	w := p.Next(t0)
	if w.Kind != CallWatch || strings.Join(w.Targets, ",") != "pk/a,pk/b" {
		t.Fatalf("watch %+v", w)
	}
	p.Refuse(w)
	p.WatchClosed()
	a := p.Next(t0)
	p.Done(a, nil, true)
	p.Refuse(a)
	for range 4 {
		c := p.Next(t0)
		if c.Kind == CallWatch || c.DeviceName == "a" {
			t.Fatalf("a refused request again: %+v", c)
		}
		p.Done(c, nil, false)
	}
	p.Learn("pk", "a", "good") // a changed request: bad+good
	var sawA bool
	for range 4 {
		c := p.Next(t0)
		sawA = sawA || c.DeviceName == "a"
		p.Done(c, nil, false)
	}
	if !sawA {
		t.Fatal("a changed read was not made")
	}
	b := Call{Kind: CallGetProperties, ProductKey: "pk", DeviceName: "b"}
	p.Defer(b, t0.Add(time.Minute))
	for range 4 {
		if c := p.Next(t0); c.DeviceName == "b" {
			t.Fatal("a put-off device was read")
		} else {
			p.Done(c, nil, false)
		}
	}
	if c := p.Next(t0.Add(time.Minute)); c.Kind != CallListThings {
		t.Fatalf("relist due: %v", c.Kind)
	} else {
		p.Done(c, []PlanDevice{{ProductKey: "pk", DeviceName: "b", Properties: []string{"p"}}}, false)
	}
	if c := p.Next(t0.Add(time.Minute)); c.Kind != CallWatch {
		t.Fatalf("another device list, another watch request: %v", c.Kind)
	}
	p.Defer(Call{Kind: CallListThings}, t0.Add(5*time.Minute))
	if c := p.Next(t0.Add(3 * time.Minute)); c.Kind == CallListThings {
		t.Fatal("listed before its deferral passed")
	}
	if (Call{Kind: CallRaw, Method: "DELETE", Path: "/x"}).Key() == (Call{Kind: CallRaw, Method: "PUT", Path: "/x"}).Key() {
		t.Fatal("two requests share a Key")
	}
}
