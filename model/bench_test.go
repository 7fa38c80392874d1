package model

import (
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
		{"text", Filter{Text: "dev-7/"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			l := NewLog(100000)
			l.Append(benchRecords(100000)...)
			v := l.View(tc.f)
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

// BenchmarkFirstView measures creating a filtered view over a full ring: the
// one scan of 100,000 records.
func BenchmarkFirstView(b *testing.B) {
	l := NewLog(100000)
	l.Append(benchRecords(100000)...)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v := l.View(Filter{Codes: []int{500}, Text: strconv.Itoa(i)})
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
