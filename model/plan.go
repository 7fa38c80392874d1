package model

import (
	"slices"
	"time"
)

// MaxReadIdentifiers is the most property identifiers one
// GetThingProperties call names, and the most a device learns from the
// watch stream: reads name at most this many.
const MaxReadIdentifiers = 100

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
	// Properties are its readable property identifiers (at most
	// MaxReadIdentifiers are read per call): from the product's TSL
	// (2020-04-30), or learned from the watch stream (Plan.Learn). Services
	// are its callable services.
	Properties, Services []string
}

// deviceKey identifies a device.
type deviceKey struct{ productKey, deviceName string }

// Plan decides which call a workload makes next: authenticate first, list
// the things, open the watch stream once there are devices, then read each
// device's properties in turn (devices whose properties are unknown are
// skipped), re-listing now and then; extra calls (the demo's, the
// operator's) go before the next poll. A device's properties come from its
// TSL with the ListThings result (2020-04-30) or are learned from the
// property identifiers the watch stream reports (Learn; 2019-09-30 has no
// GetTSL), and learned ones survive a re-list. It is pure: time comes in
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
	// learned are the identifiers Learn added, per listed device; they are
	// merged into the devices of every later ListThings result.
	learned map[deviceKey][]string
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
	if len(ids) > MaxReadIdentifiers {
		ids = ids[:MaxReadIdentifiers]
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
			p.relearn()
		} else if len(p.devices) == 0 {
			p.listedOnce = false // try again at the next tick
		}
	}
}

// Learn merges property identifiers reported for a listed device (the
// keys of a propertiesChanged event's Args) into its properties, so the
// device is polled from then on. Identifiers already known, empty ones,
// and any past MaxReadIdentifiers per device are ignored, as are devices
// the last ListThings did not return. It reports whether anything was
// added.
func (p *Plan) Learn(productKey, deviceName string, ids ...string) bool {
	i := slices.IndexFunc(p.devices, func(d PlanDevice) bool {
		return d.ProductKey == productKey && d.DeviceName == deviceName
	})
	if i < 0 {
		return false
	}
	d := &p.devices[i]
	k := deviceKey{productKey, deviceName}
	added := false
	for _, id := range ids {
		if id == "" || len(d.Properties) >= MaxReadIdentifiers || slices.Contains(d.Properties, id) {
			continue
		}
		// Clip first: devices of one product may share the TSL's slice,
		// and calls in flight may hold it; an append must not write
		// into their backing array.
		d.Properties = append(slices.Clip(d.Properties), id)
		if p.learned == nil {
			p.learned = map[deviceKey][]string{}
		}
		p.learned[k] = append(p.learned[k], id)
		added = true
	}
	return added
}

// KnowsProperties reports whether some device has property identifiers
// to read.
func (p *Plan) KnowsProperties() bool {
	return slices.ContainsFunc(p.devices, func(d PlanDevice) bool { return len(d.Properties) > 0 })
}

// KnowsServices reports whether some device has service names to call.
func (p *Plan) KnowsServices() bool {
	return slices.ContainsFunc(p.devices, func(d PlanDevice) bool { return len(d.Services) > 0 })
}

// relearn merges the learned identifiers into a new device list and
// forgets those of devices no longer listed.
func (p *Plan) relearn() {
	if len(p.learned) == 0 {
		return
	}
	kept := make(map[deviceKey][]string, len(p.learned))
	for i := range p.devices {
		d := &p.devices[i]
		k := deviceKey{d.ProductKey, d.DeviceName}
		ids, ok := p.learned[k]
		if !ok {
			continue
		}
		kept[k] = ids
		for _, id := range ids {
			if len(d.Properties) < MaxReadIdentifiers && !slices.Contains(d.Properties, id) {
				d.Properties = append(slices.Clip(d.Properties), id)
			}
		}
	}
	p.learned = kept
}

// WatchClosed reports that the watch stream ended; Next opens it again.
func (p *Plan) WatchClosed() { p.watchOpen = false }

// Authenticated reports whether the last authentication succeeded.
func (p *Plan) Authenticated() bool { return p.authed }
