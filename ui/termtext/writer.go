package termtext

import (
	"io"
	"os"
	"strings"
	"sync"
)

// Writer is an io.Writer that sanitises everything written through it
// (SanitizeBlock: line breaks kept, every escape sequence and control
// dropped) before passing it on. It is for plain text only: messages on
// stderr, banners, plain-text files; styled output must be built from
// sanitised parts instead. Each Write is sanitised on its own, so an escape
// sequence split across two writes loses its parts rather than surviving.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a sanitising writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write sanitises p and writes it; it reports len(p) written on success.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := io.WriteString(w.w, SanitizeBlock(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ErrorLines formats err for stderr as the program's own lines: each line
// of the error (errors.Join makes several) sanitised and prefixed with
// prog and ": ".
func ErrorLines(prog string, err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	for _, l := range strings.Split(SanitizeBlock(err.Error()), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		b.WriteString(prog + ": " + l + "\n")
	}
	return b.String()
}

// GuardStderr replaces os.Stderr with a pipe whose every byte is
// sanitised on its way to the real stderr, so that whatever the process
// prints there, at any moment, cannot drive the terminal: its own
// messages, a library's, and the panic report Bubble Tea prints after
// restoring the terminal (which may quote an error that came from the
// network). The returned function puts the real stderr back after
// flushing what was written; call it before the process exits. Only the
// Go runtime's own crash report bypasses os.Stderr.
func GuardStderr() (restore func(), err error) { return Guard(&os.Stderr) }

// Guard is GuardStderr for any *os.File variable.
func Guard(f **os.File) (restore func(), err error) {
	real := *f
	r, w, err := os.Pipe()
	if err != nil {
		return func() {}, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		out := NewWriter(real)
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				_, _ = out.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	*f = w
	var once sync.Once
	return func() {
		once.Do(func() {
			*f = real
			_ = w.Close()
			<-done
			_ = r.Close()
		})
	}, nil
}
