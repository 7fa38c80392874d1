package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/devices"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
)

// The device pane (D): the body shows the session's devices instead of
// the request log, and the side pane the selected device. The table is
// kept up to date whatever the body shows, from the device list
// (EventDevices), the Watch stream (EventWatchData) and the records; it is
// not frozen by a pause, which holds the log only.

// bodyKind says what the body shows.
type bodyKind uint8

const (
	bodyLog bodyKind = iota
	bodyDevices
)

// devicePane is the device pane's part of the App.
type devicePane struct {
	body  bodyKind
	table *model.DeviceTable
	list  *devices.List
	info  *devices.Info
}

func newDevicePane(t *theme.Theme) devicePane {
	tab := model.NewDeviceTable()
	return devicePane{table: tab, list: devices.NewList(t, tab), info: devices.NewInfo(t)}
}

// shown reports whether the body shows the devices.
func (p *devicePane) shown() bool { return p.body == bodyDevices }

// deviceEvent takes the session's device list, a Watch batch, or the
// stream's opening: the table changes at once, so the frame drawn after
// this message shows it.
func (a *App) deviceEvent(ev session.Event) {
	switch ev.Kind {
	case session.EventDevices:
		a.devs.table.SetDevices(ev.Devices, ev.At)
	case session.EventWatchData:
		a.devs.table.Apply(ev.Changes)
		if ev.At.After(a.now) {
			a.now = ev.At // "changed 0s ago", not a clock tick behind
		}
	}
	// The header's Watch figures, fresher than the last clock tick's (an
	// older snapshot never replaces a newer one).
	if w := ev.Watch; ev.Kind != session.EventDevices && w.Open && w.Events >= a.st.Watch.Events {
		a.st.Watch = w
	}
}

// toggleDevices switches the body between the log and the device pane.
func (a *App) toggleDevices() {
	if a.devs.shown() {
		a.devs.body = bodyLog
		return
	}
	a.devs.body = bodyDevices
}

// handleDevicesKey handles the keys of the device pane: Enter filters the
// log to the selected device (from the list or the side pane), the rest
// move in the focused pane.
func (a *App) handleDevicesKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, a.keys.DeviceList.Apply):
		return a.filterToDevice()
	case a.focus == focusDetail:
		a.devs.info.HandleKey(msg, a.keys.Detail)
	default:
		a.devs.list.HandleKey(msg, a.keys.DeviceList.Nav)
	}
	return nil
}

// filterToDevice sets the log's filter to the selected device's records
// (dev:"PK/DN") and shows the log.
func (a *App) filterToDevice() tea.Cmd {
	d := a.devs.list.Selected()
	if d == nil {
		return a.setNotice(noticeInfo, "no device to filter to yet")
	}
	q, err := model.ParseQuery(d.Query(), a.now)
	if err != nil {
		return a.setNotice(noticeWarn, "filter: "+err.Error())
	}
	a.devs.body = bodyLog
	f := a.filter
	f.Query = q
	a.setFilter(f)
	return tea.Batch(a.scanCmd(), a.setFilterNotice("the log of "+termtext.Sanitize(d.DeviceName)+" (Esc: all)"))
}

// devicesScroll scrolls the device list or the side pane (the wheel).
func (a *App) devicesScroll(inDetail bool, d int) {
	if inDetail {
		a.devs.info.Scroll(d)
		return
	}
	a.devs.list.Scroll(d)
}

// devicesClick selects the clicked device (y: the screen row).
func (a *App) devicesClick(y int) {
	a.setFocus(focusList)
	a.devs.list.Click(y - a.lay.List.Y - a.theme.Frame.GetBorderTopSize() - devices.HeaderRows)
}

// syncDevices brings the device pane up to date (sizes, theme, focus, the
// drawn rows and the side pane's lines) while it is shown.
func (a *App) syncDevices() {
	if !a.devs.shown() {
		return
	}
	fw, fh := a.theme.Frame.GetHorizontalFrameSize(), a.theme.Frame.GetVerticalFrameSize()
	l, p := a.devs.list, a.devs.info
	l.SetTheme(a.theme)
	l.SetSize(a.lay.List.W-fw, a.lay.List.H-fh-devices.HeaderRows)
	l.SetFocused(a.focus == focusList)
	l.Sync(a.now)
	if a.lay.Detail.Empty() {
		return
	}
	p.SetTheme(a.theme)
	p.SetSize(a.lay.Detail.W-fw, a.lay.Detail.H-fh)
	p.SetFocused(a.focus == focusDetail)
	p.Show(l.Selected(), a.devs.table.Gen(), a.now)
}

// renderDevices draws the body while the device pane is shown: the list,
// and the selected device beside or below it.
func (a *App) renderDevices() []string {
	l := a.lay
	listBox := a.box(a.devs.list.Title(), a.devs.list.View(), l.List, a.focus == focusList)
	if l.Detail.Empty() {
		return listBox
	}
	infoBox := a.box(a.devs.info.Title(a.devs.list.Selected()), a.devs.info.View(), l.Detail, a.focus == focusDetail)
	if l.Stacked {
		return append(listBox, infoBox...)
	}
	for i := range listBox {
		if i < len(infoBox) {
			listBox[i] += infoBox[i]
		}
	}
	return listBox
}
