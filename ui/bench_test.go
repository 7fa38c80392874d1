package ui

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/model"
)

// benchApp is an App at 200×50 with n records ingested (in batches, as
// the drain delivers them) into the default 100,000-record ring.
func benchApp(b *testing.B, n int) *App {
	b.Helper()
	// The clock stands at the newest record, so the rate window and the
	// sparklines hold data in both cases.
	end := t0.Add(time.Duration(n) * time.Millisecond)
	a := newTestApp(b, func(d *Deps) { d.RingCap = 0; d.Now = func() time.Time { return end } })
	resize(a, 200, 50)
	const batch = 4096
	for i := 0; i < n; i += batch {
		rs := manyRecords(uint64(i+1), min(batch, n-i))
		for j := range rs {
			rs[j].Start = t0.Add(time.Duration(i+j) * time.Millisecond)
		}
		feed(a, rs...)
	}
	a.now = end
	return a
}

// BenchmarkView measures one frame at 200×50 with 1,000 and 1,000,000
// records ingested: steady (nothing changed since the last frame) and live
// (one new record per frame, the list following it). DESIGN.md: the
// 1,000,000 frame may cost at most 1.2× the 1,000 one.
func BenchmarkView(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("steady/records=%d", n), func(b *testing.B) {
			a := benchApp(b, n)
			_ = a.View()
			b.ResetTimer()
			for b.Loop() {
				_ = a.View()
			}
		})
		b.Run(fmt.Sprintf("live/records=%d", n), func(b *testing.B) {
			a := benchApp(b, n)
			next := manyRecords(uint64(n+1), 1)[0]
			_ = a.View()
			b.ResetTimer()
			for b.Loop() {
				next.ID++
				feed(a, next)
				_ = a.View()
			}
		})
	}
}

// countingModel counts the frames the renderer asks for.
type countingModel struct {
	a      *App
	frames *atomic.Int64
}

func (m countingModel) Init() tea.Cmd { return m.a.Init() }

func (m countingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.a.Update(msg)
	return m, cmd
}

func (m countingModel) View() tea.View {
	m.frames.Add(1)
	return m.a.View()
}

// BenchmarkThroughput20k pushes 20,000 records per second through the
// observer into a running program (renderer included, 30 fps, 200×50) for
// two seconds per iteration and reports the frames drawn, the records shown
// and dropped, and the most records ever waiting in the channel (the
// backlog is bounded by the channel: records are shown or dropped).
func BenchmarkThroughput20k(b *testing.B) {
	const rate, secs = 20_000, 2
	for b.Loop() {
		obs := edgeclient.NewChanObserver(session.ObserverBuffer)
		eng := session.New(session.Config{Client: idleAPI{}, Records: obs})
		eng.Start()
		a := newTestApp(b, func(d *Deps) { d.Session = eng; d.RingCap = 0 })
		frames := &atomic.Int64{}
		p := tea.NewProgram(countingModel{a, frames}, tea.WithInput(nil), tea.WithOutput(io.Discard),
			tea.WithoutSignalHandler(), tea.WithWindowSize(200, 50), tea.WithFPS(30))
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := p.Run(); err != nil {
				b.Error(err)
			}
		}()
		maxBacklog := produce(obs, rate, secs*time.Second)
		p.Quit()
		<-done
		go func() {
			for range eng.Events() { //nolint:revive // drained so the engine can stop
			}
		}()
		_ = eng.Stop(context.Background())
		sent := uint64(rate * secs)
		b.ReportMetric(float64(frames.Load())/secs, "frames/s")
		b.ReportMetric(float64(a.log.Total()), "shown")
		b.ReportMetric(float64(obs.Dropped()), "dropped")
		b.ReportMetric(float64(sent-a.log.Total()-obs.Dropped()), "in-flight")
		b.ReportMetric(float64(maxBacklog), "max-backlog")
	}
}

// produce observes rate records per second for d, in 1 ms steps, and
// returns the largest channel length seen.
func produce(obs *edgeclient.ChanObserver, rate int, d time.Duration) int {
	per := rate / 1000
	recs := manyRecords(1, per)
	id := uint64(0)
	maxLen := 0
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for step := 0; step < int(d/time.Millisecond); step++ {
		<-tick.C
		// Catch up when the ticker fell behind, so the rate holds.
		due := int(time.Since(start)/time.Millisecond) + 1
		for ; step < due-1 && step < int(d/time.Millisecond)-1; step++ {
			id = emit(obs, recs, id)
		}
		id = emit(obs, recs, id)
		maxLen = max(maxLen, len(obs.C()))
	}
	return maxLen
}

func emit(obs *edgeclient.ChanObserver, recs []model.Record, id uint64) uint64 {
	for i := range recs {
		id++
		r := recs[i]
		r.ID = id
		obs.Observe(r)
	}
	return id
}

// idleAPI is a gateway client that never answers: the engine's one call
// waits until the session stops, so only the records the benchmark
// produces flow.
type idleAPI struct{}

func (idleAPI) Auth() edgeclient.AuthState                 { return edgeclient.AuthState{} }
func (idleAPI) Close(context.Context) error                { return nil }
func (idleAPI) CreateAuthCookie(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
func (idleAPI) ListThings(ctx context.Context, _ edgeclient.ThingFilter) ([]edgeclient.Thing, error) {
	return nil, ctx.Err()
}

func (idleAPI) GetThingProperties(ctx context.Context, _, _ string, _ ...string) (*edgeclient.Properties, error) {
	return nil, ctx.Err()
}

func (idleAPI) CallThingServices(ctx context.Context, _, _ string, _ []edgeclient.ServiceCall) (*edgeclient.ServicesResult, error) {
	return nil, ctx.Err()
}

func (idleAPI) GetTSL(ctx context.Context, _ string) (*edgeclient.TSL, error) { return nil, ctx.Err() }

func (idleAPI) Raw(ctx context.Context, _, _ string, _ []byte) (*edgeclient.RawResponse, error) {
	return nil, ctx.Err()
}

func (idleAPI) Watch(ctx context.Context, _ []edgeclient.WatchTarget) (<-chan edgeclient.WatchEvent, error) {
	return nil, ctx.Err()
}
