package devices

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"edgetop/model"
	"edgetop/ui/theme"
)

var t0 = time.Date(2026, 11, 26, 13, 7, 1, 0, time.UTC)

// TestRowsFitEveryWidth: every drawn line of both panes is exactly the
// width, at any width, with long names, values and messages.
func TestRowsFitEveryWidth(t *testing.T) {
	tab := model.NewDeviceTable()
	long := "a-very-long-device-name-that-goes-on-and-on-界界界"
	tab.SetDevices([]model.DeviceInfo{
		{ProductKey: "a1ProductKeyLong", DeviceName: long, Status: "Online", Tags: []model.Tag{{Key: "Room", Value: long}}},
		{ProductKey: "pk", DeviceName: "d", Status: "Failed"},
	}, t0)
	tab.Apply([]model.PropChange{{ProductKey: "a1ProductKeyLong", DeviceName: long, Property: long, Value: long, Seen: t0, N: 1}})
	tab.Observe([]model.Record{{ID: 1, Start: t0, ProductKey: "pk", DeviceName: "d", Status: 500, APICode: "Message.FailedReply", APIMessage: long}})
	for _, th := range []*theme.Theme{theme.NoColorTheme(), theme.NewTheme(true)} {
		for w := 0; w <= 250; w += 7 {
			l := NewList(th, tab)
			l.SetSize(w, 5)
			l.Sync(t0.Add(time.Hour))
			for i, line := range l.View() {
				if got := ansi.StringWidth(line); got != w {
					t.Fatalf("width %d: list line %d is %d wide: %q", w, i, got, ansi.Strip(line))
				}
			}
			p := NewInfo(th)
			p.SetSize(w, 30)
			for i := range tab.Len() {
				p.Show(tab.At(i), tab.Gen(), t0.Add(time.Minute))
				for j, line := range p.View() {
					if got := ansi.StringWidth(line); got != w {
						t.Fatalf("width %d: info line %d is %d wide: %q", w, j, got, ansi.Strip(line))
					}
				}
			}
		}
	}
}

func TestErrorCode(t *testing.T) {
	th := theme.NoColorTheme()
	for _, tc := range []struct {
		e    model.DeviceError
		want string
	}{
		{model.DeviceError{}, "–"},
		{model.DeviceError{At: t0, Status: 404, APICode: "NotFound"}, "! 404 NotFound"},
		{model.DeviceError{At: t0, Status: 400, APICode: "400"}, "! 400"},
		{model.DeviceError{At: t0, Kind: model.ErrTimeout}, "⚡ net timeout"},
		{model.DeviceError{At: t0, Status: 200, Kind: model.ErrMalformed}, "⚡ 200 malformed"},
		{model.DeviceError{At: t0, Status: 503, APICode: "x\x1b[2Jy"}, "✗ 503 xy"},
	} {
		if got, _ := ErrorCode(th, tc.e); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

// TestSelectionFollowsItsDevice: a device sorted in before the selected
// one keeps the selection on the same device.
func TestSelectionFollowsItsDevice(t *testing.T) {
	tab := model.NewDeviceTable()
	var list []model.DeviceInfo
	for i := range 10 {
		list = append(list, model.DeviceInfo{ProductKey: "pk", DeviceName: fmt.Sprintf("d%02d", 2*i)})
	}
	tab.SetDevices(list, t0)
	l := NewList(theme.NoColorTheme(), tab)
	l.SetSize(60, 3)
	l.Sync(t0)
	l.MoveTo(5)
	l.Sync(t0)
	tab.SetDevices(append(list, model.DeviceInfo{ProductKey: "pk", DeviceName: "d01"}), t0)
	l.Sync(t0)
	if d := l.Selected(); d.DeviceName != "d10" || l.Cursor() != 6 {
		t.Fatalf("selected %s at %d", d.DeviceName, l.Cursor())
	}
}
