// Package password reads the gateway console password for the command
// line: from a file (bounded, and cancellable so that a FIFO with no writer
// or an endless device cannot hang or exhaust the program) or from a
// prompt on the terminal without echo (cancellable by Ctrl+C or SIGTERM,
// with the terminal restored). It never takes the password from argv.
package password

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// MaxBytes is the largest password file read. Console passwords are at
// most 20 characters; anything longer is the wrong file (or /dev/zero).
const MaxBytes = 4096

// OpenTimeout bounds the wait for a writer on a password FIFO (or any
// file whose open or read blocks).
const OpenTimeout = 30 * time.Second

// FromFile reads the password from the file at path: its first line, with
// the line break (LF or CRLF) removed. It fails on an empty password, a
// file over MaxBytes, more than one line or a NUL byte, and returns
// ctx's cause (or a timeout error) when ctx ends or OpenTimeout passes
// before the file could be read, as when nothing writes to a FIFO.
func FromFile(ctx context.Context, path string) (string, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		// Open and read may block (a FIFO waits for a writer): both run
		// here, and the caller stops waiting when ctx ends.
		f, err := os.Open(path)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
		done <- result{b, err}
	}()
	timer := time.NewTimer(OpenTimeout)
	defer timer.Stop()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return "", context.Cause(ctx)
	case <-timer.C:
		return "", fmt.Errorf("password file %s: nothing to read after %v (a FIFO with no writer?)", path, OpenTimeout)
	}
	if r.err != nil {
		return "", fmt.Errorf("password file: %w", r.err)
	}
	return parse(path, r.b)
}

// parse checks a password file's content.
func parse(path string, b []byte) (string, error) {
	if len(b) > MaxBytes {
		return "", fmt.Errorf("password file %s is over %d bytes: not a password file", path, MaxBytes)
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	switch {
	case len(b) == 0:
		return "", fmt.Errorf("password file %s is empty", path)
	case bytes.ContainsAny(b, "\r\n"):
		return "", fmt.Errorf("password file %s has more than one line; want the password alone", path)
	case bytes.IndexByte(b, 0) >= 0:
		return "", fmt.Errorf("password file %s holds a NUL byte: not a password file", path)
	}
	return string(b), nil
}

// ErrNotTerminal is returned by Prompt when fd is not a terminal.
var ErrNotTerminal = errors.New("not a terminal")

// Prompt writes label to out and reads a password from the terminal fd
// without echo. When ctx ends first (Ctrl+C, SIGTERM) it restores the
// terminal's mode, ends the prompt's line and returns ctx's cause; the
// reading goroutine is left to the process's exit.
func Prompt(ctx context.Context, fd int, out io.Writer, label string) (string, error) {
	if !term.IsTerminal(fd) {
		return "", ErrNotTerminal
	}
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(out, label); err != nil {
		return "", err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		_, _ = io.WriteString(out, "\n")
		if r.err != nil {
			return "", r.err
		}
		if len(r.b) > MaxBytes {
			return "", fmt.Errorf("password over %d bytes", MaxBytes)
		}
		return string(r.b), nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		_, _ = io.WriteString(out, "\n")
		return "", context.Cause(ctx)
	}
}
