package recording

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// livePIDs are the made-up process IDs the tests' file names say are
// running; the others are not.
var livePIDs = map[int]bool{}

func init() { isAlive = func(pid int) bool { return livePIDs[pid] } }

// TestSweepSparesALiveSession: another session's file is never deleted
// while that session runs, whatever the bounds say.
func TestSweepSparesALiveSession(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	live := "edgetop-20261101T093000Z-4242.jsonl" // old and over every bound
	dead := "edgetop-20261101T093000Z-4343.jsonl"
	for _, n := range []string{live, dead} {
		if err := os.WriteFile(filepath.Join(dir, n), make([]byte, 5000), 0o600); err != nil {
			t.Fatal(err)
		}
		old := now.Add(-30 * 24 * time.Hour)
		_ = os.Chtimes(filepath.Join(dir, n), old, old)
	}
	livePIDs[4242] = true
	defer delete(livePIDs, 4242)
	if err := sweep(dir, Limits{MaxFiles: 1, MaxTotal: 1000, MaxFile: 500}.withDefaults(), now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, live)); err != nil {
		t.Fatalf("the live session's recording went: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, dead)); err == nil {
		t.Fatal("the ended session's old recording stayed")
	}
	if !processAlive(os.Getpid()) || processAlive(-1) {
		t.Fatal("processAlive is wrong about this process")
	}
}
