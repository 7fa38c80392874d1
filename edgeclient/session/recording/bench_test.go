package recording

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// writeRecording writes n varied records to a new recording in dir, in
// batches as the engine sends them, and returns its path.
func writeRecording(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "bench.jsonl")
	w, err := Create(path, Meta{Version: "test", Gateway: "https://127.0.0.1:9999"})
	if err != nil {
		tb.Fatal(err)
	}
	pool := genRecords(10_000, 11)
	batch := make([]model.Record, 0, 1000)
	for i := range n {
		r := pool[i%len(pool)]
		r.ID = uint64(i + 1)
		r.Start = r.Start.Add(time.Duration(i/len(pool)) * time.Hour)
		batch = append(batch, r)
		if len(batch) == cap(batch) || i == n-1 {
			if err := w.WriteBatch(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkReaderNext reads realistic records (headers, JSON body
// previews, retries, errors, text outside ASCII: about 1.5 KB a line)
// from a recording in memory.
func BenchmarkReaderNext(b *testing.B) {
	path := writeRecording(b, b.TempDir(), 20_000)
	r, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(r.br)
	if err != nil {
		b.Fatal(err)
	}
	r.Close()
	b.SetBytes(int64(len(data)) / 20_000)
	b.ReportAllocs()
	rd := NewReader(bytes.NewReader(data))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := rd.Next(); err == io.EOF {
			if err := rd.Rewind(); err != nil {
				b.Fatal(err)
			}
			i--
		} else if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if rd.ProblemCount() != 0 {
		b.Fatal(rd.Problems())
	}
}

// BenchmarkUnmarshalRecord is encoding/json on the same lines, for scale.
func BenchmarkUnmarshalRecord(b *testing.B) {
	recs := genRecords(1000, 1)
	var lines [][]byte
	for i := range recs {
		l, _ := json.Marshal(&recs[i])
		lines = append(lines, l)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var r model.Record
		if err := json.Unmarshal(lines[i%len(lines)], &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkWriteBatch encodes and writes batches of 1,000 records.
func BenchmarkWriteBatch(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "w.jsonl"), Meta{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	recs := genRecords(1000, 5)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := w.WriteBatch(recs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkReplaySpeed0 replays a recording of 1,000,000 varied records
// at speed 0 through a Player, the events drained as a face would take
// them: the figure to hold against 200,000 records a second. One
// iteration is the whole recording (-benchtime 1x is enough).
func BenchmarkReplaySpeed0(b *testing.B) {
	const n = 1_000_000
	path := writeRecording(b, b.TempDir(), n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		p := NewPlayer(r, PlayerOptions{})
		p.Start()
		got := 0
		for ev := range p.Events() {
			if ev.Kind == session.EventRecords {
				got += len(ev.Records)
			}
		}
		if got != n {
			b.Fatalf("%d records replayed, want %d", got, n)
		}
		_ = p.Stop(context.Background())
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "records/s")
}
