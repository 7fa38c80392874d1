package edgesim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultAction is what a fault does to the connection or the body.
type FaultAction string

// The fault actions.
const (
	// ActionNone: only the status Code and/or the latency apply.
	ActionNone FaultAction = ""
	// ActionReset closes the connection with a TCP reset and no response.
	ActionReset FaultAction = "reset"
	// ActionStall holds the request unanswered for FaultRule.Stall (default
	// 30s), then closes the connection without a response.
	ActionStall FaultAction = "stall"
	// ActionTruncate sends the status, headers and half the body, then drops
	// the connection (the chunked body never ends).
	ActionTruncate FaultAction = "truncate"
	// ActionMalformed sends the real status with the body's JSON broken.
	ActionMalformed FaultAction = "malformed"
)

// FaultRule injects a fault into matching requests. A rule matches an
// operation, fires with probability Rate while its timed script is active,
// and then delays (Latency + random Jitter), answers with Code, or applies
// its Action. On a Watch stream truncate drops the connection after the
// first line, and malformed breaks that first line.
type FaultRule struct {
	// ID is set by Faults.Add.
	ID int `json:"ID,omitempty"`
	// Op is an operation name from Operations, a prefix of one
	// ("BulkActions" matches every bulk action), or "" / "*" for all.
	Op string `json:"Op,omitempty"`
	// Device limits the rule to requests naming one device in their path:
	// its DeviceName, or "ProductKey/DeviceName". "" matches every request.
	Device string `json:"Device,omitempty"`
	// Code is the HTTP status to answer with; 0 leaves the reply alone.
	// An injected 3xx points Location at the request's own URI, so a
	// client that follows it meets the rule again: with Rate 0 (always)
	// and no Count that is a redirect loop, ended by the client's redirect
	// cap. Give a Count or a Rate below 1 to show a hop that succeeds.
	Code int `json:"Code,omitempty"`
	// APICode and Message override the error body; defaults: the status's
	// API Code (e.g. InternalServerError) and "injected fault".
	APICode string `json:"APICode,omitempty"`
	Message string `json:"Message,omitempty"`
	// Rate is the probability (0..1] that a matching request is hit;
	// 0 means always.
	Rate float64 `json:"Rate,omitempty"`
	// Latency and Jitter delay the reply by Latency + [0, Jitter).
	Latency time.Duration `json:"Latency,omitempty"`
	Jitter  time.Duration `json:"Jitter,omitempty"`
	// Action is reset, stall, truncate or malformed.
	Action FaultAction `json:"Action,omitempty"`
	// Stall is how long ActionStall holds the request; default 30s.
	Stall time.Duration `json:"Stall,omitempty"`
	// After, For and Every make a timed script, counted from when the rule
	// was added: active After it, for For (0: for ever), repeating Every
	// (0: once).
	After time.Duration `json:"After,omitempty"`
	For   time.Duration `json:"For,omitempty"`
	Every time.Duration `json:"Every,omitempty"`
	// Count ends the rule after it fired that many times; 0: no end.
	Count int `json:"Count,omitempty"`
	// Fired is how many times the rule fired (set by Faults.List).
	Fired int `json:"Fired,omitempty"`
}

// activeRule is a rule with its bookkeeping.
type activeRule struct {
	FaultRule
	added time.Time
	fired int
}

// Faults is the run-time fault controller: injected faults and maintenance
// windows. It is safe for concurrent use.
type Faults struct {
	world *world
	now   func() time.Time
	start time.Time
	every time.Duration // scheduled maintenance
	dur   time.Duration

	mu         sync.Mutex
	rules      []*activeRule
	nextID     int
	maintUntil time.Time
}

func newFaults(w *world, now func() time.Time, start time.Time, every, dur time.Duration) *Faults {
	return &Faults{world: w, now: now, start: start, every: every, dur: dur, nextID: 1}
}

// Add installs a rule and returns its ID.
func (f *Faults) Add(r FaultRule) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.ID = f.nextID
	f.nextID++
	r.Fired = 0
	f.rules = append(f.rules, &activeRule{FaultRule: r, added: f.now()})
	return r.ID
}

// Remove deletes the rule with id; false when there is none.
func (f *Faults) Remove(id int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.rules)
	f.rules = slices.DeleteFunc(f.rules, func(r *activeRule) bool { return r.ID == id })
	return len(f.rules) != n
}

// Clear removes every rule and ends a maintenance window started by
// Maintenance (the scheduled ones of Options stay).
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
	f.maintUntil = time.Time{}
}

// List returns the installed rules, with how often each fired.
func (f *Faults) List() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FaultRule, 0, len(f.rules))
	for _, r := range f.rules {
		fr := r.FaultRule
		fr.Fired = r.fired
		out = append(out, fr)
	}
	return out
}

// Maintenance starts a maintenance window of length d now: every API call
// gets 503 until it ends. d <= 0 ends the current window.
func (f *Faults) Maintenance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d <= 0 {
		f.maintUntil = time.Time{}
		return
	}
	f.maintUntil = f.now().Add(d)
}

// maintenance reports whether now is in a maintenance window, and how much
// of it is left.
func (f *Faults) maintenance(now time.Time) (time.Duration, bool) {
	f.mu.Lock()
	until := f.maintUntil
	f.mu.Unlock()
	if now.Before(until) {
		return until.Sub(now), true
	}
	if f.every <= 0 || f.dur <= 0 {
		return 0, false
	}
	e := now.Sub(f.start)
	if e < f.every {
		return 0, false
	}
	if ph := e % f.every; ph < f.dur {
		return f.dur - ph, true
	}
	return 0, false
}

// matches reports whether a rule's Op covers op.
func (r *FaultRule) matches(op string) bool {
	return r.Op == "" || r.Op == "*" || r.Op == op || strings.HasPrefix(op, r.Op+".")
}

// matchesDevice reports whether the rule applies to a request naming the
// device pk/dn (both "" when the path names none).
func (r *FaultRule) matchesDevice(pk, dn string) bool {
	if r.Device == "" {
		return true
	}
	if p, d, ok := strings.Cut(r.Device, "/"); ok {
		return p == pk && d == dn
	}
	return r.Device == dn
}

// active reports whether the rule's timed script is on at now.
func (r *activeRule) active(now time.Time) bool {
	if r.Count > 0 && r.fired >= r.Count {
		return false
	}
	e := now.Sub(r.added) - r.After
	if e < 0 {
		return false
	}
	if r.Every > 0 {
		e %= r.Every
	}
	return r.For <= 0 || e < r.For
}

// fire returns the rules that hit a request for op at now.
func (f *Faults) fire(op, pk, dn string, now time.Time) []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []FaultRule
	for _, r := range f.rules {
		if !r.matches(op) || !r.matchesDevice(pk, dn) || !r.active(now) {
			continue
		}
		if r.Rate > 0 && r.Rate < 1 && !f.world.chance(r.Rate) {
			continue
		}
		r.fired++
		out = append(out, r.FaultRule)
	}
	return out
}

// String renders the rule as a ParseFault spec.
func (r FaultRule) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	if r.Op != "" {
		add("op", r.Op)
	}
	if r.Device != "" {
		add("device", r.Device)
	}
	if r.Code != 0 {
		add("code", strconv.Itoa(r.Code))
	}
	if r.APICode != "" {
		add("apicode", r.APICode)
	}
	if r.Rate != 0 {
		add("rate", strconv.FormatFloat(r.Rate, 'g', -1, 64))
	}
	for _, d := range []struct {
		k string
		v time.Duration
	}{{"latency", r.Latency}, {"jitter", r.Jitter}, {"stall", r.Stall}, {"after", r.After}, {"for", r.For}, {"every", r.Every}} {
		if d.v != 0 {
			add(d.k, d.v.String())
		}
	}
	if r.Action != "" {
		add("action", string(r.Action))
	}
	if r.Count != 0 {
		add("count", strconv.Itoa(r.Count))
	}
	if r.Message != "" {
		add("message", r.Message)
	}
	return strings.Join(parts, ",")
}

// ParseFault parses a fault spec, the value of `edgetop sim --fault`:
// key=value pairs separated by ',' or ';', for example
//
//	op=SetThingProperties,code=500,rate=0.2
//	op=*,latency=50ms,jitter=20ms
//	op=ListThings,action=reset,rate=0.1
//	op=GetThingProperties,action=truncate,count=3
//	code=503,apicode=ServiceUnavailable,after=10s,for=5s,every=1m
//
// Keys: op, code, apicode, message, rate, latency, jitter, action
// (reset|stall|truncate|malformed), stall, after, for, every, count.
// (With kong, declare the flag with sep:"none" so commas stay in the value.)
func ParseFault(spec string) (FaultRule, error) {
	var r FaultRule
	fields := strings.FieldsFunc(spec, func(c rune) bool { return c == ',' || c == ';' })
	if len(fields) == 0 {
		return r, fmt.Errorf("fault %q: empty", spec)
	}
	for _, f := range fields {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			return r, fmt.Errorf("fault %q: %q is not key=value", spec, f)
		}
		if err := r.set(strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)); err != nil {
			return r, fmt.Errorf("fault %q: %w", spec, err)
		}
	}
	if err := r.Validate(); err != nil {
		return r, fmt.Errorf("fault %q: %w", spec, err)
	}
	return r, nil
}

// set applies one key=value of a spec.
func (r *FaultRule) set(k, v string) error {
	var err error
	switch k {
	case "op":
		r.Op = v
	case "device":
		r.Device = v
	case "code":
		r.Code, err = strconv.Atoi(v)
	case "apicode":
		r.APICode = v
	case "message":
		r.Message = v
	case "rate":
		r.Rate, err = strconv.ParseFloat(v, 64)
	case "action":
		r.Action = FaultAction(strings.ToLower(v))
	case "count":
		r.Count, err = strconv.Atoi(v)
	case "latency", "jitter", "stall", "after", "for", "every":
		err = r.setDuration(k, v)
	default:
		return fmt.Errorf("unknown key %q", k)
	}
	if err != nil {
		return fmt.Errorf("%s=%s: %w", k, v, err)
	}
	return nil
}

func (r *FaultRule) setDuration(k, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	*map[string]*time.Duration{
		"latency": &r.Latency, "jitter": &r.Jitter, "stall": &r.Stall,
		"after": &r.After, "for": &r.For, "every": &r.Every,
	}[k] = d
	return nil
}

// Validate checks that the rule is well formed and does something.
func (r FaultRule) Validate() error {
	if r.Op != "" && r.Op != "*" && !knownOp(r.Op) {
		return fmt.Errorf("unknown operation %q", r.Op)
	}
	// 1xx are interim answers: net/http would send one and then a 200 with
	// the error body (or, for 101, hand the connection over).
	if r.Code != 0 && (r.Code < 200 || r.Code > 599) {
		return fmt.Errorf("code %d is not a final HTTP status (200..599)", r.Code)
	}
	if r.Rate < 0 || r.Rate > 1 {
		return fmt.Errorf("rate %g is not in [0,1]", r.Rate)
	}
	switch r.Action {
	case ActionNone, ActionReset, ActionStall, ActionTruncate, ActionMalformed:
	default:
		return fmt.Errorf("unknown action %q (reset, stall, truncate, malformed)", r.Action)
	}
	if r.Latency < 0 || r.Jitter < 0 || r.Stall < 0 || r.After < 0 || r.For < 0 || r.Every < 0 || r.Count < 0 {
		return fmt.Errorf("negative duration or count")
	}
	if r.Code == 0 && r.Action == ActionNone && r.Latency == 0 && r.Jitter == 0 {
		return fmt.Errorf("does nothing: give code, action, latency or jitter")
	}
	return nil
}

// knownOp reports whether op names an operation or a prefix of some.
func knownOp(op string) bool {
	for _, o := range Operations {
		if o == op || strings.HasPrefix(o, op+".") {
			return true
		}
	}
	return false
}
