package edgesim

import (
	"net/http"
	"sync"
	"time"
)

// event is one message for Watch streams: a property change or a TSL event.
type event struct {
	pk, dn, name string
	args         map[string]any
	ms           int64
}

// isProps reports whether the event is a property change (as opposed to a
// TSL event), for the Watches filter.
func (e event) isProps() bool { return e.name == "propertiesChanged" }

// hub is a bounded broadcast of events: a ring that each Watch stream
// reads from its own cursor. A stream that falls more than the ring behind
// skips what it missed.
type hub struct {
	mu   sync.Mutex
	ring []event
	next uint64 // sequence number of the next event
}

func newHub(size int) *hub { return &hub{ring: make([]event, size)} }

// publish appends an event, overwriting the oldest when full.
func (h *hub) publish(e event) {
	h.mu.Lock()
	h.ring[h.next%uint64(len(h.ring))] = e
	h.next++
	h.mu.Unlock()
}

// since returns the events from sequence from on, and the next cursor.
func (h *hub) since(from uint64) ([]event, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	size := uint64(len(h.ring))
	if h.next > size && from < h.next-size {
		from = h.next - size
	}
	out := make([]event, 0, h.next-from)
	for i := from; i < h.next; i++ {
		out = append(out, h.ring[i%size])
	}
	return out, h.next
}

// head is the cursor of a stream that starts now.
func (h *hub) head() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.next
}

// watched is one device a stream follows, with what it last reported.
type watched struct {
	d      *device
	props  bool
	events bool
	last   map[string]any
}

// watchStream is one open BulkActions Watch response.
type watchStream struct {
	c      *call
	s      *Server
	things []*watched
	cursor uint64
}

// watch serves BulkActions Watch: 200 text/plain, then one JSON object
// per line (events, property changes, heartbeats), until the client goes
// away or the server closes. Things [] watches every device.
func (s *Server) watch(c *call, things []bulkThing) {
	ws, ok := s.newWatchStream(c, things)
	if !ok {
		return
	}
	if !s.addWatcher() {
		c.fail(503, "ServiceUnavailable", "too many watch streams")
		return
	}
	defer s.dropWatcher()
	if !s.beginStream() {
		return
	}
	defer s.streams.Done()
	c.write(200, "text/plain", nil)
	ws.run(s.dropChan())
}

// newWatchStream validates Things and snapshots the watched devices.
func (s *Server) newWatchStream(c *call, things []bulkThing) (*watchStream, bool) {
	ws := &watchStream{c: c, s: s, cursor: s.hub.head()}
	if len(things) == 0 {
		for _, d := range s.world.devices {
			ws.things = append(ws.things, &watched{d: d, props: true, events: true})
		}
	}
	for _, t := range things {
		if t.ProductKey == "" || t.DeviceName == "" {
			c.fail(400, "MissingParameter", "Things[].ProductKey and DeviceName are required")
			return nil, false
		}
		d := s.world.device(t.ProductKey, t.DeviceName)
		if d == nil {
			c.fail(404, "NotFound", "device "+t.DeviceName+" of product "+t.ProductKey+" not found")
			return nil, false
		}
		w := &watched{d: d}
		switch t.Watches {
		case "", "all":
			w.props, w.events = true, true
		case "properties":
			w.props = true
		case "events":
			w.events = true
		default:
			c.fail(400, "InvalidParameter", "Watches must be all, properties or events")
			return nil, false
		}
		ws.things = append(ws.things, w)
	}
	for _, w := range ws.things {
		w.last = s.world.values(w.d, nil, c.now)
	}
	return ws, true
}

// dropChan is closed by DropWatchers.
func (s *Server) dropChan() <-chan struct{} {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	return s.drop
}

// DropWatchers cuts every open Watch stream (the connection is dropped
// mid-stream, as when the gateway restarts) and returns how many there
// were. Clients are expected to reconnect.
func (s *Server) DropWatchers() int {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	close(s.drop)
	s.drop = make(chan struct{})
	return s.watchers
}

// addWatcher takes a Watch slot; false when MaxWatchers are open.
func (s *Server) addWatcher() bool {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	if s.watchers >= s.opts.MaxWatchers {
		return false
	}
	s.watchers++
	return true
}

func (s *Server) dropWatcher() {
	s.streamMu.Lock()
	s.watchers--
	s.streamMu.Unlock()
}

// run is the stream's loop: a ticker for events, one for heartbeats.
func (ws *watchStream) run(drop <-chan struct{}) {
	tick := time.NewTicker(ws.s.opts.WatchInterval)
	defer tick.Stop()
	beat := time.NewTicker(ws.s.opts.Heartbeat)
	defer beat.Stop()
	ctx := ws.c.r.Context()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case <-ws.s.done:
			return
		case <-drop:
			panic(http.ErrAbortHandler) // cut, as a gateway restart would
		case <-tick.C:
			err = ws.emit(ws.s.opts.Now())
		case <-beat.C:
			err = ws.line("heartbeat", map[string]any{"Timestamp": ws.s.opts.Now().UnixMilli()})
		}
		if err != nil {
			return
		}
	}
}

// emit writes the hub's new events and the drift since the last tick. The
// events and the values are read together under world.mu, where setProps
// stores and announces: a set is reported once, by its event, and what it
// changed indirectly follows as drift.
func (ws *watchStream) emit(now time.Time) error {
	w := ws.s.world
	cur := make([]map[string]any, len(ws.things))
	w.mu.Lock()
	evs, next := ws.s.hub.since(ws.cursor)
	for i, t := range ws.things {
		if w.online(t.d, now) {
			cur[i] = w.valuesLocked(t.d, nil, now)
		}
	}
	w.mu.Unlock()
	ws.cursor = next
	if err := ws.emitEvents(evs); err != nil {
		return err
	}
	for i, t := range ws.things {
		for _, e := range ws.drift(t, cur[i], now) {
			if err := ws.event(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// emitEvents writes the hub's events for the watched devices.
func (ws *watchStream) emitEvents(evs []event) error {
	for _, e := range evs {
		w := ws.find(e.pk, e.dn)
		if w == nil || (e.isProps() && !w.props) || (!e.isProps() && !w.events) {
			continue
		}
		if e.isProps() {
			for k, a := range e.args {
				if m, ok := a.(map[string]any); ok {
					w.last[k] = m["value"]
				}
			}
		}
		if err := ws.event(e); err != nil {
			return err
		}
	}
	return nil
}

// find returns the watched entry of a device, nil when not watched.
func (ws *watchStream) find(pk, dn string) *watched {
	for _, w := range ws.things {
		if w.d.prod.Key == pk && w.d.def.Name == dn {
			return w
		}
	}
	return nil
}

// drift compares a device's values (nil: offline) with the last reported
// ones and returns a propertiesChanged event plus any threshold events
// crossed.
func (ws *watchStream) drift(w *watched, cur map[string]any, now time.Time) []event {
	if cur == nil {
		return nil
	}
	ms := now.UnixMilli()
	changed := map[string]any{}
	var out []event
	for _, p := range w.d.prod.Props {
		if cur[p.ID] == w.last[p.ID] {
			continue
		}
		changed[p.ID] = map[string]any{"time": ms, "value": cur[p.ID]}
		if w.events {
			out = append(out, crossings(w.d, p.ID, w.last[p.ID], cur[p.ID], ms)...)
		}
	}
	w.last = cur
	if len(changed) > 0 && w.props {
		out = append([]event{{pk: w.d.prod.Key, dn: w.d.def.Name, name: "propertiesChanged", args: changed, ms: ms}}, out...)
	}
	return out
}

// crossings returns the TSL events whose threshold prop crossed.
func crossings(d *device, prop string, was, now any, ms int64) []event {
	var out []event
	a, b := toFloat(was), toFloat(now)
	for _, ev := range d.prod.Events {
		if ev.Prop != prop {
			continue
		}
		up := a <= ev.Threshold && b > ev.Threshold
		down := a >= ev.Threshold && b < ev.Threshold
		if (ev.Above && up) || (!ev.Above && down) {
			out = append(out, event{pk: d.prod.Key, dn: d.def.Name, name: ev.ID, args: map[string]any{prop: now}, ms: ms})
		}
	}
	return out
}

// watchData is the Data of a Watch event line.
type watchData struct {
	ProductKey string         `json:"ProductKey"`
	DeviceName string         `json:"DeviceName"`
	Event      string         `json:"Event"`
	Args       map[string]any `json:"Args,omitempty"`
	Timestamp  int64          `json:"Timestamp"`
}

// event writes one event line.
func (ws *watchStream) event(e event) error {
	return ws.line("success", watchData{ProductKey: e.pk, DeviceName: e.dn, Event: e.name, Args: e.args, Timestamp: e.ms})
}

// line writes one stream line in the version's shape and flushes it.
func (ws *watchStream) line(msg string, data any) error {
	var v any
	if ws.c.ver == V2019 {
		v = env2019{Code: 200, Message: msg, Data: data}
	} else {
		v = struct {
			Message string `json:"Message"`
			Data    any    `json:"Data"`
		}{msg, data}
	}
	b := append(marshal(v), '\n')
	if ws.c.watchFault == ActionMalformed {
		ws.c.watchFault = ActionNone
		b = append(b[:len(b)/2:len(b)/2], '\n')
	}
	if _, err := ws.c.w.Write(b); err != nil {
		return err
	}
	if err := http.NewResponseController(ws.c.w).Flush(); err != nil {
		return err
	}
	if ws.c.watchFault == ActionTruncate {
		panic(http.ErrAbortHandler) // drop the connection mid-stream
	}
	return nil
}
