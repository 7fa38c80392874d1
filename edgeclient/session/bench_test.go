package session

import (
	"context"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient"
)

// slowGateway is four devices whose reads take 5 ms, one of which may
// stall for 10 s.
type slowGateway struct {
	fake2019
	stall string
	mu    sync.Mutex
	reads map[string]int
}

func (g *slowGateway) GetTSL(context.Context, string) (*edgeclient.TSL, error) {
	return &edgeclient.TSL{Properties: []edgeclient.TSLProperty{{Identifier: "p"}}}, nil
}

func (g *slowGateway) GetThingProperties(ctx context.Context, _, dn string, _ ...string) (*edgeclient.Properties, error) {
	d := 5 * time.Millisecond
	if dn == g.stall {
		d = 10 * time.Second
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	g.mu.Lock()
	g.reads[dn]++
	g.mu.Unlock()
	return &edgeclient.Properties{}, nil
}

func (g *slowGateway) Watch(ctx context.Context, _ []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error) {
	ch := make(chan edgeclient.WatchEvent)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch, nil
}

// readRates runs a session against the gateway for d and returns the reads
// per second of each device but the stalled one.
func readRates(b *testing.B, stall string, d time.Duration) map[string]float64 {
	g := &slowGateway{stall: stall, reads: map[string]int{}}
	for _, n := range []string{"d1", "d2", "d3", "d4"} {
		g.things = append(g.things, edgeclient.Thing{ProductKey: "pk", DeviceName: n})
	}
	e := New(Config{Client: g, Interval: 20 * time.Millisecond})
	e.Start()
	go func() {
		for range e.Events() { //nolint:revive // drained
		}
	}()
	time.Sleep(200 * time.Millisecond) // logged in and listed
	g.mu.Lock()
	g.reads = map[string]int{}
	g.mu.Unlock()
	time.Sleep(d)
	g.mu.Lock()
	out := map[string]float64{}
	for dn, n := range g.reads {
		if dn != stall {
			out[dn] = float64(n) / d.Seconds()
		}
	}
	g.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkStalledDevice compares the read rate of three devices while the
// fourth's reads stall for 10 s with their rate when none stalls, measured
// in one run (the order alternates between iterations). A stalled call
// holds one slot of the pool, not the session: the ratio (the slowest of
// the three) must be at least 0.9.
func BenchmarkStalledDevice(b *testing.B) {
	const window = 10 * time.Second
	worst := 1e9
	for i := 0; b.Loop(); i++ {
		var healthy, stalled map[string]float64
		if i%2 == 0 {
			healthy, stalled = readRates(b, "", window), readRates(b, "d1", window)
		} else {
			stalled, healthy = readRates(b, "d1", window), readRates(b, "", window)
		}
		for _, dn := range []string{"d2", "d3", "d4"} {
			if healthy[dn] > 0 {
				worst = min(worst, stalled[dn]/healthy[dn])
			}
		}
		b.ReportMetric(healthy["d2"], "healthy-reads/s")
		b.ReportMetric(stalled["d2"], "stalled-reads/s")
	}
	b.ReportMetric(worst, "stalled/healthy")
	if worst < 0.9 {
		b.Errorf("with one device stalled the others read at %.2f of their healthy rate, want ≥ 0.9", worst)
	}
}
