package session

import (
	"fmt"
	"strings"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// EventKind says what an Event reports.
type EventKind uint8

// The events of a session, in the order a session usually meets them.
const (
	// EventRecords carries a batch of records (Records, Dropped).
	EventRecords EventKind = iota + 1
	// EventConnecting: the session started calling the gateway.
	EventConnecting
	// EventUp: the first call succeeded.
	EventUp
	// EventLost: the gateway stopped answering (Since, Why, Text).
	EventLost
	// EventBack: it answers again (After: how long it was lost; Failed:
	// calls that failed meanwhile).
	EventBack
	// EventHalted: the session stopped calling for good (Text: what
	// happened, Fix: what to do). Nothing is sent after it but the cookie's
	// deletion at Stop.
	EventHalted
	// EventWatchOpen: a Watch stream (re)opened (RecordID).
	EventWatchOpen
	// EventWatchClosed: the stream ended or dropped (Count: its events;
	// Text: why; After: the wait before it reopens, 0 when it does not).
	EventWatchClosed
	// EventDemo: a step of the demo script started (Text).
	EventDemo
	// EventPace: the interval between calls changed (After).
	EventPace
	// EventEnded: the session is over (Stop): the last event.
	EventEnded
	// EventNote: a notice from a source that is neither a record nor a
	// change of the link (Text), e.g. that the recording stopped (disk
	// full), a damaged line of a replayed recording, the replay's speed.
	EventNote
	// EventRewind: a replay went back: the face clears its log and stats;
	// the records from the start of the recording follow.
	EventRewind
	// EventDevices: a ListThings succeeded (Devices: the list, masked and
	// bounded).
	EventDevices
	// EventWatchData: what the Watch stream said since the last such
	// event (Changes, coalesced per device and property; Watch: the
	// stream's state), at most one per drain window.
	EventWatchData
	// EventTour: a step of the guided tour showed its code, or did not, or
	// the tour is over (Config.Tour). A step: Count is its number (from
	// 1), Total the number of steps, Code the status it shows, RecordID
	// the record that showed it and Text the caption (its lines joined by
	// "\n"); when the code did not show, RecordID is 0 and Text says what
	// was expected and what happened instead. After a step's event the
	// tour waits for TourControls.NextStep (or, with Config.TourAuto, a
	// pause). The end: Count 0, Total the number of steps, Failed the
	// steps whose code did not show, Text the summary ("tour over: shown:
	// 200 201 …, missing: none"); the session then stays up, idle.
	EventTour
	// EventAction: an operator's action (Engine.Do) is done, refused or
	// failed (Action: its outcome; Text: what happened), after the records
	// of its exchanges.
	EventAction
)

// String names the kind.
func (k EventKind) String() string {
	names := [...]string{
		"", "records", "connecting", "up", "lost", "back", "halted", "watch open",
		"watch closed", "demo", "pace", "ended", "note", "rewind", "devices", "watch data", "tour", "action",
	}
	if int(k) < len(names) {
		return names[k]
	}
	return "unknown"
}

// Event is one item of a session's stream: a batch of records or a change
// of the session's state. Text from the network in it is masked (it comes
// from records or client errors) but not sanitised: faces sanitise.
type Event struct {
	// Session is the ID of the session that sent it.
	Session string
	Kind    EventKind
	// At is when it happened.
	At time.Time
	// Records is the batch (EventRecords), oldest first by start, and
	// Dropped the observer's running count of records it could not queue.
	Records []model.Record
	Dropped uint64
	// Since is when the gateway was lost (EventLost); Why the failure kind
	// ("refused", "dns", "timeout", ...).
	Since time.Time
	Why   model.ErrKind
	// After is a duration: lost for (EventBack), reopens after
	// (EventWatchClosed), the new interval (EventPace).
	After time.Duration
	// Failed counts calls that failed while lost (EventBack), or the
	// steps whose code did not show (EventTour, at the end).
	Failed int
	// Count is the events a Watch stream delivered (EventWatchClosed), or
	// the tour's step number, 0 at its end (EventTour).
	Count uint64
	// Code is the status code a tour step shows (EventTour); Total is the
	// number of steps of the tour.
	Code, Total int
	// RecordID is the record of the exchange the event is about.
	RecordID uint64
	// Text says what happened in a sentence; Fix what the operator can do
	// (EventHalted, EventLost).
	Text, Fix string
	// Devices is the device list (EventDevices), in the gateway's order.
	Devices []model.DeviceInfo
	// Changes are the Watch stream's property changes and device events
	// (EventWatchData), oldest first.
	Changes []model.PropChange
	// Watch is the stream's state when the event left (EventWatchData,
	// EventWatchOpen, EventWatchClosed).
	Watch WatchState
	// Action is an operator's action and its outcome (EventAction).
	Action *ActionResult
}

// Line is the event as one line of plain text (no record events), e.g.
// "gateway lost: refused: connection refused (dialling 10.0.0.5:9999)".
func (ev Event) Line() string {
	switch ev.Kind {
	case EventLost:
		return "gateway lost: " + ev.Text
	case EventBack:
		return fmt.Sprintf("gateway back after %s, %d %s failed", RoundDuration(ev.After), ev.Failed, plural(ev.Failed, "call", "calls"))
	case EventHalted:
		return "stopped: " + ev.Text + "; " + ev.Fix
	case EventWatchClosed:
		if ev.After > 0 {
			return fmt.Sprintf("watch stream closed after %d events (%s); reopening in %s", ev.Count, ev.Text, RoundDuration(ev.After))
		}
		return fmt.Sprintf("watch stream closed after %d events (%s)", ev.Count, ev.Text)
	case EventPace:
		return "one call every " + ev.After.String()
	case EventTour:
		if ev.Count == 0 {
			return ev.Text
		}
		return fmt.Sprintf("tour %d/%d · %d: %s", ev.Count, ev.Total, ev.Code, strings.ReplaceAll(ev.Text, "\n", " "))
	}
	return ev.Text
}

// RoundDuration rounds for reading: whole seconds from a second up,
// milliseconds below.
func RoundDuration(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Link is the session's view of the gateway.
type Link uint8

// The states of the link.
const (
	LinkConnecting Link = iota // nothing answered yet
	LinkUp                     // the last call that ended got an answer
	LinkLost                   // calls get no usable answer
	LinkHalted                 // the session stopped calling
)

// String names the state as the header shows it.
func (l Link) String() string {
	switch l {
	case LinkUp:
		return "live"
	case LinkLost:
		return "lost"
	case LinkHalted:
		return "stopped"
	}
	return "connecting"
}

// WatchState is the Watch stream as the header shows it.
type WatchState struct {
	// Open is true while a stream is connected.
	Open bool
	// Since is when the current stream opened; Last when its last line
	// (event or heartbeat) came.
	Since, Last time.Time
	// Events counts the device events of the session's streams;
	// LastEvent is when the newest came.
	Events    uint64
	LastEvent time.Time
	// Dropped counts the changes the stream could not hand on (the engine
	// was busy and a batch was full): the values shown may be older.
	Dropped uint64
	// Reconnecting is set while the stream waits to reopen.
	Reconnecting bool
}

// State is a snapshot of the session for a face's header and status line.
type State struct {
	Session, Gateway, APIVersion string
	Simulated, Insecure          bool
	Auth                         edgeclient.AuthState
	Interval                     time.Duration
	Link                         Link
	// Since is when the link entered its state; Why and Text say why it
	// was lost; Fix is what to do when halted.
	Since     time.Time
	Why       model.ErrKind
	Text, Fix string
	Watch     WatchState
	// InFlight is how many calls are running; Dropped the records the
	// observer could not queue.
	InFlight int
	Dropped  uint64
	// ReadOnly says operator actions that change state are refused
	// (Config.ReadOnly).
	ReadOnly bool
}
