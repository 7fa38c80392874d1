package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/keys"
)

// sampleDevices is the device list of the sample records' gateway.
func sampleDevices() []model.DeviceInfo {
	return []model.DeviceInfo{
		{ProductKey: "a1Light", DeviceName: "Light01", Status: "Online", Tags: []model.Tag{{Key: "Floor", Value: "1"}, {Key: "Name", Value: "LightSensor"}, {Key: "Room", Value: "Lobby"}}},
		{ProductKey: "a1Light", DeviceName: "Light02", Status: "Online", Tags: []model.Tag{{Key: "Floor", Value: "2"}, {Key: "Room", Value: "Office"}}},
		{ProductKey: "a1Light", DeviceName: "Light04", Status: "Online", Tags: []model.Tag{{Key: "Floor", Value: "3"}, {Key: "Room", Value: "Lab"}}},
		{ProductKey: "a1Sensor", DeviceName: "TH01", Status: "Online", Tags: []model.Tag{{Key: "Room", Value: "Lobby"}}},
		{ProductKey: "a1Sensor", DeviceName: "TH02", Status: "Offline", Tags: []model.Tag{{Key: "Room", Value: "Roof"}}},
		{ProductKey: "a1Door", DeviceName: "Door01", Status: "Inactivated"},
	}
}

// watchState is an open Watch stream as the session reports it.
func watchState(events uint64, last time.Time) session.WatchState {
	return session.WatchState{Open: true, Since: t0.Add(-2 * time.Minute), Last: last, LastEvent: last, Events: events}
}

// change is one property change seen at seen.
func change(pk, dn, prop, value string, seen time.Time) model.PropChange {
	return model.PropChange{ProductKey: pk, DeviceName: dn, Property: prop, Value: value, At: seen, Seen: seen, N: 1}
}

// withDevices feeds the sample records, the device list and a first batch
// of Watch data.
func withDevices(a *App) {
	feed(a, sampleRecords()...)
	send(a, session.Event{Kind: session.EventDevices, At: t0, Devices: sampleDevices()})
	send(a, session.Event{Kind: session.EventWatchData, At: t0.Add(time.Second), Watch: watchState(312, t0.Add(time.Second)), Changes: []model.PropChange{
		change("a1Light", "Light01", "LightSwitch", "1", t0.Add(-time.Second)),
		change("a1Light", "Light01", "MeasuredIlluminance", "481.03", t0.Add(time.Second)),
		change("a1Light", "Light01", "Color", `{"r":255,"g":180,"b":40}`, t0.Add(-40*time.Second)),
		change("a1Sensor", "TH01", "Temperature", "21.5", t0),
		change("a1Sensor", "TH01", "Humidity", "40", t0),
		{ProductKey: "a1Sensor", DeviceName: "TH01", Event: "HighTemp", Value: `{"Temperature":31.2}`, At: t0, Seen: t0, N: 2},
	}})
}

// TestGoldenDevices snapshots the device pane at 80×24 and 120×40 (refresh
// with `go test ./ui -run TestGoldenDevices -update`).
func TestGoldenDevices(t *testing.T) {
	screens := []struct {
		name  string
		setup func(a *App)
	}{
		{"list", func(a *App) { press(a, "D") }},
		{"props", func(a *App) { press(a, "D", "j") }},                // Light01: properties, a 400
		{"event", func(a *App) { press(a, "D", "j", "j", "j", "j") }}, // TH01: an event, a 401
		{"selected_error", func(a *App) { press(a, "D", "j", "j", "j") }},
		{"empty", func(a *App) {
			a.devs.table.Reset()
			press(a, "D")
		}},
	}
	for _, sc := range screens {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				a := newTestApp(t)
				resize(a, size[0], size[1])
				withDevices(a)
				sc.setup(a)
				golden.RequireEqual(t, ansi.Strip(frame(t, a)))
			})
		}
	}
}

// TestDevicePaneUpdatesInTheNextFrame: a Watch batch handed to Update is
// in the very next frame drawn: the new value, changed 0s ago, and the
// header's event count.
func TestDevicePaneUpdatesInTheNextFrame(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	withDevices(a)
	press(a, "D", "j") // Light01
	if s := ansi.Strip(frame(t, a)); !strings.Contains(s, "481.03") || strings.Contains(s, "512.75") {
		t.Fatalf("before:\n%s", s)
	}
	at := t0.Add(5 * time.Second)
	update(t, a, eventMsg{Event: session.Event{
		Kind: session.EventWatchData, At: at, Watch: watchState(313, at),
		Changes: []model.PropChange{change("a1Light", "Light01", "MeasuredIlluminance", "512.75", at)},
	}})
	s := ansi.Strip(frame(t, a))
	line := lineWith(s, "MeasuredIlluminance")
	if !strings.Contains(line, "512.75") || !strings.Contains(line, "changed 0s ago") {
		t.Fatalf("the next frame shows %q:\n%s", line, s)
	}
	if h := strings.SplitN(s, "\n", 2)[0]; !strings.Contains(h, "watch open 2m · 313 ev · last 0s ago") {
		t.Fatalf("header %q", h)
	}
	// A device the list did not have comes in the same frame too.
	update(t, a, eventMsg{Event: session.Event{
		Kind: session.EventWatchData, At: at, Watch: watchState(314, at),
		Changes: []model.PropChange{change("a1New", "Fresh01", "x", "7", at)},
	}})
	if s := ansi.Strip(frame(t, a)); !strings.Contains(s, "Fresh01") || !strings.Contains(s, "devices 7") {
		t.Fatalf("new device not shown:\n%s", s)
	}
}

// TestDevicePaneKeys: D switches the body and back; arrows move; the
// selection stays on its device when one sorts in before it; Enter
// filters the log to the selected device and shows the log.
func TestDevicePaneKeys(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	withDevices(a)
	press(a, "D")
	if !a.devs.shown() || a.helpContext() != keys.ContextDevices {
		t.Fatal("D did not show the devices")
	}
	if !strings.Contains(a.help.text, "enter") || !strings.Contains(a.help.text, "D") {
		t.Fatalf("footer help %q", a.help.text)
	}
	press(a, "j", "j", "j") // Door01, Light01, Light02, Light04
	if d := a.devs.list.Selected(); d == nil || d.DeviceName != "Light04" {
		t.Fatalf("selected %+v", d)
	}
	send(a, session.Event{Kind: session.EventDevices, At: t0, Devices: append(sampleDevices(),
		model.DeviceInfo{ProductKey: "a1Aaa", DeviceName: "First"})})
	if d := a.devs.list.Selected(); d == nil || d.DeviceName != "Light04" {
		t.Fatalf("after a device sorted in before it, selected %+v", d)
	}
	press(a, "enter")
	if a.devs.shown() {
		t.Fatal("Enter did not switch back to the log")
	}
	if q := a.filter.Query.String(); !strings.Contains(q, "a1Light/Light04") {
		t.Fatalf("filter %q", q)
	}
	if a.list.Len() != 1 || selected(a).DeviceName != "Light04" {
		t.Fatalf("the log shows %d rows", a.list.Len())
	}
	press(a, "D", "D")
	if a.devs.shown() {
		t.Fatal("D twice did not come back to the log")
	}
	press(a, "esc")
	if a.filter.Query != nil {
		t.Fatal("Esc did not clear the device filter")
	}
}

// TestDevicePaneTable: the pane's rows come from the records as well:
// last seen and the last error of each device.
func TestDevicePaneTable(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	withDevices(a)
	d := a.devs.table.Get(model.DeviceKey{ProductKey: "a1Light", DeviceName: "Light04"})
	if d == nil || d.LastError.Status != 500 || d.LastError.APICode != "Message.FailedReply" || d.Status != "Online" {
		t.Fatalf("Light04 %+v", d)
	}
	l1 := a.devs.table.Get(model.DeviceKey{ProductKey: "a1Light", DeviceName: "Light01"})
	if l1.LastError.Status != 400 || len(l1.Props) != 3 || !l1.LastSeen.Equal(t0.Add(160*time.Millisecond)) {
		t.Fatalf("Light01 %+v", l1)
	}
}

// TestDevicePaneHostile: device names, tags, values and errors from the
// network reach the screen sanitised.
func TestDevicePaneHostile(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		a := newTestApp(t)
		resize(a, size[0], size[1])
		feed(a, hostileRecord(1), netHostile(2))
		send(a, session.Event{Kind: session.EventDevices, At: t0, Devices: []model.DeviceInfo{
			{ProductKey: "pk" + evil, DeviceName: "dev" + evil, Status: evil, Tags: []model.Tag{{Key: evil, Value: evil}}},
		}})
		send(a, session.Event{Kind: session.EventWatchData, At: t0, Watch: watchState(1, t0), Changes: []model.PropChange{
			change("pk"+evil, "dev"+evil, "p"+evil, `"`+evil+`"`, t0),
			{ProductKey: "pk" + evil, DeviceName: "dev" + evil, Event: "e" + evil, Value: evil, Seen: t0},
		}})
		press(a, "D")
		for _, k := range [][]string{{}, {"j"}, {"tab", "j"}, {"v"}} {
			press(a, k...)
			assertOnlySGR(t, frame(t, a))
		}
		press(a, "enter")
		assertOnlySGR(t, frame(t, a))
	}
}

// TestDevicePaneMouse: a click selects a device; the wheel moves.
func TestDevicePaneMouse(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	withDevices(a)
	press(a, "D")
	a.devicesClick(a.lay.List.Y + a.theme.Frame.GetBorderTopSize() + 1 + 2) // the third device row
	if d := a.devs.list.Selected(); d == nil || d.DeviceName != "Light02" {
		t.Fatalf("clicked %+v", d)
	}
	a.devicesScroll(false, 3)
	if d := a.devs.list.Selected(); d == nil || d.DeviceName != "TH02" {
		t.Fatalf("after the wheel %+v", d)
	}
}

// TestDevicePaneEverySize: the device pane's frame is exactly the screen
// at any size (stacked, side by side, pane hidden), and drawing it changes
// nothing.
func TestDevicePaneEverySize(t *testing.T) {
	for w := minWidth; w <= 230; w += 13 {
		for _, h := range []int{minHeight, 31, 60} {
			a := newTestApp(t)
			resize(a, w, h)
			withDevices(a)
			for _, k := range []string{"D", "j", "tab", "j", "v"} {
				press(a, k)
				first := frame(t, a)
				if again := a.View().Content; again != first {
					t.Fatalf("%dx%d after %s: two Views differ", w, h, k)
				}
			}
		}
	}
}
