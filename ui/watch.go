package ui

import (
	"context"
	"encoding/json"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/model"
)

// Learning from the watch stream: a 2019-09-30 gateway has no GetTSL, so
// the property identifiers the workload reads are the keys of the
// propertiesChanged events' Args.
const (
	// learnWindow is how long the stream collects newly seen identifiers
	// after the first one before it reports them: one message for the
	// burst of first events rather than one per event.
	learnWindow = 200 * time.Millisecond
	// learnQueue is the capacity of a stream's learned channel. The
	// stream never blocks on it: a batch that does not fit is dropped and
	// its identifiers are forgotten, so a later event reports them again.
	learnQueue = 4
	// maxIdentifierLen caps an identifier taken from the stream (TSL
	// identifiers are at most 50 characters).
	maxIdentifierLen = 128
)

// watcher is the client's Watch call (*edgeclient.Client has it); a fake
// API without it simply has no stream.
type watcher interface {
	Watch(ctx context.Context, targets []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error)
}

// learnedProps is one device's property identifiers first seen on a watch
// stream.
type learnedProps struct {
	ProductKey, DeviceName string
	IDs                    []string
}

// watchStream is a Watch stream ready to run: run keeps it open until ctx
// ends (the client reconnects by itself) and returns how it ended; while
// it runs, learned delivers the identifiers it sees for the first time,
// and it is closed when run returns. run does not block on learned.
type watchStream struct {
	run     func() watchEndedMsg
	learned <-chan propsLearnedMsg
}

// newWatchStream prepares stream id on the devices (nothing is sent until
// run is called). ok is false when the client cannot watch.
func newWatchStream(ctx context.Context, api API, id uint64, devs []model.PlanDevice) (s watchStream, ok bool) {
	w, ok := api.(watcher)
	if !ok {
		return watchStream{}, false
	}
	targets := make([]edgeclient.WatchTarget, 0, len(devs))
	l := &learner{id: id, targets: map[deviceKey]bool{}, seen: map[deviceKey]map[string]bool{},
		out: make(chan propsLearnedMsg, learnQueue)}
	for _, d := range devs {
		targets = append(targets, edgeclient.WatchTarget{ProductKey: d.ProductKey, DeviceName: d.DeviceName})
		l.targets[deviceKey{d.ProductKey, d.DeviceName}] = true
	}
	run := func() watchEndedMsg {
		defer close(l.out)
		ch, err := w.Watch(ctx, targets)
		if err != nil {
			return watchEndedMsg{ID: id, Err: err}
		}
		return l.consume(ch)
	}
	return watchStream{run: run, learned: l.out}, true
}

// watchCmd runs a watch stream; its learned identifiers reach Update
// through learnedCmd.
func watchCmd(s watchStream) tea.Cmd {
	return func() tea.Msg { return s.run() }
}

// learnedCmd waits for the next batch a watch stream learned. The handler
// re-issues it for the current stream; it returns nil when the stream has
// ended.
func learnedCmd(ch <-chan propsLearnedMsg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return m
	}
}

// deviceKey identifies a device.
type deviceKey struct{ productKey, deviceName string }

// learner is the watch goroutine's record of the identifiers it has seen
// (owned by that goroutine alone).
type learner struct {
	id      uint64
	targets map[deviceKey]bool
	seen    map[deviceKey]map[string]bool
	pending []learnedProps
	out     chan propsLearnedMsg
}

// consume reads the stream's events until the channel closes, counting
// them and reporting new identifiers at most once per learnWindow.
func (l *learner) consume(ch <-chan edgeclient.WatchEvent) watchEndedMsg {
	end := watchEndedMsg{ID: l.id}
	var timer *time.Timer
	var flush <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				l.flush()
				return end
			}
			end.Events++
			if ev.Kind == edgeclient.WatchFailed {
				end.Err = ev.Err
			}
			if l.note(ev) && flush == nil {
				timer = time.NewTimer(learnWindow)
				flush = timer.C
			}
		case <-flush:
			l.flush()
			flush = nil
		}
	}
}

// note records the identifiers of a propertiesChanged event on a watched
// device that were not seen before; it reports whether any were new.
func (l *learner) note(ev edgeclient.WatchEvent) bool {
	k := deviceKey{ev.ProductKey, ev.DeviceName}
	if ev.Kind != edgeclient.WatchDeviceEvent || ev.Event != "propertiesChanged" || !l.targets[k] {
		return false
	}
	seen := l.seen[k]
	if len(seen) >= model.MaxReadIdentifiers {
		return false
	}
	var args map[string]json.RawMessage
	if json.Unmarshal(ev.Args, &args) != nil {
		return false
	}
	var fresh []string
	for id := range args {
		if !seen[id] && validIdentifier(id) {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		return false
	}
	slices.Sort(fresh) // Args is a JSON object: its order means nothing
	fresh = fresh[:min(len(fresh), model.MaxReadIdentifiers-len(seen))]
	if seen == nil {
		seen = map[string]bool{}
		l.seen[k] = seen
	}
	for _, id := range fresh {
		seen[id] = true
	}
	i := slices.IndexFunc(l.pending, func(p learnedProps) bool { return p.ProductKey == k.productKey && p.DeviceName == k.deviceName })
	if i < 0 {
		l.pending = append(l.pending, learnedProps{ProductKey: k.productKey, DeviceName: k.deviceName})
		i = len(l.pending) - 1
	}
	l.pending[i].IDs = append(l.pending[i].IDs, fresh...)
	return true
}

// flush offers the pending identifiers to Update without blocking; when
// the queue is full they are forgotten, to be learned again from a later
// event.
func (l *learner) flush() {
	if len(l.pending) == 0 {
		return
	}
	select {
	case l.out <- propsLearnedMsg{ID: l.id, Devices: l.pending}:
	default:
		for _, p := range l.pending {
			for _, id := range p.IDs {
				delete(l.seen[deviceKey{p.ProductKey, p.DeviceName}], id)
			}
		}
	}
	l.pending = nil
}

// validIdentifier reports whether s can be a property identifier: short,
// valid UTF-8, no control characters or spaces (what a hostile or broken
// gateway sends otherwise is not read back).
func validIdentifier(s string) bool {
	if s == "" || len(s) > maxIdentifierLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// handlePropsLearned gives the current stream's newly seen identifiers to
// the plan, so their devices are polled, and waits for the next batch. A
// stale stream's batch is dropped and its channel no longer read.
func (a *App) handlePropsLearned(m propsLearnedMsg) tea.Cmd {
	if m.ID != a.work.watchID {
		return nil
	}
	a.work.learn(m)
	return learnedCmd(a.work.learned)
}

// learn merges a batch of learned identifiers into the plan.
func (w *workload) learn(m propsLearnedMsg) {
	for _, d := range m.Devices {
		w.plan.Learn(d.ProductKey, d.DeviceName, d.IDs...)
	}
}
