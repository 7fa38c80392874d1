package ui

import (
	"time"

	"edgetop/model"
)

// recordsMsg is sent when the drain cmd has collected a batch of records
// from the observer's channel (at most drainMax records, at most
// drainWindow after the first one arrived).
type recordsMsg struct {
	Batch []model.Record
	// Dropped is the observer's running count of records it could not
	// queue, read when the batch was complete.
	Dropped uint64
	// Now is the clock when the batch was complete: rates and sparklines
	// end there (the clock is read in the cmd, not in Update).
	Now time.Time
}

// clockTickMsg is sent about once a second so the header's cookie clock,
// rates and sparklines move even when no record arrives.
type clockTickMsg struct {
	Now  time.Time
	Auth authState
	// Dropped is the observer's running drop count.
	Dropped uint64
}

// workloadTickMsg is sent when the workload's interval has passed and the
// next call may start. Gen is the workload generation it was armed in.
type workloadTickMsg struct{ Gen uint64 }

// callDoneMsg is sent when one workload call returns. Gen is the workload
// generation it was started in; stale results are dropped.
type callDoneMsg struct {
	Gen  uint64
	Call model.Call
	// Devices is set by a ListThings call.
	Devices []model.PlanDevice
	Err     error
}

// watchEndedMsg is sent when a watch stream ends (cancelled, or failed to
// start). ID is the stream's ID; a stale one is dropped.
type watchEndedMsg struct {
	ID     uint64
	Events int
	Err    error
}

// propsLearnedMsg is sent when a watch stream has seen property
// identifiers it had not seen before (keys of propertiesChanged Args), at
// most one batch per learnWindow. ID is the stream's ID; a stale one is
// dropped.
type propsLearnedMsg struct {
	ID      uint64
	Devices []learnedProps
}

// demoDoneMsg is sent when a demo step's hook (a fault switched on at the
// simulated gateway) has been applied.
type demoDoneMsg struct {
	Gen  uint64
	Step string
	Err  error
}

// durationElapsedMsg is sent when --duration has run out.
type durationElapsedMsg struct{}

// cleanupDoneMsg is sent when the quit cleanup (streams cancelled, cookie
// deleted) has finished; the handler then quits.
type cleanupDoneMsg struct{ Err error }

// noticeExpiredMsg is sent when a status-bar notice's TTL has passed. ID
// identifies the notice; a newer notice is not cleared by an older timer.
type noticeExpiredMsg struct{ ID uint64 }
