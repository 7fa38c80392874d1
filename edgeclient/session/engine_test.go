package session

import (
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// TestEngineSession: against the simulator, a session logs in, lists,
// opens the watch stream and reads properties; Stop deletes the cookie,
// whose record comes in the last batch, ends with EventEnded and closes
// the stream; every request the gateway received is one record.
func TestEngineSession(t *testing.T) {
	s := newSim(t, edgesim.Options{})
	c, obs := newClient(t, s.URL, s, nil)
	r := startEngine(t, c, obs, nil)
	r.waitFor(t, 5*time.Second, "a property read and the watch", func(evs []Event, recs []model.Record) bool {
		return count(recs, edgeclient.OpGetThingProperties, "") > 3 && len(having(evs, EventWatchOpen)) > 0
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	evs, recs := r.events(), r.records()
	if evs[0].Kind != EventConnecting || evs[len(evs)-1].Kind != EventEnded || len(having(evs, EventUp)) != 1 {
		t.Errorf("events: %s", kinds(evs))
	}
	last := recs[len(recs)-1]
	if last.Operation != edgeclient.OpDeleteAuthCookie || c.Auth().Authenticated {
		t.Errorf("last record %s; still authenticated: %v", last.Operation, c.Auth().Authenticated)
	}
	if count(recs, edgeclient.OpBulkWatch, "") == 0 {
		t.Error("no record of the watch stream")
	}
	if got, want := uint64(len(recs)), s.Requests(); got != want {
		t.Errorf("%d records for %d requests", got, want)
	}
	for _, ev := range evs {
		if ev.Session != "gw1" {
			t.Fatalf("event of session %q", ev.Session)
		}
	}
}

// TestEnginePace: Pace steps the interval and says so.
func TestEnginePace(t *testing.T) {
	s := newSim(t, edgesim.Options{})
	c, obs := newClient(t, s.URL, s, nil)
	r := startEngine(t, c, obs, func(cfg *Config) { cfg.Interval = 200 * time.Millisecond })
	r.e.Pace(+1)
	r.e.Pace(+1)
	r.waitFor(t, 2*time.Second, "two pace events", func(evs []Event, _ []model.Record) bool {
		return len(having(evs, EventPace)) == 2
	})
	if p := having(r.events(), EventPace); p[1].After != 50*time.Millisecond || r.e.State().Interval != 50*time.Millisecond {
		t.Errorf("pace %v, state %v", p[1].After, r.e.State().Interval)
	}
	r.e.Pace(-10)
	r.waitFor(t, 2*time.Second, "the slowest pace", func(evs []Event, _ []model.Record) bool {
		p := having(evs, EventPace)
		return len(p) == 3 && p[2].After == Intervals[0]
	})
}

// TestEngineStalledDeviceHoldsOneSlot: one device's reads stall; the
// others are still read at the pace, and the session is not lost.
func TestEngineStalledDeviceHoldsOneSlot(t *testing.T) {
	s := newSim(t, edgesim.Options{Faults: []edgesim.FaultRule{{
		Op: "GetThingProperties", Device: "Light01",
		Action: edgesim.ActionStall, Stall: 10 * time.Second,
	}}})
	c, obs := newClient(t, s.URL, s, func(cfg *edgeclient.Config) { cfg.Timeout = 3 * time.Second })
	r := startEngine(t, c, obs, nil)
	r.waitFor(t, 3*time.Second, "reads of other devices while Light01 stalls", func(_ []Event, recs []model.Record) bool {
		return count(recs, edgeclient.OpGetThingProperties, "Light02") >= 3 && count(recs, edgeclient.OpGetThingProperties, "THSensor01") >= 3
	})
	if st := r.e.State(); st.Link != LinkUp || st.InFlight < 1 {
		t.Errorf("state %v, %d in flight", st.Link, st.InFlight)
	}
}

// TestEngineStopBeforeStart: a session stopped before it started closes
// its stream and its clients.
func TestEngineStopBeforeStart(t *testing.T) {
	s := newSim(t, edgesim.Options{})
	c, obs := newClient(t, s.URL, s, nil)
	e := New(Config{Client: c, Records: obs})
	if err := e.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-e.Events(); ok {
		t.Fatal("stream open after Stop")
	}
	e.Start() // no effect
	if s.Requests() != 0 {
		t.Fatalf("%d requests", s.Requests())
	}
}

// TestEngineLostAndBack: the gateway goes away and comes back: the
// session says it is lost, since when and why, probes one call at a time,
// and says when it is back and how many calls failed meanwhile.
func TestEngineLostAndBack(t *testing.T) {
	first := newSim(t, edgesim.Options{})
	addr := strings.TrimPrefix(first.URL, "https://")
	c, obs := newClient(t, first.URL, nil, func(cfg *edgeclient.Config) { cfg.Insecure = true })
	r := startEngine(t, c, obs, nil)
	r.waitFor(t, 5*time.Second, "reads", func(_ []Event, recs []model.Record) bool {
		return count(recs, edgeclient.OpGetThingProperties, "") >= 3
	})
	_ = first.Close()
	r.waitFor(t, 5*time.Second, "lost", func(evs []Event, _ []model.Record) bool { return len(having(evs, EventLost)) == 1 })
	lost := having(r.events(), EventLost)[0]
	if lost.Why != model.ErrRefused && lost.Why != model.ErrReset {
		t.Errorf("lost because %s (%s)", lost.Why, lost.Text)
	}
	time.Sleep(300 * time.Millisecond) // a few probes fail
	newSim(t, edgesim.Options{Listen: addr})
	r.waitFor(t, 5*time.Second, "back", func(evs []Event, _ []model.Record) bool { return len(having(evs, EventBack)) == 1 })
	back := having(r.events(), EventBack)[0]
	if back.Failed < 1 || back.After < 300*time.Millisecond || !strings.Contains(back.Line(), "gateway back after") {
		t.Errorf("back %+v", back)
	}
	if st := r.e.State(); st.Link != LinkUp {
		t.Errorf("state %v", st.Link)
	}
	// While lost, one probe at a time: no two calls overlapped.
	var probes []model.Record
	for _, rec := range r.records() {
		if rec.Attempt == 1 && !rec.Start.Before(lost.Since) && rec.Start.Before(back.At) {
			probes = append(probes, rec)
		}
	}
	for i := 1; i < len(probes); i++ {
		if probes[i].Start.Before(probes[i-1].End()) {
			t.Errorf("probes %d and %d overlap", probes[i-1].ID, probes[i].ID)
		}
	}
}

// A stream cancelled by a halt can still report an opening or a drop from
// just before: after the halt the session says nothing of it, and a lost
// gateway is not declared back.
func TestEngineQuietAfterHalt(t *testing.T) {
	e := New(Config{Interval: time.Second, Policy: fast})
	now := e.now()
	e.lost(model.Call{Kind: model.CallWatch}, time.Time{}, decision{verdict: verdictLink, kind: "reset", text: "connection reset"}, now)
	e.halt(decision{verdict: verdictHalt, kind: "tls", text: "certificate changed"}, now)
	before := len(e.events)
	for _, k := range []watchMsgKind{watchOpened, watchDropped} {
		e.onWatch(watchMsg{gen: e.watchGen, kind: k})
	}
	e.up(now)
	if n := len(e.events) - before; n != 0 {
		t.Errorf("%d events after the halt", n)
	}
	if st := e.State(); st.Link != LinkHalted {
		t.Errorf("link = %v after a late watch opening, want halted", st.Link)
	}
}
