package session

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"edgetop/edgeclient"
	"edgetop/model"
)

// The device pane's data: the device list after each ListThings
// (EventDevices) and what the Watch stream says of each device
// (EventWatchData), coalesced on the stream's goroutine and handed to the
// loop at most once per drainWindow, as records are.
const (
	// maxChangeBatch caps the device×property pairs one EventWatchData
	// carries; while a batch is full, changes of new pairs are counted
	// (WatchState.Dropped), not queued.
	maxChangeBatch = 1024
	// rawValueMax caps the value text kept before it is masked, so a
	// secret across model.MaxValueLen is masked whole before the cut.
	rawValueMax = 4 * model.MaxValueLen
	// maxStatusLen caps a device's Status text.
	maxStatusLen = 32
)

// identity is what the session does to network text when the client has
// no masker (a fake).
func identity(s string) string { return s }

// maskOf is api's masker, or identity.
func maskOf(api API) func(string) string {
	if m, ok := api.(masker); ok {
		return m.Mask
	}
	return identity
}

// deviceInfos turns a ListThings answer into the device list the faces
// show: at most model.MaxDevices devices, their texts masked and bounded,
// tags sorted by key.
func deviceInfos(api API, things []edgeclient.Thing) []model.DeviceInfo {
	mask := maskOf(api)
	things = things[:min(len(things), model.MaxDevices)]
	out := make([]model.DeviceInfo, 0, len(things))
	for _, t := range things {
		info := model.DeviceInfo{
			ProductKey: mask(t.ProductKey), DeviceName: mask(t.DeviceName),
			Status: cutText(mask(t.Status), maxStatusLen),
		}
		keys := slices.Sorted(maps.Keys(t.Tags))
		for _, k := range keys[:min(len(keys), model.MaxDeviceTags)] {
			info.Tags = append(info.Tags, model.Tag{
				Key: cutText(mask(k), model.MaxValueLen), Value: cutText(mask(t.Tags[k]), model.MaxValueLen),
			})
		}
		out = append(out, info)
	}
	return out
}

// devicesListed tells the faces the new device list, after the records
// that brought it.
func (e *Engine) devicesListed(r result) {
	if r.call.Kind != model.CallListThings || r.things == nil {
		return
	}
	e.flush()
	e.emit(Event{Kind: EventDevices, Devices: r.things})
	// A device the gateway lists as offline answers 500 to every read:
	// read it now and then (offlinePollEvery), not at the pace of the
	// others, so an offline device is a row now and then, not half the log.
	now := e.now()
	for _, t := range r.things {
		if strings.EqualFold(t.Status, "Offline") {
			e.plan.Defer(model.Call{Kind: model.CallGetProperties, ProductKey: t.ProductKey, DeviceName: t.DeviceName},
				now.Add(offlinePollEvery))
		}
	}
}

// offlinePollEvery is how long a device listed as offline goes unread
// after each listing.
const offlinePollEvery = 30 * time.Second

// watchData hands a stream's batch of changes on, every text in them
// masked (the names too: they came from the gateway, as the value did) and
// cut to model.MaxValueLen.
func (e *Engine) watchData(m watchMsg) {
	if len(m.changes) == 0 {
		return
	}
	mask := maskOf(e.cfg.Client)
	for i := range m.changes {
		c := &m.changes[i]
		c.ProductKey, c.DeviceName = cutText(mask(c.ProductKey), model.MaxValueLen), cutText(mask(c.DeviceName), model.MaxValueLen)
		c.Property, c.Event = cutText(mask(c.Property), model.MaxValueLen), cutText(mask(c.Event), model.MaxValueLen)
		c.Value = cutText(mask(c.Value), model.MaxValueLen)
	}
	e.emit(Event{Kind: EventWatchData, Changes: m.changes})
}

// watchState is the stream's figures as State and the watch events carry
// them.
func (e *Engine) watchState() WatchState {
	var w WatchState
	w.Events = e.watch.events.Load()
	w.Dropped = e.watch.dropped.Load()
	if t := e.watch.sinceAt.Load(); t != 0 {
		w.Open, w.Since = true, time.Unix(0, t)
	}
	if t := e.watch.last.Load(); t != 0 {
		w.Last = time.Unix(0, t)
	}
	if t := e.watch.lastEvent.Load(); t != 0 {
		w.LastEvent = time.Unix(0, t)
	}
	w.Reconnecting = !w.Open && e.watch.reopenAt.Load() != 0
	return w
}

// cutText is s cut to at most n bytes on a rune boundary, with "…" when
// it was longer.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	i := max(n-len(ell), 0)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + ell
}

// changeKey identifies what a batch coalesces: one property of one
// device, or one kind of device event.
type changeKey struct{ pk, dn, prop, event string }

// coalescer collects a stream's changes between two batches (owned by the
// stream's goroutine alone). Its memory is bounded by maxChangeBatch
// pairs of at most rawValueMax bytes each.
type coalescer struct {
	targets map[[2]string]bool // empty: every device
	now     func() time.Time
	dropped *atomic.Uint64
	pending []model.PropChange
	index   map[changeKey]int
	timer   *time.Timer
	armed   bool
}

func newCoalescer(targets []edgeclient.WatchTarget, now func() time.Time, dropped *atomic.Uint64) *coalescer {
	c := &coalescer{targets: map[[2]string]bool{}, now: now, dropped: dropped, index: map[changeKey]int{}}
	for _, t := range targets {
		c.targets[[2]string{t.ProductKey, t.DeviceName}] = true
	}
	c.timer = time.NewTimer(time.Hour)
	c.timer.Stop()
	return c
}

// due is the channel that fires when the pending batch should leave (nil
// when nothing is pending).
func (c *coalescer) due() <-chan time.Time {
	if !c.armed {
		return nil
	}
	return c.timer.C
}

// stop releases the timer.
func (c *coalescer) stop() { c.timer.Stop() }

// add takes one device event of the stream: each property of a
// propertiesChanged event (Args {id:{"time":ms,"value":v}}), or another
// event as a whole.
func (c *coalescer) add(ev edgeclient.WatchEvent) {
	k := [2]string{ev.ProductKey, ev.DeviceName}
	if len(c.targets) > 0 && !c.targets[k] || ev.DeviceName == "" || !validIdentifier(ev.Event) {
		return
	}
	if len(c.targets) == 0 && (len(k[0]) > maxIdentifierLen || len(k[1]) > maxIdentifierLen) {
		return
	}
	seen, at := c.now(), ev.Timestamp.Time()
	if ev.Event != "propertiesChanged" {
		c.put(changeKey{k[0], k[1], "", ev.Event}, ev.Args, at, seen)
		return
	}
	var args map[string]json.RawMessage
	if json.Unmarshal(ev.Args, &args) != nil {
		return
	}
	for id, raw := range args {
		if !validIdentifier(id) {
			continue
		}
		v, t := propValue(raw)
		if t.IsZero() {
			t = at
		}
		c.put(changeKey{k[0], k[1], id, ""}, v, t, seen)
	}
}

// propValue is a property's value and time from {"time":ms,"value":v}, or
// the JSON as it is when it has another shape.
func propValue(raw json.RawMessage) (json.RawMessage, time.Time) {
	var p struct {
		Time  edgeclient.Millis `json:"time"`
		Value json.RawMessage   `json:"value"`
	}
	if json.Unmarshal(raw, &p) != nil || p.Value == nil {
		return raw, time.Time{}
	}
	return p.Value, p.Time.Time()
}

// put notes one change, coalescing it with the pending one of the same key.
func (c *coalescer) put(k changeKey, v []byte, at, seen time.Time) {
	if at.IsZero() {
		at = seen
	}
	text := string(v[:min(len(v), rawValueMax)])
	if i, ok := c.index[k]; ok {
		p := &c.pending[i]
		p.Value, p.At, p.Seen = text, at, seen
		p.N++
		return
	}
	if len(c.pending) >= maxChangeBatch {
		c.dropped.Add(1)
		return
	}
	c.index[k] = len(c.pending)
	c.pending = append(c.pending, model.PropChange{
		ProductKey: k.pk, DeviceName: k.dn, Property: k.prop, Event: k.event, Value: text, At: at, Seen: seen, N: 1,
	})
	if !c.armed {
		c.timer.Reset(drainWindow)
		c.armed = true
	}
}

// offer hands the pending batch to the loop without blocking; when the
// loop's queue is full it tries again a drain window later, coalescing
// meanwhile.
func (c *coalescer) offer(out chan<- watchMsg, gen uint64) {
	if len(c.pending) == 0 {
		c.armed = false
		return
	}
	select {
	case out <- watchMsg{gen: gen, kind: watchData, changes: c.pending}:
		c.take()
	default:
		c.timer.Reset(drainWindow)
	}
}

// take empties the pending batch and returns it.
func (c *coalescer) take() []model.PropChange {
	b := c.pending
	c.pending, c.armed = nil, false
	clear(c.index)
	c.timer.Stop()
	return b
}
