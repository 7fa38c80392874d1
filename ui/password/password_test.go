package password

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"edgetop/ui/uitest"

	"golang.org/x/sys/unix"
)

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content, want string
		err                 string
	}{
		{"plain", "admin1234", "admin1234", ""},
		{"newline", "admin1234\n", "admin1234", ""},
		{"crlf", "admin1234\r\n", "admin1234", ""},
		{"spaces kept", " pw with spaces \n", " pw with spaces ", ""},
		{"empty", "", "", "is empty"},
		{"only a newline", "\n", "", "is empty"},
		{"two lines", "one\ntwo\n", "", "more than one line"},
		{"nul", "pw\x00x", "", "NUL"},
		{"huge", strings.Repeat("x", MaxBytes+1), "", "over 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(p, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := FromFile(t.Context(), p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestFromFileEndlessDevice: /dev/zero is read up to the limit, not into
// gigabytes of memory.
func TestFromFileEndlessDevice(t *testing.T) {
	_, err := FromFile(t.Context(), "/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "over 4096 bytes") {
		t.Fatalf("err = %v", err)
	}
}

// TestFromFileFIFOWithoutWriter: the wait for a writer ends when the
// context does (Ctrl+C, SIGTERM).
func TestFromFileFIFOWithoutWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	stop := errors.New("interrupt")
	time.AfterFunc(50*time.Millisecond, func() { cancel(stop) })
	start := time.Now()
	_, err := FromFile(ctx, p)
	if !errors.Is(err, stop) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	// Unblock the opener goroutine.
	if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}

func TestFromFileFIFOWithWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err == nil {
			_, _ = f.WriteString("s3cret\n")
			f.Close()
		}
	}()
	got, err := FromFile(t.Context(), p)
	if err != nil || got != "s3cret" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"pw", "pw\n", "pw\r\n", "\n", "a\nb", "a\x00", "\r", "\r\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parse("f", b)
		if err != nil {
			return
		}
		if got == "" || strings.ContainsAny(got, "\r\n\x00") || len(got) > MaxBytes {
			t.Fatalf("parse(%q) = %q", b, got)
		}
		if !bytes.HasPrefix(b, []byte(got)) || len(b)-len(got) > 2 {
			t.Fatalf("parse(%q) = %q: more than a line break dropped", b, got)
		}
	})
}

func TestPromptReads(t *testing.T) {
	m, s := uitest.OpenPTY(t)
	var out bytes.Buffer
	go func() { _, _ = m.WriteString("hunter22\n") }()
	got, err := Prompt(t.Context(), int(s.Fd()), &out, "Password: ")
	if err != nil || got != "hunter22" || !strings.HasPrefix(out.String(), "Password: ") {
		t.Fatalf("got %q, %v; out %q", got, err, out.String())
	}
}

// TestPromptCancelRestoresTerminal: Ctrl+C at the prompt ends it at once,
// with echo back on.
func TestPromptCancelRestoresTerminal(t *testing.T) {
	_, s := uitest.OpenPTY(t)
	fd := int(s.Fd())
	before, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(t.Context())
	sig := errors.New("interrupt")
	time.AfterFunc(100*time.Millisecond, func() { cancel(sig) })
	_, err = Prompt(ctx, fd, &bytes.Buffer{}, "Password: ")
	if !errors.Is(err, sig) {
		t.Fatalf("err = %v", err)
	}
	after, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag&unix.ECHO == 0 || after.Lflag != before.Lflag {
		t.Errorf("terminal not restored: lflag %#x, was %#x", after.Lflag, before.Lflag)
	}
}

func TestPromptNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := Prompt(t.Context(), int(r.Fd()), &bytes.Buffer{}, ""); !errors.Is(err, ErrNotTerminal) {
		t.Errorf("a pipe: %v", err)
	}
}
