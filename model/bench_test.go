package model

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// benchRecords is a realistic mix of records: devices, operations, statuses,
// headers and bodies, about the size the client produces.
func benchRecords(n int) []Record {
	ops := []string{"ListThings", "GetThingProperties", "SetThingProperties", "CallThingServices", "BulkActions"}
	statuses := []int{200, 200, 200, 200, 200, 200, 201, 302, 400, 401, 403, 404, 421, 500, 503, 0}
	out := make([]Record, n)
	for i := range out {
		st := statuses[i%len(statuses)]
		out[i] = Record{
			ID: uint64(i + 1), Start: t0.Add(time.Duration(i) * 50 * time.Microsecond),
			Duration: time.Duration(1+i%5000) * 10 * time.Microsecond,
			Gateway:  "https://127.0.0.1:9999", APIVersion: "2020-04-30", Operation: ops[i%len(ops)],
			Method: "POST", Path: "/2020-04-30/things/a1pk/dev-" + strconv.Itoa(i%40) + "/properties",
			ProductKey: "a1pk", DeviceName: "dev-" + strconv.Itoa(i%40), Status: st, Attempt: 1,
			RequestHeaders: []Header{{Name: "Cookie", Value: "token=ab******"}},
			ResponseBody:   Body{ContentType: "application/json", Preview: `{"Data":{}}`, Size: 11},
		}
		if st >= 400 {
			out[i].APICode, out[i].APIMessage = "InvalidParameter", "bad value"
		}
		if st == 0 {
			out[i].Err = &TransportError{Kind: ErrTimeout, Text: "i/o timeout"}
		}
	}
	return out
}

// BenchmarkAppend measures appending one record to a full Log and to Stats,
// as the UI does for every record of a batch (target: under 500 ns, i.e. at
// least 2 million per second on one core).
func BenchmarkAppend(b *testing.B) {
	rs := benchRecords(4096)
	l, s := NewLog(100000), NewStats(10*time.Second)
	for i := range 100000 {
		r := rs[i%len(rs)]
		r.Start = r.Start.Add(time.Duration(i/len(rs)) * 200 * time.Millisecond)
		l.Append(r)
		s.Add(r)
	}
	v := l.View(Filter{Classes: ClassSet(0).With(Class4xx).With(Class5xx)}) // one live filtered view
	_ = v.Len()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := &rs[i&4095]
		l.Append(*r)
		s.Add(*r)
	}
	_ = v.Len()
}

// BenchmarkAppendBatch is the same in batches of 100, as a frame delivers them.
func BenchmarkAppendBatch(b *testing.B) {
	rs := benchRecords(4096)
	l, s := NewLog(100000), NewStats(10*time.Second)
	l.Append(benchRecords(100000)...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		batch := rs[(i%40)*100 : (i%40)*100+100]
		l.Append(batch...)
		s.Add(batch...)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/record")
}

// BenchmarkViewPage measures reading one screen page (50 rows) of a filtered
// view of a full ring (100,000 records) while records keep arriving.
func BenchmarkViewPage(b *testing.B) {
	for _, tc := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{}},
		{"errors", Filter{Classes: ClassSet(0).With(Class4xx).With(Class5xx).With(ClassNet)}},
		{"text", Filter{Query: mustQuery(b, "dev-7/")}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			l := NewLog(100000)
			l.Append(benchRecords(100000)...)
			v := l.View(tc.f)
			v.Scan(-1)
			more := benchRecords(1000)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				l.Append(more[i%1000]) // one new record per page read keeps the view catching up
				n := v.Len()
				var sum uint64
				for row := max(n-50, 0); row < n; row++ {
					sum += uint64(v.At(row).Status)
				}
				_ = sum
			}
		})
	}
}

// BenchmarkFirstView measures creating a filtered view over a full ring and
// scanning all of it at once: 100,000 records through a text query.
func BenchmarkFirstView(b *testing.B) {
	l := NewLog(100000)
	l.Append(benchRecords(100000)...)
	q := mustQuery(b, "zzz")
	b.ReportAllocs()
	for b.Loop() {
		v := l.View(Filter{Codes: []int{500}, Query: q})
		v.Scan(-1)
		_ = v.Len()
		v.Close()
	}
}

// BenchmarkStatsRead measures what the header reads each frame.
func BenchmarkStatsRead(b *testing.B) {
	s := NewStats(10 * time.Second)
	s.Add(benchRecords(100000)...)
	now := t0.Add(5 * time.Second)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Rate(now)
		_ = s.ErrorRate(now)
		_ = s.Quantile(0.5)
		_ = s.Quantile(0.95)
		_ = s.Quantile(0.99)
		_ = s.Series(Class2xx, now, 60)
	}
}

// variedRecords is a full ring's worth of records that differ the way a
// busy session's do: five operations, a hundred devices, statuses of every
// class (86% 2xx, 2% 3xx, 6% 4xx, 5% 5xx, 1% transport errors) and their
// messages, in random order. Each of firstPageQueries matches about 1%.
func variedRecords(n int) []Record {
	rng := rand.New(rand.NewPCG(3, 5))
	ops := []string{"ListThings", "GetThingProperties", "SetThingProperties", "CallThingServices", "BulkActions.Watch"}
	kinds := []string{"Light", "Fan", "Door", "Meter"}
	pks := []string{"a1pk", "b2pk", "c3pk", "d4pk"}
	msg4 := []string{"bad value", "device not found", "too many connections", "invalid parameter: Brightness", "auth cookie expired", "unknown property"}
	msg5 := []string{"internal error", "service busy", "device offline", "gateway overloaded", "timeout calling device"}
	out := make([]Record, n)
	for i := range out {
		d := rng.IntN(100)
		pk, dn := pks[d/25], kinds[d%4]+strconv.Itoa(d)
		r := Record{
			ID: uint64(i + 1), Start: t0.Add(time.Duration(i) * 50 * time.Microsecond),
			Duration: time.Duration(1+rng.IntN(5000)) * 10 * time.Microsecond, Gateway: "https://127.0.0.1:9999",
			APIVersion: "2020-04-30", Operation: ops[rng.IntN(len(ops))], Method: "POST",
			Path: "/2020-04-30/things/" + pk + "/" + dn + "/properties", ProductKey: pk, DeviceName: dn, Attempt: 1,
		}
		switch p := rng.IntN(100); {
		case p < 86:
			r.Status = 200
		case p < 88:
			r.Status = 302
		case p < 94:
			r.Status = []int{400, 401, 403, 404, 421}[rng.IntN(5)]
			r.APICode, r.APIMessage = "InvalidParameter", msg4[rng.IntN(len(msg4))]
		case p < 99:
			r.Status = []int{500, 503}[rng.IntN(2)]
			r.APICode, r.APIMessage = "InternalError", msg5[rng.IntN(len(msg5))]
		default:
			r.Err = &TransportError{Kind: ErrTimeout, Text: "i/o timeout"}
		}
		out[i] = r
	}
	return out
}

// firstPageQueries are the filters the first-page benchmarks time, each
// matching about 1% of variedRecords: a class, a field query, free text, a
// regex with literals (tried before the regex runs) and one without.
func firstPageQueries(tb testing.TB) []struct {
	name string
	f    Filter
} {
	return []struct {
		name string
		f    Filter
	}{
		{"class", Filter{Classes: ClassSet(0).With(ClassNet)}},
		{"field", Filter{Query: mustQuery(tb, "op:SetThingProperties and 5xx")}},
		{"text", Filter{Query: mustQuery(tb, `"device offline"`)}},
		{"regex", Filter{Query: mustQuery(tb, "/offline|unreachable/")}},
		{"regex-noliteral", Filter{Query: mustQuery(tb, "/^(door|fan)42$/")}},
	}
}

// BenchmarkFilterFirstPage measures what a new filter costs before its
// first screen shows: over a full ring of 100,000 varied records where
// about 1% match, create the view and get its newest page of 50 rows
// (target: well under 2 ms).
func BenchmarkFilterFirstPage(b *testing.B) {
	l := NewLog(100_000)
	l.Append(variedRecords(100_000)...)
	for _, tc := range firstPageQueries(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportMetric(matchShare(l, tc.f), "%match")
			b.ReportAllocs()
			for b.Loop() {
				v := l.View(tc.f)
				v.Tail(50, -1)
				var sum int
				for i := max(v.Len()-50, 0); i < v.Len(); i++ {
					sum += v.At(i).Status
				}
				_ = sum
				v.Close()
			}
		})
	}
}

// BenchmarkFilterScanSlice measures the rest of a new filter's work: the
// older records examined a slice of 4096 at a time, as the UI drives it
// after the first page (ns/op is one slice; ns/record sizes the slice to
// a frame's budget). A view that completes is closed and made again.
func BenchmarkFilterScanSlice(b *testing.B) {
	const slice = 4096
	l := NewLog(100_000)
	l.Append(variedRecords(100_000)...)
	for _, tc := range firstPageQueries(b) {
		b.Run(tc.name, func(b *testing.B) {
			v := l.View(tc.f)
			b.ReportAllocs()
			for b.Loop() {
				if v.Scan(slice) {
					v.Close()
					v = l.View(tc.f)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*slice), "ns/record")
		})
	}
}

// matchShare is the percentage of the records held that f matches.
func matchShare(l *Log, f Filter) float64 {
	n := 0
	for i := range l.Len() {
		if f.Match(l.At(i)) {
			n++
		}
	}
	return 100 * float64(n) / float64(l.Len())
}

// BenchmarkFindError measures the longest jump to an error (N in the
// dashboard): back from the newest record over a full ring holding none,
// for the whole log and for a filter matching every record, with no
// budget and with the 2,000,000 records the list gives one press (the
// UI's budget is 50 ms a step, even at 10M: EDGETOP_BENCH_10M=1).
func BenchmarkFindError(b *testing.B) {
	for _, n := range bigSizes() {
		l := fullLog(n, true)
		for _, tc := range []struct {
			name string
			v    *View
		}{{"all", l.View(Filter{})}, {"filtered", l.View(Filter{Query: mustQuery(b, "2xx")})}} {
			tc.v.Scan(-1)
			for _, budget := range []int{-1, 2_000_000} {
				b.Run(fmt.Sprintf("%s/budget=%d/records=%d", tc.name, budget, n), func(b *testing.B) {
					for b.Loop() {
						if i, _ := tc.v.FindError(tc.v.Len()-1, -1, budget); i != -1 {
							b.Fatal("found an error where there is none")
						}
					}
				})
			}
		}
	}
}

// BenchmarkSnapshot measures taking an export's snapshot of a whole ring
// on the UI loop: at once, and as the UI takes it, 500,000 records a
// tick (EDGETOP_BENCH_10M=1 adds 10M).
func BenchmarkSnapshot(b *testing.B) {
	for _, n := range bigSizes() {
		l := fullLog(n, false)
		b.Run(fmt.Sprintf("whole/records=%d", n), func(b *testing.B) {
			for b.Loop() {
				l.View(Filter{}).Snapshot(-1).Release()
			}
		})
		// What the UI does in a tick: start, or take the next slice.
		b.Run(fmt.Sprintf("first-step/records=%d", n), func(b *testing.B) {
			for b.Loop() {
				sb := l.View(Filter{}).SnapshotSteps(-1)
				sb.Step(500_000)
				sb.Snapshot().Release()
			}
		})
		b.Run(fmt.Sprintf("step/records=%d", n), func(b *testing.B) {
			sb := l.View(Filter{}).SnapshotSteps(-1)
			defer sb.Snapshot().Release()
			for b.Loop() {
				if sb.Step(500_000) {
					b.StopTimer()
					sb.Snapshot().Release()
					sb = l.View(Filter{}).SnapshotSteps(-1)
					b.StartTimer()
				}
			}
		})
	}
}

// bigSizes is 1M, and 10M with EDGETOP_BENCH_10M=1.
func bigSizes() []int {
	if os.Getenv("EDGETOP_BENCH_10M") == "1" {
		return []int{1_000_000, 10_000_000}
	}
	return []int{1_000_000}
}

// fullLog is a full ring of n benchRecords (all 200s when ok).
func fullLog(n int, ok bool) *Log {
	l := NewLog(n)
	batch := benchRecords(4096)
	for i := range batch {
		if ok {
			batch[i].Status, batch[i].Err = 200, nil
		}
	}
	for l.Len() < n {
		l.Append(batch[:min(len(batch), n-l.Len())]...)
	}
	return l
}
