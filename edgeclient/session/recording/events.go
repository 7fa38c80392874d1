package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// A recording holds the session's changes too (the gateway lost, back,
// halted, the Watch stream, the demo's steps), as event lines between the
// records, so that a replay shows them where they happened. An event line
// starts with "edgetop_event" (a reader that knows only records skips it):
//
//	{"edgetop_event":"lost","at":"…","since":"…","why":"reset","text":"…"}

// eventPrefix starts every event line.
var eventPrefix = []byte(`{"edgetop_event":`)

// eventLine is an event's JSON form.
type eventLine struct {
	Kind     string        `json:"edgetop_event"`
	At       time.Time     `json:"at"`
	Since    time.Time     `json:"since,omitzero"`
	Why      model.ErrKind `json:"why,omitempty"`
	Text     string        `json:"text,omitempty"`
	Fix      string        `json:"fix,omitempty"`
	After    time.Duration `json:"after_ns,omitempty"`
	Failed   int           `json:"failed,omitempty"`
	Count    uint64        `json:"count,omitempty"`
	RecordID uint64        `json:"record_id,omitempty"`
}

// recorded are the kinds a recording keeps: the session's changes, not
// the records (their own lines), the pace or the end.
var recorded = map[session.EventKind]bool{
	session.EventUp: true, session.EventLost: true, session.EventBack: true, session.EventHalted: true,
	session.EventWatchOpen: true, session.EventWatchClosed: true, session.EventDemo: true,
}

// kindByName is the event kinds by their names in event lines.
var kindByName = func() map[string]session.EventKind {
	m := map[string]session.EventKind{}
	for k := range recorded {
		m[k.String()] = k
	}
	return m
}()

// encodeEvent is ev's line, newline included.
func encodeEvent(ev session.Event) ([]byte, error) {
	b, err := json.Marshal(eventLine{
		Kind: ev.Kind.String(), At: ev.At, Since: ev.Since, Why: ev.Why, Text: ev.Text, Fix: ev.Fix,
		After: ev.After, Failed: ev.Failed, Count: ev.Count, RecordID: ev.RecordID,
	})
	if err != nil {
		return nil, err
	}
	return append(model.AppendSafeJSON(nil, b), '\n'), nil
}

// errUnknownEvent is an event line of a kind this version does not know:
// skipped, not a damaged line.
var errUnknownEvent = errors.New("unknown event")

// decodeEvent is the event of an event line.
func decodeEvent(line []byte) (session.Event, error) {
	var l eventLine
	if err := json.Unmarshal(line, &l); err != nil {
		return session.Event{}, err
	}
	k, ok := kindByName[l.Kind]
	if !ok {
		return session.Event{}, errUnknownEvent
	}
	return session.Event{
		Kind: k, At: l.At, Since: l.Since, Why: l.Why, Text: l.Text, Fix: l.Fix, After: l.After,
		Failed: l.Failed, Count: l.Count, RecordID: l.RecordID,
	}, nil
}

// isEventLine reports whether line is an event line.
func isEventLine(line []byte) bool { return bytes.HasPrefix(line, eventPrefix) }

// WriteEvent writes one change of the session, in one write, when the
// recording keeps its kind (others are ignored).
func (w *Writer) WriteEvent(ev session.Event) error {
	if !recorded[ev.Kind] {
		return nil
	}
	line, err := encodeEvent(ev)
	if err != nil {
		return err
	}
	return w.writeLine(line)
}

// TakeEvents returns the events read since the last call: those that
// came before the record Next returned last (and any after the last
// record, once Next returned io.EOF).
func (r *Reader) TakeEvents() []session.Event {
	evs := r.events
	r.events = nil
	return evs
}
