package model

import (
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
	c1, c2, c3 := p.Next(t0), p.Next(t0), p.Next(t0)
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
	}
	if CallBurst.String() != "burst" || CallKind(99).String() != "unknown" {
		t.Fatal("String")
	}
}
