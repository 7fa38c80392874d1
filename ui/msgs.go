package ui

import (
	"time"

	"edgetop/edgeclient/session"
)

// eventMsg is sent when the session has sent an event: a batch of records
// (at most one per 50 ms) or a change of the session.
type eventMsg struct{ Event session.Event }

// streamEndedMsg is sent when the session's event stream has closed.
type streamEndedMsg struct{}

// clockTickMsg is sent about once a second so the header's cookie clock,
// watch count and rates move even when no record arrives.
type clockTickMsg struct {
	Now   time.Time
	State session.State
}

// durationElapsedMsg is sent when --duration has run out.
type durationElapsedMsg struct{}

// stoppedMsg is sent when the session has stopped at quit (streams
// cancelled, cookie deleted); the handler then quits.
type stoppedMsg struct{ Err error }

// noticeExpiredMsg is sent when a status-bar notice's TTL has passed. ID
// identifies the notice; a newer notice is not cleared by an older timer.
type noticeExpiredMsg struct{ ID uint64 }

// exportedMsg is sent when an export of the view has been written (or
// failed).
type exportedMsg struct {
	Path string
	N    int
	Lost int // records that fell out of the ring before they were copied
	Err  error
}

// scanTickMsg is sent when the next slice of a re-filter is due.
type scanTickMsg struct{}
