package recording

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"edgetop/model"
)

var t0 = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// plant writes a fake recording of size bytes named for at, pid and part
// (1: no suffix), last written at mod.
func plant(t *testing.T, dir string, at time.Time, pid, part int, size int, mod time.Time) string {
	t.Helper()
	name := fmt.Sprintf("edgetop-%s-%d.jsonl", at.UTC().Format(nameTime), pid)
	if part > 1 {
		name = fmt.Sprintf("edgetop-%s-%d-%d.jsonl", at.UTC().Format(nameTime), pid, part)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	return name
}

// names is the files in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// strangers are files in the recordings directory that are not ours:
// rotation never deletes them, however old or large.
var strangers = []string{"notes.txt", "edgetop-keep.jsonl", "edgetop-20200101T000000Z-1.json", "edgetop-20200101T000000Z-x.jsonl"}

func plantStrangers(t *testing.T, dir string) {
	t.Helper()
	old := t0.Add(-365 * 24 * time.Hour)
	for _, n := range strangers {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, make([]byte, 4096), 0o600); err != nil {
			t.Fatal(err)
		}
		_ = os.Chtimes(p, old, old)
	}
}

func checkStrangers(t *testing.T, dir string) {
	t.Helper()
	have := names(t, dir)
	for _, n := range strangers {
		if !slices.Contains(have, n) {
			t.Errorf("rotation deleted %s, which is not a recording", n)
		}
	}
}

// TestAutoName: the default recording is named after the time (UTC) and
// the process, in a 0700 directory made on the way, with mode 0600.
func TestAutoName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "edgetop", "sessions")
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600))
	w, err := Auto(dir, testMeta, now, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	want := filepath.Join(dir, fmt.Sprintf("edgetop-20261201T093000Z-%d.jsonl", os.Getpid()))
	if w.Path() != want {
		t.Errorf("Path() = %s, want %s", w.Path(), want)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the directory: %v, %v", fi.Mode(), err)
	}
	checkFileMode(t, w.Path())
	// A second session of the process in the same second takes the next.
	w2, err := Auto(dir, testMeta, now, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if want := strings.Replace(want, "093000Z", "093001Z", 1); w2.Path() != want {
		t.Errorf("the second recording is %s, want %s", w2.Path(), want)
	}
}

// TestAutoMaxFiles: the oldest recordings go, so that with the new one
// the directory holds MaxFiles; the order is the names' time, then pid,
// then part.
func TestAutoMaxFiles(t *testing.T) {
	dir := t.TempDir()
	plantStrangers(t, dir)
	var planted []string
	for i := range 12 {
		planted = append(planted, plant(t, dir, t0.Add(time.Duration(i-20)*time.Hour), 100, 1, 10, t0))
	}
	// Two parts of one session, and a session of another process in the
	// same second: parts in order, pid breaks the tie.
	planted = slices.Insert(planted, 3,
		plant(t, dir, t0.Add(-18*time.Hour), 100, 2, 10, t0),
		plant(t, dir, t0.Add(-18*time.Hour), 100, 3, 10, t0),
		plant(t, dir, t0.Add(-17*time.Hour), 99, 1, 10, t0),
	)
	w, err := Auto(dir, testMeta, t0, Limits{MaxFiles: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	have := names(t, dir)
	for i, n := range planted {
		if kept := slices.Contains(have, n); kept != (i >= len(planted)-4) {
			t.Errorf("%s kept: %v (the 4 newest must stay)", n, kept)
		}
	}
	if len(have) != 5+len(strangers) {
		t.Errorf("%d files: %v", len(have), have)
	}
	checkStrangers(t, dir)
}

// TestAutoMaxTotal: the oldest go until the others and one full file fit
// in MaxTotal.
func TestAutoMaxTotal(t *testing.T) {
	dir := t.TempDir()
	plantStrangers(t, dir)
	var planted []string
	for i := range 10 {
		planted = append(planted, plant(t, dir, t0.Add(time.Duration(i-20)*time.Minute), 7, 1, 1000, t0))
	}
	w, err := Auto(dir, testMeta, t0, Limits{MaxTotal: 5000, MaxFile: 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	have := names(t, dir)
	for i, n := range planted {
		if kept := slices.Contains(have, n); kept != (i >= 7) {
			t.Errorf("%s kept: %v (3 files of 1000 and one of 2000 fit in 5000)", n, kept)
		}
	}
	checkStrangers(t, dir)
}

// TestAutoMaxAge: recordings last written more than MaxAge ago go, even
// with room to spare; younger ones stay.
func TestAutoMaxAge(t *testing.T) {
	dir := t.TempDir()
	plantStrangers(t, dir)
	old := plant(t, dir, t0.Add(-30*24*time.Hour), 1, 1, 10, t0.Add(-15*24*time.Hour))
	// Started long ago, but written to lately: kept.
	longSession := plant(t, dir, t0.Add(-30*24*time.Hour), 2, 1, 10, t0.Add(-13*24*time.Hour))
	young := plant(t, dir, t0.Add(-time.Hour), 3, 1, 10, t0.Add(-time.Hour))
	custom := plant(t, dir, t0.Add(-3*time.Hour), 4, 1, 10, t0.Add(-3*time.Hour))
	w, err := Auto(dir, testMeta, t0, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	have := names(t, dir)
	for n, want := range map[string]bool{old: false, longSession: true, young: true, custom: true} {
		if slices.Contains(have, n) != want {
			t.Errorf("%s kept: %v, want %v", n, !want, want)
		}
	}
	w, err = Auto(dir, testMeta, t0, Limits{MaxAge: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	if have := names(t, dir); slices.Contains(have, custom) || !slices.Contains(have, young) {
		t.Errorf("MaxAge 2h: %v", have)
	}
	checkStrangers(t, dir)
}

// TestAutoMaxFile: a session goes on in -2, -3, ... parts once a file is
// full, no file ever over MaxFile, each part a recording of its own with
// its meta line, the directory within MaxTotal all along: the session's
// own first parts go when needed, and the records kept are the newest, in
// order, none lost from the parts that remain.
func TestAutoMaxFile(t *testing.T) {
	dir := t.TempDir()
	plantStrangers(t, dir)
	lim := Limits{MaxFile: 64 << 10, MaxTotal: 200 << 10}
	w, err := Auto(dir, testMeta, t0, lim)
	if err != nil {
		t.Fatal(err)
	}
	recs := genRecords(1500, 9)
	for i := 0; i < len(recs); i += 25 {
		if err := w.WriteBatch(recs[i : i+25]); err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, f := range mustList(t, dir) {
			if f.size > lim.MaxFile {
				t.Fatalf("%s holds %d bytes, over MaxFile %d", f.name, f.size, lim.MaxFile)
			}
			total += f.size
		}
		if _, err := os.Stat(filepath.Join(dir, strangers[0])); err != nil {
			t.Fatal("a stranger was deleted")
		}
		if total > lim.MaxTotal {
			t.Fatalf("the directory holds %d bytes of recordings, over MaxTotal %d", total, lim.MaxTotal)
		}
	}
	last := w.Path()
	_ = w.Close()
	files := mustList(t, dir)
	if len(files) < 3 || files[0].part == 1 {
		t.Fatalf("expected the first parts deleted and at least 3 left: %+v", files)
	}
	if filepath.Join(dir, files[len(files)-1].name) != last {
		t.Errorf("the current part %s is not the newest file", last)
	}
	var got []model.Record
	for _, f := range files {
		rs, r := readAll(t, filepath.Join(dir, f.name))
		if m, ok := r.Meta(); !ok || m.Part != f.part || m.Gateway != testMeta.Gateway {
			t.Errorf("%s: meta %+v, %v", f.name, m, ok)
		}
		if r.ProblemCount() != 0 {
			t.Errorf("%s: %v", f.name, r.Problems())
		}
		got = append(got, rs...)
	}
	tail := recs[len(recs)-len(got):]
	for i := range got {
		if got[i].ID != tail[i].ID {
			t.Fatalf("the records kept are not the newest in order: %d is ID %d, want %d", i, got[i].ID, tail[i].ID)
		}
	}
}

// TestAutoHugeRecord: a record larger than a whole file is written alone
// in its part, and the session goes on.
func TestAutoHugeRecord(t *testing.T) {
	dir := t.TempDir()
	w, err := Auto(dir, testMeta, t0, Limits{MaxFile: 8 << 10, MaxTotal: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	recs := genRecords(4, 3)
	recs[2].ResponseBody.Preview = strings.Repeat("x", 20<<10)
	if err := w.WriteBatch(recs); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	var ids [][]uint64
	for _, f := range mustList(t, dir) {
		rs, _ := readAll(t, filepath.Join(dir, f.name))
		var part []uint64
		for _, r := range rs {
			part = append(part, r.ID)
		}
		ids = append(ids, part)
	}
	if fmt.Sprint(ids) != "[[1 2] [3] [4]]" {
		t.Errorf("records per part: %v, want [[1 2] [3] [4]]", ids)
	}
}

func mustList(t *testing.T, dir string) []recFile {
	t.Helper()
	fs, err := listRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestLast: the newest recording, by the time in its name, then process,
// then part; a clear error when there is none.
func TestLast(t *testing.T) {
	dir := t.TempDir()
	if _, err := Last(dir); err == nil || !strings.Contains(err.Error(), "no recording in") {
		t.Errorf("Last of an empty directory: %v", err)
	}
	if _, err := Last(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Last of a missing directory: %v", err)
	}
	plantStrangers(t, dir)
	plant(t, dir, t0.Add(-time.Hour), 9, 1, 10, t0)
	plant(t, dir, t0, 5, 1, 10, t0.Add(-48*time.Hour))
	want := plant(t, dir, t0, 5, 10, 10, t0.Add(-48*time.Hour))
	plant(t, dir, t0, 5, 9, 10, t0)
	got, err := Last(dir)
	if err != nil || got != filepath.Join(dir, want) {
		t.Errorf("Last = %s, %v; want %s", got, err, want)
	}
}

// TestDefaultDir: XDG_STATE_HOME when set and absolute, else
// ~/.local/state.
func TestDefaultDir(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}, "/x/state/edgetop/sessions"},
		{map[string]string{"XDG_STATE_HOME": "rel/state", "HOME": "/home/u"}, "/home/u/.local/state/edgetop/sessions"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.local/state/edgetop/sessions"},
		{map[string]string{}, ""},
	} {
		got, err := DefaultDir(func(k string) string { return c.env[k] })
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("DefaultDir(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
}
