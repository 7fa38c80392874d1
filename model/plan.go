package model

import (
	"slices"
	"strconv"
	"strings"
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
	// Targets is the device list a CallWatch watches ("pk/dn" each).
	Targets []string
}

// Key identifies the request a call sends: two calls with the same Key
// send the same request, so a call the gateway refused (Plan.Refuse) is
// never sent again unchanged.
func (c Call) Key() string {
	var b strings.Builder
	b.WriteString(c.Kind.String())
	for _, s := range []string{c.ProductKey, c.DeviceName, c.Service, c.Method, c.Path} {
		b.WriteByte('|')
		b.WriteString(s)
	}
	for _, l := range [][]string{c.Identifiers, c.Targets} {
		b.WriteByte('|')
		b.WriteString(strings.Join(l, ","))
	}
	if c.N > 0 {
		b.WriteString("|" + strconv.Itoa(c.N))
	}
	return b.String()
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
// device's properties in turn, re-listing now and then; extra calls (the
// demo's, the operator's) go before the next poll. A device's properties
// come from its TSL with the ListThings result (2020-04-30) or are learned
// from the property identifiers the watch stream reports (Learn; 2019-09-30
// has no GetTSL), and learned ones survive a re-list.
//
// Several calls may be in flight at once (the session engine runs a small
// pool): Next never returns a second call for a device whose call has not
// been reported Done, nor a second authentication or listing. A call the
// gateway refused as such (Refuse: 400, 403, 404, 405) is never returned
// again unchanged; one that failed otherwise can be put off (Defer), per
// device or, for authentication, listing and the watch, for the session.
//
// It is pure: time comes in as an argument, and it does no I/O.
type Plan struct {
	// RelistEvery is how often ListThings is repeated (default 30s).
	RelistEvery time.Duration

	authed      bool
	devices     []PlanDevice
	listed      time.Time
	listedOnce  bool
	listing     bool
	watchOpen   bool
	next        int
	extra       []Call
	authPending bool
	// learned are the identifiers Learn added, per listed device; they are
	// merged into the devices of every later ListThings result.
	learned map[deviceKey][]string
	// busy counts the calls in flight per device.
	busy map[deviceKey]int
	// refused holds the Keys of calls the gateway refused as such.
	refused map[string]bool
	// notBefore puts off a device's polls, or a kind of call (auth, list,
	// watch: deviceKey{kind, ""}), until a time.
	notBefore map[deviceKey]time.Time
}

// NewPlan returns a plan that starts with authentication.
func NewPlan() *Plan {
	return &Plan{
		RelistEvery: 30 * time.Second, busy: map[deviceKey]int{}, refused: map[string]bool{},
		notBefore: map[deviceKey]time.Time{},
	}
}

// Enqueue adds a call to make before the next regular one.
func (p *Plan) Enqueue(c Call) { p.extra = append(p.extra, c) }

// Devices returns the devices known from the last ListThings.
func (p *Plan) Devices() []PlanDevice { return p.devices }

// kindKey is the notBefore key of a session-wide kind of call.
func kindKey(k CallKind) deviceKey { return deviceKey{"\x00" + k.String(), ""} }

// due reports whether k's deferral (if any) has passed at now.
func (p *Plan) due(k deviceKey, now time.Time) bool {
	t, ok := p.notBefore[k]
	return !ok || !now.Before(t)
}

// Next returns the call to make at now, or CallNone when there is nothing
// to do now (an authentication or listing in flight, every device busy or
// put off, nothing known to read).
func (p *Plan) Next(now time.Time) Call {
	switch {
	case !p.authed && p.authPending:
		return Call{}
	case !p.authed:
		if !p.due(kindKey(CallAuth), now) {
			return Call{}
		}
		p.authPending = true
		return Call{Kind: CallAuth}
	case p.listing:
	case !p.listedOnce || now.Sub(p.listed) >= p.RelistEvery:
		if !p.due(kindKey(CallListThings), now) {
			if !p.listedOnce {
				return Call{}
			}
			break
		}
		p.listed, p.listedOnce, p.listing = now, true, true
		return Call{Kind: CallListThings}
	}
	if c, ok := p.nextWatch(now); ok {
		return c
	}
	for len(p.extra) > 0 {
		c := p.extra[0]
		p.extra = p.extra[1:]
		if !p.refused[c.Key()] {
			p.take(c)
			return c
		}
	}
	return p.nextPoll(now)
}

// nextWatch opens the watch stream when it is closed, there are devices,
// its deferral has passed and the gateway did not refuse this very list.
func (p *Plan) nextWatch(now time.Time) (Call, bool) {
	if p.watchOpen || len(p.devices) == 0 || !p.due(kindKey(CallWatch), now) {
		return Call{}, false
	}
	c := Call{Kind: CallWatch, Targets: make([]string, 0, len(p.devices))}
	for _, d := range p.devices {
		c.Targets = append(c.Targets, d.ProductKey+"/"+d.DeviceName)
	}
	if p.refused[c.Key()] {
		return Call{}, false
	}
	p.watchOpen = true
	return c, true
}

// nextPoll reads the next device in turn that has known properties, no
// call in flight, no deferral pending and no refused read.
func (p *Plan) nextPoll(now time.Time) Call {
	for range p.devices {
		d := p.devices[p.next%len(p.devices)]
		p.next++
		k := deviceKey{d.ProductKey, d.DeviceName}
		// Without identifiers the read is a 400; a 2019-09-30 gateway has
		// no TSL to name them.
		if len(d.Properties) == 0 || p.busy[k] > 0 || !p.due(k, now) {
			continue
		}
		ids := d.Properties
		if len(ids) > MaxReadIdentifiers {
			ids = ids[:MaxReadIdentifiers]
		}
		c := Call{Kind: CallGetProperties, ProductKey: d.ProductKey, DeviceName: d.DeviceName, Identifiers: ids}
		if p.refused[c.Key()] {
			continue
		}
		p.take(c)
		return c
	}
	return Call{}
}

// take marks a device call in flight.
func (p *Plan) take(c Call) {
	if c.DeviceName != "" || c.ProductKey != "" {
		p.busy[deviceKey{c.ProductKey, c.DeviceName}]++
	}
}

// Done reports the outcome of a call Next returned: devices is the
// ListThings result, failed whether the call failed.
func (p *Plan) Done(c Call, devices []PlanDevice, failed bool) {
	switch c.Kind {
	case CallAuth:
		p.authPending = false
		p.authed = !failed
	case CallListThings:
		p.listing = false
		if !failed {
			p.setDevices(devices)
		} else if len(p.devices) == 0 {
			p.listedOnce = false // try again once its deferral passes
		}
	case CallWatch:
	default:
		k := deviceKey{c.ProductKey, c.DeviceName}
		if p.busy[k] > 1 {
			p.busy[k]--
		} else {
			delete(p.busy, k)
		}
	}
}

// setDevices takes a new ListThings result. A device whose listing
// changed (its properties or services) may be read again even if an
// earlier read was refused: the request is no longer the same.
func (p *Plan) setDevices(devices []PlanDevice) {
	p.devices = devices
	p.relearn()
}

// Refuse records that the gateway refused c as such (400, 403, 404, 405):
// the same request is never returned again. A changed request (other
// identifiers after a re-list or Learn, another device list for the watch)
// is a new one.
func (p *Plan) Refuse(c Call) { p.refused[c.Key()] = true }

// Refused reports whether c was refused.
func (p *Plan) Refused(c Call) bool { return p.refused[c.Key()] }

// Defer puts off calls like c until the time given: a device's polls (c
// names a device), or authentication, listing or the watch (c is of that
// kind). A later Defer replaces an earlier one.
func (p *Plan) Defer(c Call, until time.Time) {
	switch c.Kind {
	case CallAuth, CallListThings, CallWatch:
		p.notBefore[kindKey(c.Kind)] = until
	default:
		if c.DeviceName != "" || c.ProductKey != "" {
			p.notBefore[deviceKey{c.ProductKey, c.DeviceName}] = until
		}
	}
}

// Clear forgets c's deferral (it succeeded).
func (p *Plan) Clear(c Call) {
	switch c.Kind {
	case CallAuth, CallListThings, CallWatch:
		delete(p.notBefore, kindKey(c.Kind))
	default:
		delete(p.notBefore, deviceKey{c.ProductKey, c.DeviceName})
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

// WatchClosed reports that the watch stream ended; Next opens it again
// (once a Defer of CallWatch, if any, has passed).
func (p *Plan) WatchClosed() { p.watchOpen = false }

// LoggedOut reports that the session has no cookie any more (it was
// deleted, or the gateway refused it for good): Next authenticates again.
func (p *Plan) LoggedOut() { p.authed, p.authPending = false, false }

// Authenticated reports whether the last authentication succeeded.
func (p *Plan) Authenticated() bool { return p.authed }
