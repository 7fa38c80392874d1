package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/model"
)

// watcher is the client's Watch call (*edgeclient.Client has it); a fake
// API without it simply has no stream.
type watcher interface {
	Watch(ctx context.Context, targets []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error)
}

// watchCmd keeps a Watch stream open on the devices until ctx ends (the
// client reconnects by itself). The stream's exchanges reach the screen
// through the observer; the events are only counted here.
func watchCmd(ctx context.Context, api API, id uint64, devs []model.PlanDevice) tea.Cmd {
	w, ok := api.(watcher)
	if !ok {
		return nil
	}
	targets := make([]edgeclient.WatchTarget, 0, len(devs))
	for _, d := range devs {
		targets = append(targets, edgeclient.WatchTarget{ProductKey: d.ProductKey, DeviceName: d.DeviceName})
	}
	return func() tea.Msg {
		ch, err := w.Watch(ctx, targets)
		if err != nil {
			return watchEndedMsg{ID: id, Err: err}
		}
		n := 0
		var last error
		for ev := range ch {
			n++
			if ev.Kind == edgeclient.WatchFailed {
				last = ev.Err
			}
		}
		return watchEndedMsg{ID: id, Events: n, Err: last}
	}
}
