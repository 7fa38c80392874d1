package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"edgetop/edgeclient"
	"edgetop/model"
)

// Tuning constants for the record flow and the workload (DESIGN.md, "How a
// request becomes a row"), in one place.
const (
	// drainWindow is how long the drain cmd collects after the first
	// record of a batch: about a frame at 20 fps, so one message per frame
	// carries every record of that frame.
	drainWindow = 50 * time.Millisecond
	// drainMax caps a batch so one Update never takes long; at 20,000
	// records/s a 50 ms window holds about 1,000.
	drainMax = 4096
	// statsWindow is the rate window of the stats strip.
	statsWindow = 10 * time.Second
	// clockEvery is how often the header clock and rates refresh.
	clockEvery = time.Second
	// defaultRingCap is the ring size when Deps.RingCap is 0.
	defaultRingCap = 100_000
	// noticeTTL is how long a status-bar notice stays.
	noticeTTL = 5 * time.Second
	// sparkWidth is the number of one-second buckets in a sparkline.
	sparkWidth = 6
	// detailMaxBodyLines caps a pretty-printed body in the pane.
	detailMaxBodyLines = 200
	// detailMaxBodyBytes caps the body text the pane formats.
	detailMaxBodyBytes = 64 << 10
)

// RecordSource is where records come from: the client's observer channel
// and its drop count. *edgeclient.ChanObserver satisfies it.
type RecordSource interface {
	C() <-chan model.Record
	Dropped() uint64
}

// Deps is everything the dashboard needs, built by main.
type Deps struct {
	// Client is the edge client the workload drives (the real
	// *edgeclient.Client, or a fake in tests). Nil: no workload (the UI
	// only shows what Observer delivers).
	Client API
	// Observer delivers the client's records (its *edgeclient.ChanObserver).
	Observer RecordSource
	// Catalog is the status table; APICodes the 2020-04-30 error Codes.
	Catalog  *model.Catalog
	APICodes *model.APICodes
	// Now is the clock (a fixed one in tests). Default time.Now.
	Now func() time.Time
	// Gateway is the gateway's base URL as shown in the header (default:
	// the client's Gateway()).
	Gateway string
	// Simulated is true when the gateway is the built-in simulator.
	Simulated bool
	// Demo is true for `go run .` without --gateway: the workload adds the
	// demo mix that makes every class appear through real causes. It
	// needs Sim.
	Demo bool
	// Sim is the simulated gateway when Simulated (for the demo hooks).
	Sim DemoHooks
	// Viewer is the demo's second client, logged in as the simulator's
	// read-only user, whose attempted write shows a real 403. When Demo is
	// set and it is nil, it is built from Sim (its certificate), Gateway
	// and Observer (an *edgeclient.ChanObserver) when those allow.
	Viewer API
	// APIVersion is shown in the header (default: the client's
	// APIVersion(), else "2020-04-30").
	APIVersion string
	// Insecure is true when TLS verification is off (--insecure); the
	// header says INSECURE. A client that reports Insecure() sets it too.
	Insecure bool
	// NoColor selects the no-colour theme (NO_COLOR, or not a terminal).
	NoColor bool
	// RingCap is the number of records held (default 100,000).
	RingCap int
	// Duration stops the dashboard after this long; 0 runs until quit.
	Duration time.Duration
	// Interval is the workload's starting interval between calls
	// (default 200ms); + and - change it at run time.
	Interval time.Duration
}

// clientInfo is what a real client can say about itself; Deps fields left
// empty are filled from it.
type clientInfo interface {
	Gateway() string
	APIVersion() string
	Insecure() bool
}

func (d Deps) withDefaults() Deps {
	if ci, ok := d.Client.(clientInfo); ok {
		if d.Gateway == "" {
			d.Gateway = ci.Gateway()
		}
		if d.APIVersion == "" {
			d.APIVersion = ci.APIVersion()
		}
		d.Insecure = d.Insecure || ci.Insecure()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.RingCap <= 0 {
		d.RingCap = defaultRingCap
	}
	if d.APIVersion == "" {
		d.APIVersion = "2020-04-30"
	}
	if d.Interval <= 0 {
		d.Interval = 200 * time.Millisecond
	}
	if d.Demo && d.Viewer == nil {
		d.Viewer = demoViewer(d)
	}
	return d
}

// Demo viewer credentials: the simulator's default read-only console user
// (edgesim.DefaultUsers).
const demoViewerUser, demoViewerPassword = "viewer", "viewer1234"

// demoViewerIDBase is added to the IDs of the viewer's records. Each
// edgeclient.Client numbers its records from 1, and the list's row cache,
// the pane and the selection key on the ID, so two clients feeding one
// observer must not share numbers (the 403 row was drawn as the admin's
// record with the same ID). TODO(ui): drop this when edgeclient.Config can
// share one ID sequence between clients.
const demoViewerIDBase = 1_000_000_000_000

// demoViewer builds the demo's read-only client against the simulator, or
// returns nil when Deps lacks what it needs. It only builds the client:
// nothing is sent until a demo hook uses it.
func demoViewer(d Deps) API {
	certs, ok := d.Sim.(interface{ CertPEM() []byte })
	obs, ok2 := d.Observer.(edgeclient.Observer)
	if !ok || !ok2 || d.Gateway == "" {
		return nil
	}
	renumber := edgeclient.ObserverFunc(func(r model.Record) {
		r.ID += demoViewerIDBase
		if r.Parent != 0 {
			r.Parent += demoViewerIDBase
		}
		obs.Observe(r)
	})
	c, err := edgeclient.New(edgeclient.Config{Gateway: d.Gateway, APIVersion: d.APIVersion,
		User: demoViewerUser, Password: demoViewerPassword, CAPEM: certs.CertPEM(), Observer: renumber})
	if err != nil {
		return nil
	}
	return c
}

// closeClients deletes the cookies of the client and of the demo viewer
// and closes their connections.
func (d Deps) closeClients(ctx context.Context) error {
	var errs []error
	for _, c := range []API{d.Client, d.Viewer} {
		if c == nil {
			continue
		}
		if err := c.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("deleting the auth cookie at exit: %w", err))
		}
	}
	return errors.Join(errs...)
}
