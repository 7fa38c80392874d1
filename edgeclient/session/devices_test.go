package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// TestEngineDevicesAndWatchData: against the simulator, a session sends
// the device list after ListThings (status and tags as listed) and the
// Watch stream's property changes with their values, in batches; the
// stream's state rides on them while it is open.
func TestEngineDevicesAndWatchData(t *testing.T) {
	s := newSim(t, edgesim.Options{WatchInterval: 20 * time.Millisecond})
	c, obs := newClient(t, s.URL, s, nil)
	r := startEngine(t, c, obs, nil)
	r.waitFor(t, 10*time.Second, "devices and watch data", func(evs []Event, _ []model.Record) bool {
		return len(having(evs, EventDevices)) > 0 && len(having(evs, EventWatchData)) >= 3
	})
	evs := r.events()
	devs := having(evs, EventDevices)[0].Devices
	byName := map[string]model.DeviceInfo{}
	for _, d := range devs {
		byName[d.DeviceName] = d
	}
	l1, th4 := byName["Light01"], byName["THSensor04"]
	if l1.Status != "Online" || th4.Status != "Offline" || l1.ProductKey == "" {
		t.Fatalf("Light01 %+v, THSensor04 %+v", l1, th4)
	}
	if len(l1.Tags) != 3 || l1.Tags[0] != (model.Tag{Key: "Floor", Value: "1"}) || l1.Tags[2].Key != "Room" {
		t.Fatalf("Light01 tags %+v", l1.Tags)
	}
	// The device list follows the ListThings record that brought it.
	listed := false
	for _, ev := range evs {
		if ev.Kind == EventRecords && count(ev.Records, edgeclient.OpListThings, "") > 0 {
			listed = true
		}
		if ev.Kind == EventDevices && !listed {
			t.Fatal("EventDevices before the ListThings record")
		}
	}
	var changes []model.PropChange
	for _, ev := range having(evs, EventWatchData) {
		if !ev.Watch.Open || ev.Watch.Events == 0 || ev.Watch.Since.IsZero() || ev.Watch.LastEvent.IsZero() {
			t.Errorf("watch state on the batch: %+v", ev.Watch)
		}
		changes = append(changes, ev.Changes...)
	}
	real := 0
	for _, ch := range changes {
		if byName[ch.DeviceName].ProductKey != ch.ProductKey {
			t.Errorf("a change of a device not listed: %+v", ch)
		}
		if ch.Property != "" && ch.Value != "" && json.Valid([]byte(ch.Value)) && !ch.At.IsZero() && !ch.Seen.IsZero() && ch.N >= 1 {
			real++
		}
	}
	t.Logf("%d changes, e.g. %+v", len(changes), changes[:min(3, len(changes))])
	if real == 0 {
		t.Fatalf("no property change with a value among %d: %+v", len(changes), changes)
	}
	if st := r.e.State(); !st.Watch.Open || st.Watch.LastEvent.IsZero() {
		t.Errorf("state %+v", st.Watch)
	}
}

// TestCoalescerBatches: many events of a few properties make one batch of
// one change per property, with the newest value and a count; past
// maxChangeBatch new pairs are counted, never queued; values are masked
// and cut in the loop.
func TestCoalescerBatches(t *testing.T) {
	var dropped atomic.Uint64
	now := time.Unix(1_700_000_000, 0)
	c := newCoalescer([]edgeclient.WatchTarget{{ProductKey: "pk", DeviceName: "d"}}, func() time.Time { return now }, &dropped)
	defer c.stop()
	for i := range 1000 {
		c.add(propsEvent("pk", "d", "a", "b"))
		ev := edgeclient.WatchEvent{
			Kind: edgeclient.WatchDeviceEvent, ProductKey: "pk", DeviceName: "d", Event: "propertiesChanged",
			Args: json.RawMessage(`{"t":{"time":1700000000123,"value":` + string(rune('0'+i%10)) + `}}`),
		}
		c.add(ev)
	}
	c.add(propsEvent("pk", "other", "x")) // not watched
	c.add(edgeclient.WatchEvent{Kind: edgeclient.WatchDeviceEvent, ProductKey: "pk", DeviceName: "d", Event: "HighTemp", Args: json.RawMessage(`{"v":1}`)})
	if c.due() == nil {
		t.Fatal("no flush armed")
	}
	out := make(chan watchMsg, 1)
	c.offer(out, 3)
	m := <-out
	if m.kind != watchData || m.gen != 3 || len(m.changes) != 4 || c.due() != nil {
		t.Fatalf("batch %+v", m)
	}
	byProp := map[string]model.PropChange{}
	for _, ch := range m.changes {
		byProp[ch.Property+ch.Event] = ch
	}
	if a := byProp["a"]; a.N != 1000 || a.Value != "1" {
		t.Errorf("a %+v", a)
	}
	if tc := byProp["t"]; tc.Value != "9" || tc.At != time.UnixMilli(1700000000123) || !tc.Seen.Equal(now) {
		t.Errorf("t %+v", tc)
	}
	if ev := byProp["HighTemp"]; ev.Property != "" || ev.Value != `{"v":1}` || !ev.At.Equal(now) {
		t.Errorf("event %+v", ev)
	}
	// A full queue: the batch stays, coalescing, until there is room.
	out <- watchMsg{}
	c.add(propsEvent("pk", "d", "a"))
	c.offer(out, 3)
	if c.due() == nil || len(c.pending) != 1 {
		t.Fatal("a batch that did not fit was lost")
	}
	<-out
	c.take()
	c.targets = map[[2]string]bool{}
	for i := range maxChangeBatch + 7 {
		c.add(propsEvent("pk", "d"+string(rune('0'+i%10))+strings.Repeat("y", i/10), "v"))
	}
	if len(c.pending) != maxChangeBatch || dropped.Load() != 7 {
		t.Fatalf("%d pending, %d dropped", len(c.pending), dropped.Load())
	}
}

// TestWatchDataMasked: the loop masks each value, and the names (product,
// device, property, event) that came with it, and cuts it to
// model.MaxValueLen on a rune boundary.
func TestWatchDataMasked(t *testing.T) {
	e := New(Config{Client: maskingAPI{fake2019: &fake2019{}}})
	long := strings.Repeat("é", model.MaxValueLen)
	go e.watchData(watchMsg{changes: []model.PropChange{
		{ProductKey: "pk", DeviceName: "d", Property: "p", Value: `"token=s3cret"`},
		{ProductKey: "pk", DeviceName: "d", Property: "q", Value: long},
		{ProductKey: "pk-s3cret", DeviceName: "d-s3cret", Property: "s3cret", Event: "ev s3cret"},
	}})
	ev := <-e.events
	if ev.Kind != EventWatchData || ev.Changes[0].Value != `"token=******"` {
		t.Fatalf("%v %+v", ev.Kind, ev.Changes)
	}
	if c := ev.Changes[2]; c.ProductKey != "pk-******" || c.DeviceName != "d-******" || c.Property != "******" || c.Event != "ev ******" {
		t.Fatalf("names not masked: %+v", c)
	}
	v := ev.Changes[1].Value
	if len(v) > model.MaxValueLen || !strings.HasSuffix(v, "…") || !strings.HasPrefix(v, "éé") || !utf8Valid(v) {
		t.Fatalf("cut value %q (%d bytes)", v, len(v))
	}
}

// TestDeviceInfos: the device list is masked, bounded and its tags sorted.
func TestDeviceInfos(t *testing.T) {
	api := maskingAPI{fake2019: &fake2019{}}
	infos := deviceInfos(api, []edgeclient.Thing{{
		ProductKey: "pk", DeviceName: "d", Status: "Online",
		Tags: edgeclient.Tags{"z": "1", "a": "key s3cret", "long": strings.Repeat("x", 1000)},
	}})
	tags := infos[0].Tags
	if len(tags) != 3 || tags[0] != (model.Tag{Key: "a", Value: "key ******"}) || tags[1].Key != "long" ||
		len(tags[1].Value) > model.MaxValueLen || tags[2].Key != "z" {
		t.Fatalf("tags %+v", tags)
	}
}

// maskingAPI masks "s3cret" as a client masks its secrets.
type maskingAPI struct{ *fake2019 }

func (maskingAPI) Mask(s string) string { return strings.ReplaceAll(s, "s3cret", "******") }

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestWatchDataBatchedAtHighRate: 20,000 stream events as fast as the
// stream reads them reach the face as a few coalesced batches, every
// change counted.
func TestWatchDataBatchedAtHighRate(t *testing.T) {
	const n = 20000
	evs := []edgeclient.WatchEvent{{Kind: edgeclient.WatchOpened, RecordID: 1}}
	for i := range n {
		evs = append(evs, propsEvent("pk", []string{"d1", "d2"}[i%2], "Temperature"))
	}
	api := &fake2019{things: []edgeclient.Thing{{ProductKey: "pk", DeviceName: "d1"}, {ProductKey: "pk", DeviceName: "d2"}}, events: evs}
	r := startEngine(t, api, nil, nil)
	total := func(evs []Event) (sum int) {
		for _, ev := range having(evs, EventWatchData) {
			for _, c := range ev.Changes {
				sum += c.N
			}
		}
		return sum
	}
	r.waitFor(t, 10*time.Second, "every change", func(evs []Event, _ []model.Record) bool { return total(evs) == n })
	batches := having(r.events(), EventWatchData)
	if len(batches) > 200 {
		t.Errorf("%d batches for %d events: not coalesced", len(batches), n)
	}
	for _, b := range batches {
		if len(b.Changes) > 2 {
			t.Fatalf("a batch of %d changes for 2 device properties", len(b.Changes))
		}
	}
	if st := r.e.State(); st.Watch.Events != n || st.Watch.Dropped != 0 {
		t.Errorf("watch state %+v", st.Watch)
	}
	t.Logf("%d events in %d batches", n, len(batches))
}

// TestActionResultMasked: what an action read (a TSL's every name, the
// devices, the scenes, a service's answer, the error) reaches the dialogs
// masked; the error still unwraps to what it was.
func TestActionResultMasked(t *testing.T) {
	s, err := model.ParseTSL([]byte(`{"profile":{"productKey":"pk-s3cret"},"properties":[
	 {"identifier":"p-s3cret","name":"n-s3cret","accessMode":"rw","dataType":{"type":"int","specs":{"min":"0","max":"9","unit":"u-s3cret","unitName":"un-s3cret"}}},
	 {"identifier":"e","name":"e","accessMode":"rw","dataType":{"type":"enum","specs":{"0":"off-s3cret"}}},
	 {"identifier":"st","name":"st","accessMode":"rw","dataType":{"type":"struct","specs":[{"identifier":"m-s3cret","name":"m","dataType":{"type":"text","specs":{"length":"8"}}}]}},
	 {"identifier":"ar","name":"ar","accessMode":"rw","dataType":{"type":"array","specs":{"size":"2","item":{"type":"struct","specs":[{"identifier":"i-s3cret","name":"i","dataType":{"type":"int","specs":{}}}]}}}}],
	 "services":[{"identifier":"svc-s3cret","name":"sn-s3cret","desc":"d-s3cret","callType":"sync","inputData":[{"identifier":"a-s3cret","name":"an","dataType":{"type":"bool","specs":{"0":"no-s3cret","1":"yes"}}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := ActionResult{
		Schema:   s,
		Things:   []edgeclient.Thing{{ProductKey: "pk", DeviceName: "d-s3cret", NickName: "nn-s3cret", Status: "s3cret", Tags: edgeclient.Tags{"k-s3cret": "v-s3cret"}}},
		Scenes:   []edgeclient.Scene{{ID: "id-s3cret", Name: "scene s3cret"}},
		Returned: []byte(`{"echo":"s3cret"}`),
		Err:      &ServiceError{Service: "svc", Code: "X", Message: "echo s3cret"},
	}
	maskResult(maskingAPI{}.Mask, &r)
	if got := fmt.Sprintf("%+v %+v %+v %s %v", *r.Schema, r.Things, r.Scenes, r.Returned, r.Err); strings.Contains(got, "s3cret") {
		t.Fatalf("a secret left: %s", got)
	}
	if it := r.Schema.Properties[3].Type.Item; it == nil || len(it.Members) != 1 || it.Members[0].ID != "i-******" {
		t.Fatalf("an array's item (behind a pointer): %+v", it)
	}
	var se *ServiceError
	if !errors.As(r.Err, &se) {
		t.Fatal("the masked error no longer unwraps to the ServiceError")
	}
}
