package session

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// fake2019 is a 2019-09-30 gateway client: no GetTSL, and a Watch stream
// that sends its events and then stays open until the context ends.
type fake2019 struct {
	mu     sync.Mutex
	calls  []string
	things []edgeclient.Thing
	events []edgeclient.WatchEvent
}

func (f *fake2019) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fake2019) reads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, "get ") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fake2019) Auth() edgeclient.AuthState             { return edgeclient.AuthState{Authenticated: true} }
func (f *fake2019) Close(context.Context) error            { return nil }
func (f *fake2019) CreateAuthCookie(context.Context) error { f.record("auth"); return nil }
func (f *fake2019) Raw(context.Context, string, string, []byte) (*edgeclient.RawResponse, error) {
	return &edgeclient.RawResponse{}, nil
}

func (f *fake2019) ListThings(context.Context, edgeclient.ThingFilter) ([]edgeclient.Thing, error) {
	f.record("list")
	return f.things, nil
}

func (f *fake2019) GetThingProperties(_ context.Context, pk, dn string, ids ...string) (*edgeclient.Properties, error) {
	f.record("get " + dn + ":" + strings.Join(ids, "+"))
	return &edgeclient.Properties{}, nil
}

func (f *fake2019) CallThingServices(context.Context, string, string, []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error) {
	return &edgeclient.ServicesResult{}, nil
}

func (f *fake2019) GetTSL(context.Context, string) (*edgeclient.TSL, error) {
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

// TestWatchTeachesIdentifiers2019: with no GetTSL nothing is read until
// the watch stream's propertiesChanged events name identifiers; then the
// devices they named are read with them, and a device never named is
// still skipped. The stream's events are counted for the header.
func TestWatchTeachesIdentifiers2019(t *testing.T) {
	api := &fake2019{things: []edgeclient.Thing{
		{ProductKey: "pk", DeviceName: "d1"}, {ProductKey: "pk", DeviceName: "d2"}, {ProductKey: "pk", DeviceName: "d3"},
	}, events: []edgeclient.WatchEvent{
		{Kind: edgeclient.WatchOpened, RecordID: 9},
		{Kind: edgeclient.WatchHeartbeat},
		propsEvent("pk", "d1", "Color", "Brightness"),
		propsEvent("pk", "other", "NotWatched"), // not a watched device
		{Kind: edgeclient.WatchDeviceEvent, ProductKey: "pk", DeviceName: "d3", Event: "HighTemp", Args: json.RawMessage(`{"x":1}`)},
		propsEvent("pk", "d2", "Temperature", "bad id", "Humidity"), // "bad id" is not an identifier
		propsEvent("pk", "d1", "Brightness"),                        // seen already
	}}
	r := startEngine(t, api, nil, nil)
	r.waitFor(t, 5*time.Second, "reads of both devices", func(evs []Event, _ []model.Record) bool {
		return len(api.reads()) >= 4 && len(having(evs, EventWatchOpen)) == 1
	})
	for _, g := range api.reads() {
		if g != "get d1:Brightness+Color" && g != "get d2:Humidity+Temperature" {
			t.Fatalf("read %q; all: %v", g, api.reads())
		}
	}
	if open := having(r.events(), EventWatchOpen)[0]; open.RecordID != 9 {
		t.Errorf("watch open names record %d", open.RecordID)
	}
	if st := r.e.State(); !st.Watch.Open || st.Watch.Events != 5 || st.Watch.Since.IsZero() {
		t.Errorf("watch state %+v", st.Watch)
	}
}

// TestLearnerBounded: the stream never blocks on the engine; a batch that
// does not fit the queue is forgotten and learned again from a later
// event, and a device learns at most MaxReadIdentifiers identifiers.
func TestLearnerBounded(t *testing.T) {
	l := newLearner([]edgeclient.WatchTarget{{ProductKey: "pk", DeviceName: "d"}})
	out := make(chan watchMsg, 1)
	if !l.note(propsEvent("pk", "d", "a")) {
		t.Fatal("first identifier not noted")
	}
	l.offer(out, 7) // fits
	l.note(propsEvent("pk", "d", "b"))
	l.offer(out, 7) // queue full: dropped, forgotten
	if l.note(propsEvent("pk", "d", "a")) {
		t.Fatal("a delivered identifier noted twice")
	}
	m := <-out
	if m.gen != 7 || len(m.learned) != 1 || strings.Join(m.learned[0].IDs, ",") != "a" {
		t.Fatalf("first batch %+v", m)
	}
	if !l.note(propsEvent("pk", "d", "b", "c")) {
		t.Fatal("a dropped identifier was not learned again")
	}
	l.offer(out, 7)
	if m = <-out; strings.Join(m.learned[0].IDs, ",") != "b,c" {
		t.Fatalf("second batch %+v", m)
	}
	many := make([]string, 2*model.MaxReadIdentifiers)
	for i := range many {
		many[i] = fmt.Sprintf("p%03d", i)
	}
	l.note(propsEvent("pk", "d", many...))
	if n := len(l.seen[[2]string{"pk", "d"}]); n != model.MaxReadIdentifiers {
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
