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
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"edgetop/model"
)

var testMeta = Meta{
	Version: "0.1.0-test", Started: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
	Gateway: "https://127.0.0.1:9999", APIVersion: "2020-04-30", User: "admin",
	CAFile: "/etc/edgetop/ca.x509.pem", Simulated: true,
}

// readAll reads every record of the recording at path.
func readAll(t *testing.T, path string) ([]model.Record, *Reader) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []model.Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, r
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestRoundTrip: what the writer writes, the reader reads back equal; the
// first line is the meta line, every other line the record's JSON form
// (made safe for a terminal), and the file is the user's only.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	w, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	recs := genRecords(3000, 2)
	for i := 0; i < len(recs); i += 700 {
		if err := w.WriteBatch(recs[i:min(i+700, len(recs))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteBatch(nil); err != nil {
		t.Fatal(err)
	}
	if w.Path() != path {
		t.Errorf("Path() = %q, want %q", w.Path(), path)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteBatch(recs[:1]); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteBatch after Close: %v, want ErrClosed", err)
	}
	got, r := readAll(t, path)
	if len(got) != len(recs) {
		t.Fatalf("read %d records, wrote %d", len(got), len(recs))
	}
	for i := range recs {
		if !reflect.DeepEqual(got[i], recs[i]) {
			t.Fatalf("record %d changed:\n got %+v\nwant %+v", i, got[i], recs[i])
		}
	}
	want := testMeta
	want.Recording = FormatVersion
	if m, ok := r.Meta(); !ok || !reflect.DeepEqual(m, want) {
		t.Errorf("Meta() = %+v, %v; want %+v", m, ok, want)
	}
	if r.ProblemCount() != 0 {
		t.Errorf("problems in a clean recording: %v", r.Problems())
	}
	checkFileMode(t, path)
	checkLines(t, path, recs)
}

func checkFileMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
}

// checkLines checks the file line by line: the meta line, then each
// record as json.Marshal writes it with the terminal's runes escaped, and
// nothing raw that a terminal would act on.
func checkLines(t *testing.T, path string, recs []model.Record) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range string(data) {
		if r != '\n' && model.NeedsEscape(r) || r == utf8.RuneError {
			t.Fatalf("byte %d of the recording is %U, raw", i, r)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if !strings.HasPrefix(lines[0], `{"edgetop_recording":1,"version":"0.1.0-test","started":"2026-12-01T09:30:00Z",`) {
		t.Errorf("meta line: %s", lines[0])
	}
	if strings.Contains(lines[0], "password") {
		t.Errorf("the meta line names a password: %s", lines[0])
	}
	if len(lines) != len(recs)+1 {
		t.Fatalf("%d lines for %d records", len(lines), len(recs))
	}
	for i := range recs {
		b, _ := json.Marshal(&recs[i])
		if want := string(model.AppendSafeJSON(nil, b)); lines[i+1] != want {
			t.Fatalf("line %d:\n got %s\nwant %s", i+2, lines[i+1], want)
		}
	}
}

// TestCreate: an existing file is truncated and made 0600; a missing
// directory is a clear error.
func TestCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.jsonl")
	if err := os.WriteFile(path, bytes.Repeat([]byte("old\n"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkFileMode(t, path)
	if got, _ := readAll(t, path); len(got) != 0 {
		t.Errorf("the old content is still there: %d records", len(got))
	}
	_, err = Create(filepath.Join(dir, "missing", "s.jsonl"), testMeta)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Create in a missing directory: %v", err)
	}
}

// TestWriteErrorSticky: once a write fails (here a full disk), every
// later WriteBatch returns that error and writes nothing.
func TestWriteErrorSticky(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "s.jsonl"), testMeta)
	if err != nil {
		t.Fatal(err)
	}
	full := diskFull(t, w)
	recs := genRecords(10, 1)
	err1 := w.WriteBatch(recs)
	if !errors.Is(err1, syscall.ENOSPC) {
		t.Fatalf("WriteBatch on a full disk: %v", err1)
	}
	if err2 := w.WriteBatch(recs); err2 != err1 || w.Err() != err1 {
		t.Errorf("the error is not kept: %v, then %v, Err %v", err1, err2, w.Err())
	}
	_ = full
	if err := w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// diskFull makes w's file /dev/full, where every write fails with ENOSPC.
func diskFull(t *testing.T, w *Writer) *os.File {
	t.Helper()
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	w.mu.Lock()
	_ = w.f.Close()
	w.f = f
	w.mu.Unlock()
	return f
}

// TestReaderLongRecord: a record line longer than the read buffer (but
// within MaxLine) is read whole.
func TestReaderLongRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	w, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	recs := genRecords(3, 4)
	recs[1].ResponseBody.Preview = strings.Repeat("\"quoted\" \u202e", 50_000) // ~ 900 KB escaped
	if err := w.WriteBatch(recs); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	got, r := readAll(t, path)
	if !reflect.DeepEqual(got, recs) || r.ProblemCount() != 0 {
		t.Errorf("long record: %d records, problems %v", len(got), r.Problems())
	}
}
