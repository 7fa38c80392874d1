package session

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// fast is a policy short enough for tests.
var fast = Policy{
	LinkBase: 50 * time.Millisecond, LinkMax: 200 * time.Millisecond,
	DNSBase: 200 * time.Millisecond, DNSMax: 400 * time.Millisecond,
	ServerBase: 100 * time.Millisecond, ServerMax: 400 * time.Millisecond,
}

// fastRetry keeps the client's own backoff short.
var fastRetry = edgeclient.RetryPolicy{
	BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond,
	MinDelay: 5 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond,
	StreamBaseDelay: 5 * time.Millisecond, StreamMaxDelay: 20 * time.Millisecond,
}

func newSim(t testing.TB, opts edgesim.Options) *edgesim.Server {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	s, err := edgesim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newClient is a client of the gateway at url trusting the simulator s
// (nil: trusting nothing); mod adjusts its config.
func newClient(t testing.TB, url string, s *edgesim.Server, mod func(*edgeclient.Config)) (*edgeclient.Client, *edgeclient.ChanObserver) {
	t.Helper()
	obs := edgeclient.NewChanObserver(8192)
	cfg := edgeclient.Config{
		Gateway: url, User: "admin", Password: "admin1234", Observer: obs, Retry: fastRetry,
		Timeout: 2 * time.Second,
	}
	if s != nil {
		cfg.CAPEM = s.CertPEM()
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := edgeclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, obs
}

// run is an engine running in a test, with everything it sends collected.
type run struct {
	e    *Engine
	mu   sync.Mutex
	evs  []Event
	recs []model.Record
	done chan struct{}
}

// startEngine starts an engine with the fast policy and a short pace.
func startEngine(t testing.TB, c API, obs RecordSource, mod func(*Config)) *run {
	t.Helper()
	cfg := Config{Client: c, Records: obs, Interval: 20 * time.Millisecond, Policy: fast}
	if mod != nil {
		mod(&cfg)
	}
	r := &run{e: New(cfg), done: make(chan struct{})}
	r.e.Start()
	go func() {
		defer close(r.done)
		for ev := range r.e.Events() {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			r.recs = append(r.recs, ev.Records...)
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop ends the session and waits for its last event.
func (r *run) stop(t testing.TB) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.e.Stop(ctx)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream did not close after Stop")
	}
	return err
}

func (r *run) events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

func (r *run) records() []model.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]model.Record(nil), r.recs...)
}

// waitFor polls until cond holds, at most d.
func (r *run) waitFor(t testing.TB, d time.Duration, what string, cond func(evs []Event, recs []model.Record) bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond(r.events(), r.records()) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v; events: %s", what, d, kinds(r.events()))
}

// kinds lists the events' kinds (records batches left out), for messages.
func kinds(evs []Event) string {
	var out []string
	for _, ev := range evs {
		if ev.Kind != EventRecords {
			out = append(out, ev.Kind.String()+"("+ev.Text+")")
		}
	}
	return strings.Join(out, ", ")
}

// having returns the events of one kind.
func having(evs []Event, k EventKind) []Event {
	var out []Event
	for _, ev := range evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// count counts the records of op (and device, when given).
func count(recs []model.Record, op, device string) int {
	n := 0
	for _, r := range recs {
		if r.Operation == op && (device == "" || r.DeviceName == device) {
			n++
		}
	}
	return n
}

// firstAttempts returns the records of op that started a call.
func firstAttempts(recs []model.Record, op string) []model.Record {
	var out []model.Record
	for _, r := range recs {
		if r.Operation == op && r.Attempt == 1 {
			out = append(out, r)
		}
	}
	return out
}
