package model

import "time"

// CallKind names a call the workload makes.
type CallKind uint8

// The calls a workload makes.
const (
	CallNone          CallKind = iota
	CallAuth                   // CreateAuthCookie
	CallListThings             // ListThings
	CallGetProperties          // GetThingProperties on one device
	CallWatch                  // open the BulkActions Watch stream
	CallService                // CallThingServices on one device
	CallRaw                    // a request to Path as is (demo: a legacy path that redirects)
	CallBurst                  // N GetThingProperties at once (demo: past the connection limit)
)

// String names the kind for logs and tests.
func (k CallKind) String() string {
	names := [...]string{"none", "auth", "list", "get", "watch", "service", "raw", "burst"}
	if int(k) < len(names) {
		return names[k]
	}
	return "unknown"
}

// Call is one call the workload should make next.
type Call struct {
	Kind                   CallKind
	ProductKey, DeviceName string
	// Identifiers are the properties a CallGetProperties reads.
	Identifiers []string
	// Service is the service a CallService calls.
	Service string
	// Method and Path are the request of a CallRaw.
	Method, Path string
	// N is the number of parallel requests of a CallBurst.
	N int
}

// PlanDevice is a device the workload polls.
type PlanDevice struct {
	ProductKey, DeviceName string
	// Properties are its readable property identifiers (at most 100 are
	// read per call); Services its callable services.
	Properties, Services []string
}

// Plan decides which call a workload makes next: authenticate first, list
// the things, open the watch stream once there are devices, then read each
// device's properties in turn (devices whose properties are unknown are
// skipped), re-listing now and then; extra calls (the demo's, the
// operator's) go before the next poll. It is pure: time comes in
// as an argument, and it does no I/O.
type Plan struct {
	// RelistEvery is how often ListThings is repeated (default 30s).
	RelistEvery time.Duration

	authed      bool
	devices     []PlanDevice
	listed      time.Time
	listedOnce  bool
	watchOpen   bool
	next        int
	extra       []Call
	authPending bool
}

// NewPlan returns a plan that starts with authentication.
func NewPlan() *Plan { return &Plan{RelistEvery: 30 * time.Second} }

// Enqueue adds a call to make before the next regular one.
func (p *Plan) Enqueue(c Call) { p.extra = append(p.extra, c) }

// Devices returns the devices known from the last ListThings.
func (p *Plan) Devices() []PlanDevice { return p.devices }

// Next returns the call to make at now. It returns CallNone while an
// authentication is in flight.
func (p *Plan) Next(now time.Time) Call {
	switch {
	case !p.authed && p.authPending:
		return Call{}
	case !p.authed:
		p.authPending = true
		return Call{Kind: CallAuth}
	case !p.listedOnce || now.Sub(p.listed) >= p.RelistEvery:
		p.listed, p.listedOnce = now, true
		return Call{Kind: CallListThings}
	case !p.watchOpen && len(p.devices) > 0:
		p.watchOpen = true
		return Call{Kind: CallWatch}
	case len(p.extra) > 0:
		c := p.extra[0]
		p.extra = p.extra[1:]
		return c
	}
	// Poll the next device with known properties (without identifiers
	// the read is a 400; a 2019-09-30 gateway has no TSL to name them).
	var d PlanDevice
	found := false
	for range p.devices {
		d = p.devices[p.next%len(p.devices)]
		p.next++
		if len(d.Properties) > 0 {
			found = true
			break
		}
	}
	if !found {
		return Call{}
	}
	ids := d.Properties
	if len(ids) > 100 {
		ids = ids[:100]
	}
	return Call{Kind: CallGetProperties, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: ids}
}

// Done reports the outcome of a call Next returned: devices is the
// ListThings result, failed whether the call failed.
func (p *Plan) Done(c Call, devices []PlanDevice, failed bool) {
	switch c.Kind {
	case CallAuth:
		p.authPending = false
		p.authed = !failed
	case CallListThings:
		if !failed {
			p.devices = devices
		} else if len(p.devices) == 0 {
			p.listedOnce = false // try again at the next tick
		}
	}
}

// WatchClosed reports that the watch stream ended; Next opens it again.
func (p *Plan) WatchClosed() { p.watchOpen = false }

// Authenticated reports whether the last authentication succeeded.
func (p *Plan) Authenticated() bool { return p.authed }
