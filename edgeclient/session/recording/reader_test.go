package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"edgetop/model"
)

// recordLine is r's line as the writer writes it, without the newline.
func recordLine(t testing.TB, r model.Record) string {
	t.Helper()
	b, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	return string(model.AppendSafeJSON(nil, b))
}

// TestReaderDamage: damaged lines anywhere are skipped and noted with
// their line numbers, and reading goes on; a last line without a newline
// is read when whole.
func TestReaderDamage(t *testing.T) {
	recs := genRecords(8, 5)
	meta, _ := encodeMeta(testMeta)
	long := `{"id":1,"start":"2026-12-01T09:30:00Z","path":"` + strings.Repeat("a", MaxLine) + `"}`
	lines := []string{
		strings.TrimSuffix(string(meta), "\n"), // 1
		recordLine(t, recs[0]),                 // 2
		`{"id":2,"start":"2026-12-01T09:30:`,   // 3: truncated
		recordLine(t, recs[1]),                 // 4
		"\x00\xff\xfe\x1b[2J garbage",          // 5: binary
		recordLine(t, recs[2]),                 // 6
		long,                                   // 7: too long
		recordLine(t, recs[3]) + "\r",          // 8: CRLF is fine
		"",                                     // 9: blank
		recordLine(t, recs[4]),                 // 10
		`{"id":7,"status":200}`,                // 11: no start
		`null`,                                 // 12
		`[1,2]`,                                // 13
		`{"id":"x","start":"2026-12-01T09:30:00Z"}`, // 14: wrong type
		strings.TrimSuffix(string(meta), "\n"),      // 15: a meta line of an appended file: skipped, fine
		recordLine(t, recs[5]),                      // 16
		recordLine(t, recs[6]),                      // 17
		recordLine(t, recs[7]),                      // 18: no newline after it
	}
	data := strings.Join(lines, "\n")
	r := NewReader(strings.NewReader(data))
	got := readRecords(t, r)
	if !reflect.DeepEqual(got, recs) {
		t.Fatalf("records read: %d, want all 8 in order", len(got))
	}
	if _, ok := r.Meta(); !ok {
		t.Error("no meta")
	}
	wantLines := []int{3, 5, 7, 9, 11, 12, 13, 14}
	var gotLines []int
	for _, p := range r.Problems() {
		gotLines = append(gotLines, p.Line)
	}
	if !reflect.DeepEqual(gotLines, wantLines) || r.ProblemCount() != len(wantLines) {
		t.Errorf("problems at lines %v (count %d), want %v: %v", gotLines, r.ProblemCount(), wantLines, r.Problems())
	}
	checkProblemKinds(t, r.Problems())
	if s := r.Problems()[0].Error(); s != "line 3: unexpected end of JSON input" {
		t.Errorf("a truncated line reads %q", s)
	}

	// The same with the last line cut short (the kill -9 case): a problem.
	r = NewReader(strings.NewReader(data[:len(data)-10]))
	got = readRecords(t, r)
	if len(got) != 7 || r.Problems()[r.ProblemCount()-1].Line != 18 {
		t.Errorf("cut last line: %d records, problems %v", len(got), r.Problems())
	}
}

// checkProblemKinds checks why TestReaderDamage's lines were skipped.
func checkProblemKinds(t *testing.T, problems []LineError) {
	t.Helper()
	want := map[int]error{7: errTooLong, 9: errBlank, 11: errNoStart, 12: errNotRecord}
	for _, p := range problems {
		if w, ok := want[p.Line]; ok && !errors.Is(p, w) {
			t.Errorf("line %d: %v, want %v", p.Line, p.Err, w)
		}
	}
}

func readRecords(t *testing.T, r *Reader) []model.Record {
	t.Helper()
	var out []model.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestReaderNoMeta: a file of records only (an export, a file cut out of
// another) is read, with no meta.
func TestReaderNoMeta(t *testing.T) {
	recs := genRecords(5, 6)
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(recordLine(t, r) + "\n")
	}
	r := NewReader(strings.NewReader(b.String()))
	if got := readRecords(t, r); !reflect.DeepEqual(got, recs) {
		t.Errorf("read %d records, want 5", len(got))
	}
	if _, ok := r.Meta(); ok || r.ProblemCount() != 0 {
		t.Errorf("meta %v, problems %v", ok, r.Problems())
	}
}

// TestReaderProblemsBounded: the first 100 problems are kept, all are
// counted; after a Rewind none is noted twice.
func TestReaderProblemsBounded(t *testing.T) {
	var b bytes.Buffer
	for range 150 {
		b.WriteString("{bad\n")
	}
	b.WriteString(recordLine(t, genRecords(1, 1)[0]) + "\n")
	r := NewReader(bytes.NewReader(b.Bytes()))
	if got := readRecords(t, r); len(got) != 1 {
		t.Fatalf("%d records", len(got))
	}
	if len(r.Problems()) != 100 || r.ProblemCount() != 150 || r.Problems()[99].Line != 100 {
		t.Errorf("kept %d, counted %d", len(r.Problems()), r.ProblemCount())
	}
	if err := r.Rewind(); err != nil {
		t.Fatal(err)
	}
	if got := readRecords(t, r); len(got) != 1 || r.ProblemCount() != 150 {
		t.Errorf("after Rewind: %d records, %d problems", len(got), r.ProblemCount())
	}
	if err := NewReader(io.MultiReader(&b)).Rewind(); err == nil {
		t.Error("a stream rewound")
	}
}

// TestOpenMissing: a missing file is a clear error.
func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none.jsonl"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "opening the recording") {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// TestMetaKnownAtOpen: the meta line is known before the first record is
// read (the faces take the session's TLS settings from it at start).
func TestMetaKnownAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := Create(path, Meta{Gateway: "https://gw:9999", User: "admin", CAFile: "/ca.pem", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBatch([]model.Record{{ID: 1, Start: time.Unix(1, 0)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, ok := r.Meta()
	if !ok || m.User != "admin" || m.CAFile != "/ca.pem" || !m.Insecure {
		t.Fatalf("meta at open: %+v %v", m, ok)
	}
	if rec, err := r.Next(); err != nil || rec.ID != 1 {
		t.Fatalf("first record: %+v %v", rec, err)
	}
}
