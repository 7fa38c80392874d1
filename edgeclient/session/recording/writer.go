package recording

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"edgetop/model"
)

// ErrClosed is WriteBatch's error after Close.
var ErrClosed = errors.New("the recording is closed")

// Writer appends batches of records to a recording. Each batch goes to
// the file in one write, unbuffered, so that once WriteBatch returns a
// crash of the process (kill -9) loses nothing of it. The first write
// error is kept: every later WriteBatch returns it and writes nothing, and
// a partly written batch is cut off the file again when possible, so the
// file ends with whole lines. Its methods may be called from several
// goroutines.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	path string
	meta Meta
	size int64 // bytes in the current file
	head int64 // of which the meta line
	err  error

	buf  []byte       // the batch, encoded
	ends []int        // the end of each record's line in buf
	one  bytes.Buffer // one record, as the encoder writes it
	enc  *json.Encoder

	auto *autoState // rotation; nil for Create
}

// Create starts a recording at path (--record FILE): created, or
// truncated, with mode 0600. The directory must exist. The file has no
// bound but the disk's.
func Create(path string, m Meta) (*Writer, error) {
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("recording to %s: the directory %s does not exist", path, filepath.Dir(path))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("recording to %s: %w", path, err)
	}
	// O_CREATE's mode applies to a new file only: an existing one may be
	// readable by others, and records show what a gateway answered.
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("recording to %s: %w", path, err)
	}
	w := newWriter(m)
	if err := w.start(f, path, m); err != nil {
		return nil, err
	}
	return w, nil
}

func newWriter(m Meta) *Writer {
	w := &Writer{meta: m}
	w.enc = json.NewEncoder(&w.one) // as json.Marshal writes, plus a newline
	return w
}

// start makes f, at path, the current file and writes its meta line.
func (w *Writer) start(f *os.File, path string, m Meta) error {
	line, err := encodeMeta(m)
	if err == nil {
		_, err = f.Write(line)
	}
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("recording to %s: %w", path, err)
	}
	w.f, w.path, w.size, w.head = f, path, int64(len(line)), int64(len(line))
	return nil
}

// Path is the file being written (the current part, with Auto).
func (w *Writer) Path() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.path
}

// Err is the error that stopped the recording, if one did.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// WriteBatch appends recs to the recording, as they are (they are masked
// already), in one write. It returns the recording's error: once a write
// failed, the recording is over and every call returns that error.
func (w *Writer) WriteBatch(recs []model.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return ErrClosed
	}
	w.buf, w.ends = w.buf[:0], w.ends[:0]
	var encErr error
	for i := range recs {
		w.one.Reset()
		if err := w.enc.Encode(&recs[i]); err != nil {
			// Only a time outside years 0-9999 fails: that record is
			// left out, the others are written.
			encErr = errors.Join(encErr, fmt.Errorf("record %d left out of the recording: %w", recs[i].ID, err))
			continue
		}
		w.buf = model.AppendSafeJSON(w.buf, w.one.Bytes())
		w.ends = append(w.ends, len(w.buf))
	}
	if err := w.write(); err != nil {
		return err
	}
	return encErr
}

// writeLine writes one line (an event) as write does a batch.
func (w *Writer) writeLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return ErrClosed
	}
	w.buf = append(w.buf[:0], line...)
	w.ends = append(w.ends[:0], len(w.buf))
	return w.write()
}

// write writes w.buf: in one write, unless the file would grow past its
// bound (Auto), in which case the batch is split between records across
// the parts.
func (w *Writer) write() error {
	off, ends := 0, w.ends
	for off < len(w.buf) {
		n := len(w.buf) - off
		if w.auto != nil && w.size+int64(n) > w.auto.lim.MaxFile {
			room := w.auto.lim.MaxFile - w.size
			k := 0 // the records that fit
			for k < len(ends) && int64(ends[k]-off) <= room {
				k++
			}
			switch {
			case k > 0:
				n = ends[k-1] - off
			case w.size > w.head:
				if err := w.rotate(); err != nil {
					return err
				}
				continue
			default:
				// A record larger than a whole file: alone in its part.
				k, n = 1, ends[0]-off
			}
			ends = ends[k:]
		} else {
			ends = nil
		}
		if err := w.writeFile(w.buf[off : off+n]); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// writeFile writes p to the current file and keeps the first error.
func (w *Writer) writeFile(p []byte) error {
	n, err := w.f.Write(p)
	if err != nil {
		// A full disk may take part of the batch: cut it off, so that a
		// reader finds whole lines only (if this fails too, the partial
		// line is a reader's LineError).
		if n > 0 {
			_ = w.f.Truncate(w.size)
		}
		w.err = fmt.Errorf("recording to %s: %w", w.path, err)
		return w.err
	}
	w.size += int64(n)
	return nil
}

// Close ends the recording. It returns the error of closing the file;
// a write error is Err's (and WriteBatch's).
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	if err != nil && !errors.Is(err, fs.ErrClosed) {
		return fmt.Errorf("closing the recording %s: %w", w.path, err)
	}
	return nil
}

// since is how long ago, by the monotonic clock, t0 was.
var since = time.Since
