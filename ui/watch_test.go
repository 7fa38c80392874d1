package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/model"
)

// fake2019 is a fake 2019-09-30 gateway: no GetTSL, and a Watch stream
// that sends its events and then stays open until the context ends.
type fake2019 struct {
	*fakeAPI
	events []edgeclient.WatchEvent
}

func (f *fake2019) GetTSL(_ context.Context, pk string) (*edgeclient.TSL, error) {
	f.record("tsl " + pk)
	return nil, &edgeclient.UnsupportedError{Operation: "GetTSL", APIVersion: "2019-09-30"}
}

func (f *fake2019) Watch(ctx context.Context, _ []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error) {
	f.record("watch")
	ch := make(chan edgeclient.WatchEvent)
	go func() {
		defer close(ch)
		for _, ev := range f.events {
			select {
			case ch <- ev:
			case <-ctx.Done():
				return
			}
		}
		<-ctx.Done()
	}()
	return ch, nil
}

// propsEvent is a propertiesChanged event with Args {id:{time,value}}.
func propsEvent(pk, dn string, ids ...string) edgeclient.WatchEvent {
	args := map[string]any{}
	for _, id := range ids {
		args[id] = map[string]any{"time": 1587577766729, "value": 1}
	}
	b, _ := json.Marshal(args)
	return edgeclient.WatchEvent{Kind: edgeclient.WatchDeviceEvent, ProductKey: pk, DeviceName: dn, Event: "propertiesChanged", Args: b}
}

// pump runs cmds (batches flattened) each on its own goroutine, as the
// Bubble Tea runtime does, and delivers their messages on C.
type pump struct {
	C  chan tea.Msg
	wg sync.WaitGroup
}

func newPump(t *testing.T, cancel context.CancelFunc) *pump {
	p := &pump{C: make(chan tea.Msg, 64)}
	t.Cleanup(func() { cancel(); p.wg.Wait() })
	return p
}

func (p *pump) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	p.wg.Go(func() {
		switch m := cmd().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range m {
				p.start(c)
			}
		default:
			p.C <- m
		}
	})
}

// TestWatchTeachesIdentifiers2019: with no GetTSL nothing is polled until
// the watch stream's propertiesChanged events name identifiers; then the
// devices they named are polled with them, and a device never named is
// still skipped.
func TestWatchTeachesIdentifiers2019(t *testing.T) {
	api := &fake2019{fakeAPI: &fakeAPI{things: []edgeclient.Thing{
		{ProductKey: "pk", DeviceName: "d1"}, {ProductKey: "pk", DeviceName: "d2"}, {ProductKey: "pk", DeviceName: "d3"},
	}}, events: []edgeclient.WatchEvent{
		{Kind: edgeclient.WatchOpened},
		{Kind: edgeclient.WatchHeartbeat},
		propsEvent("pk", "d1", "Color", "Brightness"),
		propsEvent("pk", "other", "NotWatched"), // not a watched device
		{Kind: edgeclient.WatchDeviceEvent, ProductKey: "pk", DeviceName: "d3", Event: "HighTemp", Args: json.RawMessage(`{"x":1}`)}, // a TSL event, not properties
		propsEvent("pk", "d2", "Temperature", "bad id", "Humidity"),                                                                  // "bad id" is not an identifier
		propsEvent("pk", "d1", "Brightness"),                                                                                         // seen already
	}}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	p := newPump(t, a.cancel)
	tick := func() (callDoneMsg, bool) {
		return findMsg[callDoneMsg](t, update(t, a, workloadTickMsg{Gen: a.work.gen}))
	}
	for _, want := range []model.CallKind{model.CallAuth, model.CallListThings} {
		m, ok := tick()
		if !ok || m.Call.Kind != want {
			t.Fatalf("call %v, want %v", m.Call.Kind, want)
		}
		update(t, a, m)
	}
	// The watch opens; its stream runs as the runtime would run it.
	p.start(update(t, a, workloadTickMsg{Gen: a.work.gen}))
	if !a.conn.watching {
		t.Fatal("watch not opened")
	}
	if m, ok := tick(); ok {
		t.Fatalf("polled %v before any identifier was known (2019: no TSL)", m.Call)
	}
	want := map[string]string{"d1": "Brightness,Color", "d2": "Humidity,Temperature"}
	learned := func() bool {
		for _, d := range a.work.plan.Devices() {
			if w := want[d.DeviceName]; strings.Join(d.Properties, ",") != w {
				return false
			}
		}
		return true
	}
	for !learned() {
		if m, ok := (<-p.C).(propsLearnedMsg); ok {
			p.start(update(t, a, m))
		}
	}
	var polls []string
	for range 4 {
		m, ok := tick()
		if !ok || m.Call.Kind != model.CallGetProperties {
			t.Fatalf("after learning: %v", m.Call.Kind)
		}
		polls = append(polls, fmt.Sprintf("%s:%s", m.Call.DeviceName, strings.Join(m.Call.Identifiers, "+")))
		update(t, a, m)
	}
	if got := strings.Join(polls, " "); got != "d1:Brightness+Color d2:Humidity+Temperature d1:Brightness+Color d2:Humidity+Temperature" {
		t.Fatalf("polls %s", got)
	}
	if !strings.Contains(api.Calls(), "get pk/d1,get pk/d2") || strings.Contains(api.Calls(), "get pk/d3") {
		t.Fatalf("client saw %s", api.Calls())
	}

	// A batch from an older stream is dropped, and its channel not read.
	if cmd := update(t, a, propsLearnedMsg{ID: a.work.watchID - 1, Devices: []learnedProps{{ProductKey: "pk", DeviceName: "d3", IDs: []string{"x"}}}}); cmd != nil {
		t.Fatal("a stale batch re-armed the wait")
	}
	if d := a.work.plan.Devices()[2]; len(d.Properties) != 0 {
		t.Fatalf("a stale batch reached the plan: %v", d.Properties)
	}
}

// TestLearnerBounded: the watch goroutine never blocks on Update; a batch
// that does not fit the queue is forgotten and learned again from a later
// event, and a device learns at most MaxReadIdentifiers identifiers.
func TestLearnerBounded(t *testing.T) {
	l := &learner{id: 7, targets: map[deviceKey]bool{{"pk", "d"}: true}, seen: map[deviceKey]map[string]bool{},
		out: make(chan propsLearnedMsg, 1)}
	if !l.note(propsEvent("pk", "d", "a")) {
		t.Fatal("first identifier not noted")
	}
	l.flush() // fits
	l.note(propsEvent("pk", "d", "b"))
	l.flush() // queue full: dropped, forgotten
	if l.note(propsEvent("pk", "d", "a")) {
		t.Fatal("a delivered identifier noted twice")
	}
	m := <-l.out
	if m.ID != 7 || len(m.Devices) != 1 || strings.Join(m.Devices[0].IDs, ",") != "a" {
		t.Fatalf("first batch %+v", m)
	}
	if !l.note(propsEvent("pk", "d", "b", "c")) {
		t.Fatal("a dropped identifier was not learned again")
	}
	l.flush()
	if m = <-l.out; strings.Join(m.Devices[0].IDs, ",") != "b,c" {
		t.Fatalf("second batch %+v", m)
	}
	many := make([]string, 2*model.MaxReadIdentifiers)
	for i := range many {
		many[i] = fmt.Sprintf("p%03d", i)
	}
	l.note(propsEvent("pk", "d", many...))
	if n := len(l.seen[deviceKey{"pk", "d"}]); n != model.MaxReadIdentifiers {
		t.Fatalf("seen %d identifiers, want the cap %d", n, model.MaxReadIdentifiers)
	}
	if l.note(propsEvent("pk", "d", "zzz")) {
		t.Fatal("noted past the cap")
	}
	for _, bad := range []string{"", "a b", "x\x1b[2J", strings.Repeat("x", maxIdentifierLen+1), "\xff"} {
		if validIdentifier(bad) {
			t.Errorf("validIdentifier(%q)", bad)
		}
	}
}
