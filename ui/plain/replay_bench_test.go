package plain

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/ui/uitest"
)

// benchRecording writes a recording of n exchanges: the sample records
// (one of each kind the dashboard explains) over and over, with their own
// IDs and times.
func benchRecording(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.jsonl")
	w, err := recording.Create(path, recording.Meta{Gateway: "https://127.0.0.1:9999", APIVersion: "2020-04-30"})
	if err != nil {
		b.Fatal(err)
	}
	sample := uitest.SampleRecords()
	batch := make([]model.Record, 0, 1000)
	for i := range n {
		r := sample[i%len(sample)]
		r.ID, r.Start = uint64(i+1), uitest.T0.Add(time.Duration(i)*time.Millisecond)
		batch = append(batch, r)
		if len(batch) == cap(batch) || i == n-1 {
			if err := w.WriteBatch(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReplayPlain replays a recording at --speed 0 in plain mode to a
// file, as `edgetop replay FILE --speed 0 > out` does, and reports lines/s
// (the target: 200,000). EDGETOP_BENCH_RECORDS sets the size (default
// 200,000; the figure in BENCHMARKS.md is for 1,000,000).
func BenchmarkReplayPlain(b *testing.B) {
	n := 200_000
	if s := os.Getenv("EDGETOP_BENCH_RECORDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	path := benchRecording(b, n)
	cat, _ := uitest.Catalogs(b)
	out, err := os.Create(filepath.Join(b.TempDir(), "out.txt"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		r, err := recording.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		p := recording.NewPlayer(r, recording.PlayerOptions{Speed: 0})
		if err := Run(context.Background(), p, Options{Out: out, Catalog: cat, Replay: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "lines/s")
}
