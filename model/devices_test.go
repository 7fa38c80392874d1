package model

import (
	"fmt"
	"testing"
	"time"
)

var dt0 = time.Date(2026, 11, 26, 13, 7, 1, 0, time.UTC)

func devRec(id uint64, ms int, dn string, status int) Record {
	return Record{
		ID: id, Start: dt0.Add(time.Duration(ms) * time.Millisecond), Operation: "GetThingProperties",
		ProductKey: "pk", DeviceName: dn, Status: status,
	}
}

func TestDeviceTableListing(t *testing.T) {
	tb := NewDeviceTable()
	g0 := tb.Gen()
	tb.SetDevices([]DeviceInfo{
		{ProductKey: "pk2", DeviceName: "b", Status: "Offline"},
		{ProductKey: "pk1", DeviceName: "z", Status: "Online", Tags: []Tag{{"Room", "Lab"}, {"Floor", "3"}}},
		{ProductKey: "pk1", DeviceName: "a", Status: "Online"},
	}, dt0)
	if tb.Gen() == g0 || tb.Len() != 3 || !tb.Listed().Equal(dt0) {
		t.Fatalf("len %d gen %d listed %v", tb.Len(), tb.Gen(), tb.Listed())
	}
	var order []string
	for i := range tb.Len() {
		order = append(order, tb.At(i).ProductKey+"/"+tb.At(i).DeviceName)
	}
	if fmt.Sprint(order) != "[pk1/a pk1/z pk2/b]" {
		t.Fatalf("order %v", order)
	}
	z := tb.Get(DeviceKey{"pk1", "z"})
	if z == nil || z.Status != "Online" || !z.Listed || fmt.Sprint(z.Tags) != "[{Floor 3} {Room Lab}]" {
		t.Fatalf("z = %+v", z)
	}
	if tb.Index(DeviceKey{"pk2", "b"}) != 2 || tb.Index(DeviceKey{"pk9", "x"}) != -1 || tb.At(3) != nil || tb.At(-1) != nil {
		t.Fatal("Index/At")
	}
	// A new list: a device it no longer names stays, not listed.
	tb.SetDevices([]DeviceInfo{{ProductKey: "pk1", DeviceName: "a", Status: "Offline"}}, dt0.Add(time.Minute))
	if a := tb.Get(DeviceKey{"pk1", "a"}); a.Status != "Offline" || !a.Listed {
		t.Fatalf("a = %+v", a)
	}
	if z.Listed || z.Status != "Online" || tb.Len() != 3 {
		t.Fatalf("z after relist = %+v", z)
	}
	tb.Reset()
	if tb.Len() != 0 || tb.Get(DeviceKey{"pk1", "a"}) != nil {
		t.Fatal("Reset kept devices")
	}
}

func TestDeviceTableRecords(t *testing.T) {
	tb := NewDeviceTable()
	bad := devRec(3, 30, "d1", 404)
	bad.APICode, bad.APIMessage = "NotFound", "no such device"
	timeout := devRec(4, 20, "d1", 0) // older than bad: not the last error
	timeout.Err = &TransportError{Kind: ErrTimeout, Text: "deadline exceeded"}
	canceled := devRec(6, 90, "d1", 0)
	canceled.Err = &TransportError{Kind: ErrCanceled, Text: "context canceled"}
	list := Record{ID: 7, Start: dt0.Add(time.Second), Operation: "ListThings", Status: 500} // names no device
	tsl := Record{ID: 8, Start: dt0, Operation: "GetTSL", ProductKey: "pk", Status: 500}     // a product, not a device
	tb.Observe([]Record{devRec(1, 0, "d1", 200), devRec(2, 10, "d2", 200), bad, timeout, devRec(5, 50, "d1", 200), canceled, list, tsl})
	if tb.Len() != 2 {
		t.Fatalf("%d devices, want 2", tb.Len())
	}
	d1 := tb.Get(DeviceKey{"pk", "d1"})
	if !d1.LastSeen.Equal(dt0.Add(90*time.Millisecond)) || d1.Requests != 5 || d1.Failures != 2 {
		t.Fatalf("d1 seen %v requests %d failures %d", d1.LastSeen, d1.Requests, d1.Failures)
	}
	e := d1.LastError
	if e.RecordID != 3 || e.Status != 404 || e.APICode != "NotFound" || e.Message != "no such device" || e.Operation != "GetThingProperties" {
		t.Fatalf("last error %+v", e)
	}
	// A newer transport error replaces it, its text as the message.
	newer := devRec(9, 100, "d1", 0)
	newer.Err = &TransportError{Kind: ErrReset, Text: "connection reset"}
	tb.Observe([]Record{newer})
	if e := d1.LastError; e.RecordID != 9 || e.Kind != ErrReset || e.Message != "connection reset" || e.Status != 0 {
		t.Fatalf("last error %+v", e)
	}
	if d2 := tb.Get(DeviceKey{"pk", "d2"}); !d2.LastError.At.IsZero() || d2.Status != "" || d2.Listed {
		t.Fatalf("d2 = %+v", d2)
	}
}

func TestDeviceTableWatch(t *testing.T) {
	tb := NewDeviceTable()
	tb.SetDevices([]DeviceInfo{{ProductKey: "pk", DeviceName: "d", Status: "Online"}}, dt0)
	at := func(s int) time.Time { return dt0.Add(time.Duration(s) * time.Second) }
	tb.Apply([]PropChange{
		{ProductKey: "pk", DeviceName: "d", Property: "temp", Value: "21.5", At: at(1), Seen: at(1), N: 3},
		{ProductKey: "pk", DeviceName: "d", Property: "hum", Value: "40", At: at(1), Seen: at(1)},
		{ProductKey: "pk", DeviceName: "d", Event: "HighTemp", Value: `{"t":30}`, At: at(2), Seen: at(2)},
	})
	d := tb.Get(DeviceKey{"pk", "d"})
	if len(d.Props) != 2 || d.Props[0].Name != "hum" || d.Props[1].Name != "temp" {
		t.Fatalf("props %+v", d.Props)
	}
	if p, ok := d.Prop("temp"); !ok || p.Value != "21.5" || p.Changes != 3 || !p.Seen.Equal(at(1)) {
		t.Fatalf("temp %+v", p)
	}
	if d.LastEvent.Name != "HighTemp" || d.LastEvent.Args != `{"t":30}` || d.LastEvent.Count != 1 || !d.Changed.Equal(at(2)) {
		t.Fatalf("event %+v changed %v", d.LastEvent, d.Changed)
	}
	tb.Apply([]PropChange{{ProductKey: "pk", DeviceName: "d", Property: "temp", Value: "22", At: at(5), Seen: at(5)}})
	if p, _ := d.Prop("temp"); p.Value != "22" || p.Changes != 4 || !p.At.Equal(at(5)) {
		t.Fatalf("temp after change %+v", p)
	}
	// A change of a device not listed adds it.
	tb.Apply([]PropChange{{ProductKey: "pk", DeviceName: "new", Property: "x", Value: "1", Seen: at(6)}})
	if n := tb.Get(DeviceKey{"pk", "new"}); n == nil || n.Listed || len(n.Props) != 1 {
		t.Fatalf("new = %+v", n)
	}
}

// TestDeviceTableBounded: properties past MaxDeviceProps replace the one
// that changed longest ago; devices past MaxDevices are counted, not held.
func TestDeviceTableBounded(t *testing.T) {
	tb := NewDeviceTable()
	var cs []PropChange
	for i := range MaxDeviceProps + 5 {
		cs = append(cs, PropChange{
			ProductKey: "pk", DeviceName: "d", Property: fmt.Sprintf("p%03d", i), Value: "1",
			Seen: dt0.Add(time.Duration(i) * time.Second),
		})
	}
	tb.Apply(cs)
	d := tb.Get(DeviceKey{"pk", "d"})
	if len(d.Props) != MaxDeviceProps || d.PropsDropped != 5 {
		t.Fatalf("%d props, %d dropped", len(d.Props), d.PropsDropped)
	}
	if _, ok := d.Prop("p000"); ok {
		t.Fatal("the oldest property was kept")
	}
	if _, ok := d.Prop(fmt.Sprintf("p%03d", MaxDeviceProps+4)); !ok {
		t.Fatal("the newest property was not kept")
	}
	for i := 1; i < len(d.Props); i++ {
		if d.Props[i-1].Name >= d.Props[i].Name {
			t.Fatalf("props not sorted at %d: %s, %s", i, d.Props[i-1].Name, d.Props[i].Name)
		}
	}
	many := make([]DeviceInfo, MaxDevices+10)
	for i := range many {
		many[i] = DeviceInfo{ProductKey: "pk", DeviceName: fmt.Sprintf("x%05d", i)}
	}
	tags := make([]Tag, MaxDeviceTags+3)
	many[0].Tags = tags
	tb.SetDevices(many, dt0)
	if tb.Len() != MaxDevices || tb.Dropped() != 11 {
		t.Fatalf("%d devices, %d dropped", tb.Len(), tb.Dropped())
	}
	if n := len(tb.Get(DeviceKey{"pk", "x00000"}).Tags); n != MaxDeviceTags {
		t.Fatalf("%d tags kept", n)
	}
}

// TestDeviceQuery: the expression selects exactly the device's records,
// whatever its names hold.
func TestDeviceQuery(t *testing.T) {
	for _, tc := range []struct{ pk, dn string }{
		{"a1Light", "Light01"}, {"pk", `we"ird\ name*`}, {"p k", "and"}, {"", "d"},
	} {
		src := DeviceQuery(tc.pk, tc.dn)
		q, err := ParseQuery(src, dt0)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		mine := Record{ProductKey: tc.pk, DeviceName: tc.dn, Status: 200}
		other := Record{ProductKey: tc.pk, DeviceName: tc.dn + "x", Status: 200}
		if !q.Match(&mine) || q.Match(&other) {
			t.Errorf("%s: mine %v other %v", src, q.Match(&mine), q.Match(&other))
		}
	}
	if s := DeviceQuery("a1Light", "Light01"); s != `dev:"a1Light/Light01"` {
		t.Errorf("query %s", s)
	}
}

func BenchmarkDeviceTableApply(b *testing.B) {
	tb := NewDeviceTable()
	cs := make([]PropChange, 100)
	for i := range cs {
		cs[i] = PropChange{ProductKey: "pk", DeviceName: fmt.Sprintf("d%02d", i%20), Property: fmt.Sprintf("p%d", i%8), Value: "1", Seen: dt0}
	}
	b.ReportAllocs()
	for b.Loop() {
		tb.Apply(cs)
	}
}
