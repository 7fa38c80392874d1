package recording

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// helperEnv names the recording TestHelperRecorder writes to: set only in
// the child TestKill9 starts.
const helperEnv = "EDGETOP_RECORDING_HELPER"

// TestHelperRecorder is the child of TestKill9: it records batches until
// it is killed, printing "flushed N" once WriteBatch has returned for the
// first N records.
func TestHelperRecorder(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("the child of TestKill9")
	}
	w, err := Create(path, testMeta)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	pool := genRecords(5000, 8)
	for n, i := 0, 0; ; i++ {
		batch := pool[(i*97)%4000 : (i*97)%4000+1+i%200]
		for j := range batch {
			batch[j].ID = uint64(n + j + 1)
		}
		if err := w.WriteBatch(batch); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		n += len(batch)
		fmt.Printf("flushed %d\n", n)
	}
}

// TestKill9: a recorder killed with SIGKILL in the middle of its work
// loses nothing of a batch WriteBatch returned from: every record reported
// flushed is read back, in order, and at most the last line, cut by the
// kill, is a problem.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	path := filepath.Join(t.TempDir(), "killed.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRecorder$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Every line is read, before and after the kill: the child, never
	// blocked on its output, is killed at any point of its work, and
	// every line it printed before it died counts.
	sc := bufio.NewScanner(out)
	flushed := 0
	for i := 0; sc.Scan(); i++ {
		line := sc.Text()
		n, err := strconv.Atoi(strings.TrimPrefix(line, "flushed "))
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("the child says %q", line)
		}
		flushed = n
		if i == 200 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = cmd.Wait()
	if flushed == 0 {
		t.Fatal("the child flushed nothing")
	}
	n, r := readKilled(t, path)
	if n < flushed {
		t.Errorf("read %d records, %d were reported flushed", n, flushed)
	}
	t.Logf("%d records flushed when killed, %d read, problems %v", flushed, n, r.Problems())
}

// readKilled reads the killed recorder's file: the records' IDs must run
// 1, 2, ... and at most the line after the last record may be a problem.
func readKilled(t *testing.T, path string) (int, *Reader) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if rec.ID != uint64(n) {
			t.Fatalf("record %d has ID %d", n, rec.ID)
		}
	}
	switch r.ProblemCount() {
	case 0:
	case 1:
		if p := r.Problems()[0]; p.Line != n+2 {
			t.Errorf("a problem other than a cut last line: %v (records end at line %d)", p, n+1)
		}
	default:
		t.Errorf("problems: %v", r.Problems())
	}
	return n, r
}
