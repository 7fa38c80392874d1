package ui

import (
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/model/har"
	"edgetop/ui/export"
)

// Tuning constants of the dashboard, in one place.
const (
	// statsWindow is the rate window of the stats strip.
	statsWindow = 10 * time.Second
	// clockEvery is how often the header's clock, cookie countdown, watch
	// count and rates refresh when nothing else happens.
	clockEvery = time.Second
	// defaultRingCap is the ring size when Deps.RingCap is 0.
	defaultRingCap = model.DefaultLogCapacity
	// noticeTTL is how long a status-bar notice stays.
	noticeTTL = 5 * time.Second
	// maxMarks bounds the marker rows kept (an endlessly flapping gateway
	// cannot grow them without bound).
	maxMarks = 256
	// fps caps the frame rate: a log needs no more, and Bubble Tea calls
	// View after every message.
	fps = 30
	// stopTimeout bounds the session's end at quit (the cookie's deletion).
	stopTimeout = 3 * time.Second
)

// Deps is everything the dashboard needs, built by main.
type Deps struct {
	// Session is the engine the dashboard is a face of: it starts it,
	// shows its events and stops it at quit. Nil: nothing runs (tests feed
	// events by hand).
	Session session.Runner
	// Catalog is the status table; APICodes the 2020-04-30 error Codes.
	Catalog  *model.Catalog
	APICodes *model.APICodes
	// Now is the clock (a fixed one in tests). Default time.Now.
	Now func() time.Time
	// Pace is the clock that paces frames (frame.go): with it, frames that
	// would never be drawn are not built. Nil builds one after every
	// message, as tests want; Run sets time.Now.
	Pace func() time.Time
	// NoColor selects the no-colour theme (NO_COLOR with any value).
	NoColor bool
	// RingCap is the number of records held (default 100,000).
	RingCap int
	// Duration stops the dashboard after this long; 0 runs until quit.
	Duration time.Duration
	// Filter is the filter to start with (--filter); nil shows every
	// exchange.
	Filter *model.Query
	// FailOn ends the dashboard at the first exchange it matches
	// (--fail-on): Run then returns a *plain.FailOnError.
	FailOn interface{ Match(*model.Record) bool }
	// Export says how the session reached the gateway, for the curl
	// commands that y and e write; Creator names edgetop in a HAR.
	Export  export.Options
	Creator har.Creator
	// Replay says the session is a recording played back.
	Replay bool
	// Actions takes the operator's actions (a): the engine (nil: the
	// Session, when it takes them; none in a replay). ReadOnly turns them
	// off (--read-only); the header says READ-ONLY.
	Actions  session.Actor
	ReadOnly bool
	// OfferTour enables W, which ends the demo and starts the guided
	// tour (Run returns ErrStartTour).
	OfferTour bool
}

func (d Deps) withDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.RingCap <= 0 {
		d.RingCap = defaultRingCap
	}
	return d
}
