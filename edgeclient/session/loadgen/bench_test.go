package loadgen

import (
	"testing"

	"edgetop/model"
)

// BenchmarkFill measures the generator alone; one op is one record (in
// Feed's batches of 20: 20,000 records a second in 1 ms steps). It runs
// inside the process the CPU harness measures (ui/load_test.go), so it
// must stay near a microsecond a record.
//
//	go test ./edgeclient/session/loadgen -run '^$' -bench Fill -benchmem
func BenchmarkFill(b *testing.B) {
	g := New(1)
	batch := make([]model.Record, 20)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		g.Fill(batch[i : i+1])
		i = (i + 1) % len(batch)
	}
}
