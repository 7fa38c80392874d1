package plain

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/model/har"
	"edgetop/ui/uitest"
)

// replayLines replays src in plain mode and returns the exchange lines.
func replayLines(t *testing.T, src recording.RecordSource) []string {
	t.Helper()
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.Replay = true
	p := recording.NewPlayer(src, recording.PlayerOptions{Speed: 0})
	if err := Run(context.Background(), p, o); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if !strings.Contains(l, "──") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestReplayOneLinePerRecordedExchange: a recording, damaged lines and
// all, replays as exactly one line per exchange it holds, in order.
func TestReplayOneLinePerRecordedExchange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := recording.Create(path, recording.Meta{Gateway: "https://127.0.0.1:9999"})
	if err != nil {
		t.Fatal(err)
	}
	recs := append(uitest.SampleRecords(), uitest.ManyRecords(100, 500)...)
	if err := w.WriteBatch(recs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("{\"id\":9999,\"start\":\"2026-\n") // a truncated last line
	_ = f.Close()
	r, err := recording.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := replayLines(t, r)
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d recorded exchanges", len(lines), len(recs))
	}
	for i := range recs {
		if !strings.Contains(lines[i], recs[i].Operation) {
			t.Fatalf("line %d is not #%d: %q", i+1, recs[i].ID, lines[i])
		}
	}
	if ps := r.Problems(); len(ps) != 1 || ps[0].Line != len(recs)+2 {
		t.Fatalf("problems %v, want the truncated line %d", ps, len(recs)+2)
	}
}

// TestHARReadBackByReplay: an exported HAR replays as the exchanges it
// was written from.
func TestHARReadBackByReplay(t *testing.T) {
	recs := uitest.SampleRecords()
	var buf bytes.Buffer
	if err := har.Write(&buf, model.Slice(recs), har.Creator{Name: "edgetop", Version: "test"}); err != nil {
		t.Fatal(err)
	}
	back, err := har.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	lines := replayLines(t, recording.SliceSource(back))
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d exchanges", len(lines), len(recs))
	}
	cat, _ := uitest.Catalogs(t)
	noColor := newPrinter(Options{Out: &bytes.Buffer{}, Catalog: cat}).t
	for i := range recs {
		want := Line(&recs[i], cat, noColor)
		if lines[i] != want {
			t.Fatalf("line %d:\n got %q\nwant %q", i+1, lines[i], want)
		}
	}
}
