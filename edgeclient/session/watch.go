package session

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

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
	// maxIdentifierLen caps an identifier taken from the stream (TSL
	// identifiers are at most 50 characters).
	maxIdentifierLen = 128
)

// watchMsgKind says what a watchMsg reports.
type watchMsgKind uint8

const (
	watchOpened  watchMsgKind = iota + 1 // a connection is streaming
	watchLearned                         // identifiers seen for the first time
	watchDropped                         // the connection ended; the client reconnects
	watchEnded                           // the stream is over (err: why, nil when cancelled)
	watchData                            // a batch of changes (changes)
)

// watchMsg is what a stream goroutine tells the engine's loop.
type watchMsg struct {
	gen      uint64
	kind     watchMsgKind
	recordID uint64
	learned  []learnedProps
	err      error
	delay    time.Duration
	count    uint64
	changes  []model.PropChange
}

// learnedProps is one device's property identifiers first seen on a
// watch stream.
type learnedProps struct {
	ProductKey, DeviceName string
	IDs                    []string
}

// watchCounters are the stream's figures the header shows, shared with
// State.
type watchCounters struct {
	events   atomic.Uint64 // device events, all streams
	last     atomic.Int64  // unix nanoseconds of the last line
	sinceAt  atomic.Int64  // unix nanoseconds the current connection opened; 0 when none
	reopenAt atomic.Int64  // unix nanoseconds the stream reopens; 0 when not waiting
	// lastEvent is when the last device event came (unix nanoseconds);
	// dropped counts changes no batch had room for.
	lastEvent atomic.Int64
	dropped   atomic.Uint64
}

// stream runs one Watch on targets until ctx ends or the watch fails for
// good, telling the loop on out. It never blocks on learned identifiers:
// a batch that does not fit is dropped and learned again from a later
// event.
func stream(ctx context.Context, api API, gen uint64, targets []edgeclient.WatchTarget, out chan<- watchMsg,
	cnt *watchCounters, now func() time.Time,
) {
	send := func(m watchMsg) {
		m.gen = gen
		select {
		case out <- m:
		case <-ctx.Done():
		}
	}
	l := newLearner(targets)
	data := newCoalescer(targets, now, &cnt.dropped)
	defer data.stop()
	ch, err := api.Watch(ctx, targets)
	if err != nil || ch == nil {
		send(watchMsg{kind: watchEnded, err: err})
		return
	}
	var count uint64
	var flush <-chan time.Time
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	var failed error
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				l.offer(out, gen)
				if b := data.take(); len(b) > 0 {
					send(watchMsg{kind: watchData, changes: b})
				}
				cnt.sinceAt.Store(0)
				send(watchMsg{kind: watchEnded, err: failed, count: count})
				return
			}
			cnt.last.Store(now().UnixNano())
			switch ev.Kind {
			case edgeclient.WatchOpened:
				cnt.sinceAt.Store(now().UnixNano())
				cnt.reopenAt.Store(0)
				send(watchMsg{kind: watchOpened, recordID: ev.RecordID})
			case edgeclient.WatchDeviceEvent:
				count++
				cnt.events.Add(1)
				cnt.lastEvent.Store(now().UnixNano())
				data.add(ev)
				if l.note(ev) && flush == nil {
					timer = time.NewTimer(learnWindow)
					flush = timer.C
				}
			case edgeclient.WatchDropped:
				cnt.sinceAt.Store(0)
				cnt.reopenAt.Store(now().Add(ev.Delay).UnixNano())
				send(watchMsg{kind: watchDropped, err: ev.Err, delay: ev.Delay, recordID: ev.RecordID, count: count})
			case edgeclient.WatchFailed:
				failed = ev.Err
			}
		case <-flush:
			l.offer(out, gen)
			flush = nil
		case <-data.due():
			data.offer(out, gen)
		case <-ctx.Done():
			// The client closes its channel once it has reported the
			// stream's record: waiting for that (briefly) keeps the
			// record in the session's last batch.
			cnt.sinceAt.Store(0)
			drainStream(ch, streamCloseWait)
			return
		}
	}
}

// streamCloseWait bounds the wait, at the session's end, for the client to
// report a cancelled stream's record and close its channel.
const streamCloseWait = 3 * time.Second

// drainStream discards what is left on ch until it is closed or d has passed.
func drainStream(ch <-chan edgeclient.WatchEvent, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-t.C:
			return
		}
	}
}

// learner keeps the identifiers a stream has seen (owned by the stream's
// goroutine alone).
type learner struct {
	targets map[[2]string]bool
	seen    map[[2]string]map[string]bool
	pending []learnedProps
}

func newLearner(targets []edgeclient.WatchTarget) *learner {
	l := &learner{targets: map[[2]string]bool{}, seen: map[[2]string]map[string]bool{}}
	for _, t := range targets {
		l.targets[[2]string{t.ProductKey, t.DeviceName}] = true
	}
	return l
}

// note records the identifiers of a propertiesChanged event on a watched
// device that were not seen before; it reports whether any were new.
func (l *learner) note(ev edgeclient.WatchEvent) bool {
	k := [2]string{ev.ProductKey, ev.DeviceName}
	if ev.Event != "propertiesChanged" || !l.targets[k] {
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
	i := slices.IndexFunc(l.pending, func(p learnedProps) bool { return p.ProductKey == k[0] && p.DeviceName == k[1] })
	if i < 0 {
		l.pending = append(l.pending, learnedProps{ProductKey: k[0], DeviceName: k[1]})
		i = len(l.pending) - 1
	}
	l.pending[i].IDs = append(l.pending[i].IDs, fresh...)
	return true
}

// offer hands the pending identifiers to the loop without blocking; when
// the queue is full they are forgotten, to be learned again later.
func (l *learner) offer(out chan<- watchMsg, gen uint64) {
	if len(l.pending) == 0 {
		return
	}
	select {
	case out <- watchMsg{gen: gen, kind: watchLearned, learned: l.pending}:
	default:
		for _, p := range l.pending {
			for _, id := range p.IDs {
				delete(l.seen[[2]string{p.ProductKey, p.DeviceName}], id)
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
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) })
}

// targetsOf turns a watch call's "pk/dn" targets into the client's form.
func targetsOf(c model.Call) []edgeclient.WatchTarget {
	out := make([]edgeclient.WatchTarget, 0, len(c.Targets))
	for _, t := range c.Targets {
		pk, dn, _ := strings.Cut(t, "/")
		out = append(out, edgeclient.WatchTarget{ProductKey: pk, DeviceName: dn})
	}
	return out
}
