package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// t0 is the fake clock's start, on a whole second.
var t0 = time.Date(2026, 11, 26, 13, 7, 0, 0, time.UTC)

// ending builds a record that ends at t0+at.
func ending(at time.Duration, status int, op string) Record {
	return Record{Start: t0.Add(at - 20*time.Millisecond), Duration: 20 * time.Millisecond, Status: status, Operation: op}
}

func TestStatsCounts(t *testing.T) {
	s := NewStats(10 * time.Second)
	s.Add(
		ending(0, 200, "ListThings"), ending(0, 200, "ListThings"), ending(0, 404, "GetThingProperties"),
		ending(0, 0, "ListThings"), ending(0, 503, "SetThingProperties"), ending(0, 302, "ListThings"),
	)
	s.Add(ending(0, 1000, "Odd"), ending(0, -5, "Odd"))
	if s.Total() != 8 || s.Errors() != 5 {
		t.Errorf("total %d errors %d", s.Total(), s.Errors())
	}
	wantClass := map[Class]uint64{Class2xx: 2, Class3xx: 1, Class4xx: 1, Class5xx: 1, ClassNet: 3, Class1xx: 0}
	for c, want := range wantClass {
		if got := s.ClassCount(c); got != want {
			t.Errorf("ClassCount(%v) = %d, want %d", c, got, want)
		}
	}
	if s.ClassCount(Class(200)) != 0 {
		t.Error("ClassCount of a bad class")
	}
	wantCodes := []CodeCount{{-5, 1}, {0, 1}, {200, 2}, {302, 1}, {404, 1}, {503, 1}, {1000, 1}}
	if got := s.Codes(); !slices.Equal(got, wantCodes) {
		t.Errorf("Codes = %v", got)
	}
	wantOps := []OpCount{
		{"ListThings", 4, 1}, {"Odd", 2, 2}, {"GetThingProperties", 1, 1}, {"SetThingProperties", 1, 1},
	}
	if got := s.Operations(); !slices.Equal(got, wantOps) {
		t.Errorf("Operations = %v", got)
	}
}

func TestStatsRates(t *testing.T) {
	s := NewStats(10 * time.Second)
	if s.Rate(t0) != 0 || s.ErrorRate(t0) != 0 {
		t.Error("empty stats have a rate")
	}
	// 10 records per second in seconds 0..19; 2 of them errors from second 10 on.
	for sec := range 20 {
		for i := range 10 {
			status := 200
			if sec >= 10 && i < 2 {
				status = 500
			}
			s.Add(ending(time.Duration(sec)*time.Second+time.Duration(i)*50*time.Millisecond+time.Millisecond, status, "op"))
		}
	}
	tests := []struct {
		now       time.Duration
		rate, err float64
	}{
		{10 * time.Second, 10, 0},           // seconds 0..9
		{15 * time.Second, 10, 0.1},         // 0.5 of it from seconds 10..14
		{20 * time.Second, 10, 0.2},         // seconds 10..19
		{20500 * time.Millisecond, 10, 0.2}, // second 20, in progress, left out
		{25 * time.Second, 5, 0.2},          // seconds 15..24: only 15..19 had records
		{40 * time.Second, 0, 0},
		{-5 * time.Second, 0, 0},
	}
	for _, tt := range tests {
		now := t0.Add(tt.now)
		if r, e := s.Rate(now), s.ErrorRate(now); math.Abs(r-tt.rate) > 1e-9 || math.Abs(e-tt.err) > 1e-9 {
			t.Errorf("at +%v: rate %v error rate %v, want %v and %v", tt.now, r, e, tt.rate, tt.err)
		}
	}
	short := NewStats(0) // at least one second
	short.Add(ending(time.Second, 200, "op"), ending(time.Second+time.Millisecond, 404, "op"))
	if r, e := short.Rate(t0.Add(2*time.Second)), short.ErrorRate(t0.Add(2*time.Second)); r != 2 || e != 0.5 {
		t.Errorf("1s window: rate %v error rate %v", r, e)
	}
}

func TestStatsSeries(t *testing.T) {
	s := NewStats(10 * time.Second)
	for sec := range 5 {
		for range sec + 1 {
			s.Add(ending(time.Duration(sec)*time.Second+time.Millisecond, 200, "op"))
		}
		s.Add(ending(time.Duration(sec)*time.Second+time.Millisecond, 500, "op"))
	}
	now := t0.Add(4*time.Second + 300*time.Millisecond)
	if got := s.Series(Class2xx, now, 7); !slices.Equal(got, []uint64{0, 0, 1, 2, 3, 4, 5}) {
		t.Errorf("2xx series %v", got)
	}
	if got := s.Series(Class5xx, now, 3); !slices.Equal(got, []uint64{1, 1, 1}) {
		t.Errorf("5xx series %v", got)
	}
	if got := s.Series(Class4xx, now.Add(2*time.Second), 3); !slices.Equal(got, []uint64{0, 0, 0}) {
		t.Errorf("4xx series %v", got)
	}
	if s.Series(Class2xx, now, 0) != nil || len(s.Series(Class(99), now, 2)) != 2 {
		t.Error("degenerate Series")
	}
	// Ten minutes later the ring has been reused: old seconds read as 0, and
	// a record from before the ring counts but leaves the series alone.
	later := t0.Add(seriesSeconds * time.Second)
	s.Add(ending(seriesSeconds*time.Second+time.Millisecond, 200, "op"))
	s.Add(ending(time.Millisecond, 200, "op")) // same slot as second 0 of the ring, much older
	if got := s.Series(Class2xx, later, 2); !slices.Equal(got, []uint64{0, 1}) {
		t.Errorf("series after reuse %v", got)
	}
	if got := s.Series(Class2xx, later, seriesSeconds+3); got[0] != 0 || got[len(got)-1] != 1 {
		t.Errorf("long series ends %d..%d", got[0], got[len(got)-1])
	}
	if s.Total() != 22 {
		t.Errorf("total %d", s.Total())
	}
}

// exactQuantile is the value at rank q*(n-1) of sorted, DDSketch's definition.
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[int(q*float64(len(sorted)-1))]
}

func TestStatsQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	dists := map[string]func(i int) time.Duration{
		"uniform 1µs..100ms": func(i int) time.Duration { return time.Duration(i%100000+1) * time.Microsecond },
		"lognormal": func(int) time.Duration {
			return time.Duration(math.Exp(rng.NormFloat64()*1.2+math.Log(5e6))) + 1
		},
		"bimodal": func(i int) time.Duration {
			if i%10 == 0 {
				return 800*time.Millisecond + time.Duration(rng.IntN(1e8))
			}
			return 2*time.Millisecond + time.Duration(rng.IntN(1e6))
		},
	}
	for name, dist := range dists {
		s := NewStats(10 * time.Second)
		var vals []float64
		for i := range 200000 {
			d := dist(i)
			vals = append(vals, float64(d))
			s.Add(Record{Start: t0, Duration: d, Status: 200})
		}
		s.Add(Record{Start: t0, Duration: time.Hour}) // a transport error: not a latency
		slices.Sort(vals)
		for _, q := range []float64{0, 0.5, 0.9, 0.95, 0.99, 0.999, 1} {
			want := exactQuantile(vals, q)
			got := float64(s.Quantile(q))
			if rel := math.Abs(got-want) / want; rel > QuantileAccuracy {
				t.Errorf("%s: q%v = %v, exact %v (%.3f%% off)", name, q, time.Duration(got), time.Duration(want), 100*rel)
			}
		}
	}
}

func TestStatsQuantileEdges(t *testing.T) {
	s := NewStats(time.Second)
	if s.Quantile(0.5) != 0 {
		t.Error("empty stats have a quantile")
	}
	s.Add(Record{Status: 200, Duration: -time.Second}, Record{Status: 200, Duration: 10 * time.Millisecond})
	if s.Quantile(0) != 0 || s.Quantile(-1) != 0 || s.Quantile(math.NaN()) != 0 {
		t.Errorf("q0 = %v", s.Quantile(0))
	}
	if got := s.Quantile(2); math.Abs(float64(got-10*time.Millisecond)) > 0.01*1e7 {
		t.Errorf("q2 = %v", got)
	}
}

func TestStatsAddDoesNotAllocate(t *testing.T) {
	s := NewStats(10 * time.Second)
	r := ending(0, 200, "ListThings")
	for i := range 10000 { // warm up: the op map, the sketch's bins, every bucket slot
		r.Start = t0.Add(time.Duration(i) * 100 * time.Millisecond)
		r.Duration = time.Duration(1+i%1000) * time.Microsecond
		s.Add(r)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		r.Start = t0.Add(time.Duration(i) * 100 * time.Millisecond)
		r.Duration = time.Duration(1+i%1000) * time.Microsecond
		s.Add(r)
	})
	if allocs != 0 {
		t.Errorf("Stats.Add allocates %v times per record", allocs)
	}
}

func TestStatsFailing(t *testing.T) {
	s := NewStats(10 * time.Second)
	add := func(op, dev string, status, n int) {
		for range n {
			s.Add(Record{Operation: op, ProductKey: "pk", DeviceName: dev, Status: status})
		}
	}
	add("GetThingProperties", "a", 200, 5)
	add("GetThingProperties", "b", 500, 3)
	add("CallThingServices", "c", 403, 4)
	add("ListThings", "", 200, 2)
	ops := s.FailingOperations(5)
	if len(ops) != 2 || ops[0].Operation != "CallThingServices" || ops[0].Errors != 4 || ops[1].Errors != 3 {
		t.Fatalf("ops %+v", ops)
	}
	devs := s.FailingDevices(1)
	if len(devs) != 1 || devs[0].Device != "pk/c" || devs[0].Errors != 4 || devs[0].N != 4 {
		t.Fatalf("devices %+v", devs)
	}
}
