package termtext

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostile is text a gateway could put in an error Message: a title
// change, a screen clear, an 8-bit CSI, a bidi override, a lone CR.
const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[H\x9b6n\u202eevil\u202c\rOVER\x1b[31mred\xff"

func TestWriterSanitises(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	n, err := fmt.Fprintf(w, "line one %s\nline two\n", hostile)
	if err != nil || n != len("line one \nline two\n")+len(hostile) {
		t.Fatalf("Fprintf = %d, %v", n, err)
	}
	if err := Check(buf.String(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "line one ") || strings.Count(buf.String(), "\n") != 2 {
		t.Errorf("lines lost: %q", buf.String())
	}
}

func TestErrorLines(t *testing.T) {
	err := errors.Join(errors.New("deleting the auth cookie: "+hostile), errors.New("second"))
	got := ErrorLines("edgetop", err)
	if err := Check(got, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "edgetop: deleting the auth cookie: ") || lines[1] != "edgetop: second" {
		t.Errorf("ErrorLines = %q", got)
	}
	if ErrorLines("edgetop", nil) != "" {
		t.Error("nil error printed something")
	}
}

// TestGuard: everything written to the guarded file, by anyone holding the
// variable, arrives sanitised, and restore flushes it all.
func TestGuard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stderr")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	target := f
	restore, err := Guard(&target)
	if err != nil {
		t.Fatal(err)
	}
	if target == f {
		t.Fatal("Guard did not replace the file")
	}
	fmt.Fprintf(target, "Caught panic:\r\n\r\n%s\r\n", hostile)
	for range 100 {
		fmt.Fprint(target, hostile)
	}
	restore()
	restore() // idempotent
	if target != f {
		t.Fatal("restore did not put the file back")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(string(b), true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "Caught panic:\n\n") || strings.Count(string(b), "evil") != 101 {
		t.Errorf("content lost: %q", b[:min(len(b), 120)])
	}
}
