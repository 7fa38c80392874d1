package recording

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// Bounds of reading.
const (
	// MaxLine is the longest line read: a record holds two body previews
	// of 4 KiB, up to six bytes each once escaped, and its headers, well
	// below it. A longer line is a LineError.
	MaxLine = 1 << 20
	// maxProblems is how many LineErrors a Reader keeps (it counts all).
	maxProblems = 100
	// readBuffer is the reader's buffer: most lines fit it whole.
	readBuffer = 256 << 10
)

// LineError is a line of a recording that was skipped: damaged, cut
// short, too long, or not a record.
type LineError struct {
	// Line is the line's number, from 1 (the meta line).
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e LineError) Unwrap() error { return e.Err }

// Errors of the lines skipped.
var (
	errBlank     = errors.New("blank line")
	errTooLong   = fmt.Errorf("line longer than %d bytes", MaxLine)
	errNoStart   = errors.New("not an exchange record (no start time)")
	errNotRecord = errors.New("not an exchange record (not a JSON object)")
)

// Reader reads a recording, a record at a time. A damaged line does not
// stop it: the line is noted (Problems) and reading goes on with the next.
// A Reader is not safe for concurrent use.
type Reader struct {
	src  io.Reader
	f    *os.File // when it was opened by path: Close closes it
	path string
	br   *bufio.Reader
	long []byte // a line longer than the buffer, put together

	line      int // the line read
	noted     int // the last line noted as a problem: after a Rewind, none is noted twice
	meta      Meta
	hasMeta   bool
	problems  []LineError
	nProblems int

	dec decoder
	// events are the event lines read since TakeEvents.
	events []session.Event
	redact model.Redactor
}

// Open opens the recording at path.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the recording: %w", err)
	}
	r := NewReader(f)
	r.f, r.path = f, path
	return r, nil
}

// NewReader reads a recording from src. Rewind needs src to be an
// io.Seeker.
func NewReader(src io.Reader) *Reader {
	r := &Reader{src: src, br: bufio.NewReaderSize(src, readBuffer), dec: decoder{in: newInterner()}}
	r.peekMeta()
	return r
}

// peekMeta reads the meta line ahead, without consuming it, so that Meta
// is known before the first record is (a face needs the session's TLS
// settings at start).
func (r *Reader) peekMeta() {
	b, _ := r.br.Peek(readBuffer)
	if !bytes.HasPrefix(b, metaPrefix) {
		return
	}
	if i := bytes.IndexByte(b, '\n'); i > 0 {
		var m Meta
		if json.Unmarshal(bytes.TrimSuffix(b[:i], []byte("\r")), &m) == nil {
			r.meta, r.hasMeta = m, true
		}
	}
}

// Close closes the file Open opened (nothing for NewReader's).
func (r *Reader) Close() error {
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

// Meta is the recording's meta line; false when the file has none.
func (r *Reader) Meta() (Meta, bool) { return r.meta, r.hasMeta }

// Problems are the first lines skipped (at most 100); ProblemCount counts
// them all.
func (r *Reader) Problems() []LineError { return r.problems }

// ProblemCount is how many lines were skipped.
func (r *Reader) ProblemCount() int { return r.nProblems }

// Next is the next record; io.EOF at the end, another error when reading
// the file failed (a damaged line is not an error: see Problems).
func (r *Reader) Next() (model.Record, error) {
	for {
		line, err := r.readLine()
		if err == errTooLong {
			r.problem(err)
			continue
		}
		if err != nil {
			return model.Record{}, err
		}
		rec, err := r.parse(line)
		if err == nil {
			// A recording edgetop wrote is masked already; a file from
			// elsewhere may not be.
			r.redact.Redact(&rec)
			return rec, nil
		}
		if err != errSkip {
			r.problem(err)
		}
	}
}

// maxPendingEvents bounds the event lines a Reader keeps until
// TakeEvents.
const maxPendingEvents = 4096

// errSkip is a line that is no record and no problem: a meta line.
var errSkip = errors.New("skip")

// parse is the record of the line just read.
func (r *Reader) parse(line []byte) (model.Record, error) {
	switch {
	case len(bytes.TrimSpace(line)) == 0:
		return model.Record{}, errBlank
	case isEventLine(line):
		ev, err := decodeEvent(line)
		switch {
		case err == nil && len(r.events) < maxPendingEvents:
			// Bounded: a reader whose caller never takes them (export,
			// summary) keeps no more than this.
			r.events = append(r.events, ev)
		case err == nil:
		case !errors.Is(err, errUnknownEvent):
			return model.Record{}, fmt.Errorf("damaged event line: %w", err)
		}
		return model.Record{}, errSkip
	case bytes.HasPrefix(line, metaPrefix):
		// A meta line: the file's first, or one of a file appended to
		// another (cat a b), which is skipped.
		var m Meta
		if err := json.Unmarshal(line, &m); err != nil {
			return model.Record{}, fmt.Errorf("damaged meta line: %w", err)
		}
		if r.line == 1 {
			r.meta, r.hasMeta = m, true
		}
		return model.Record{}, errSkip
	}
	return r.dec.record(line)
}

// problem notes a skipped line, once even when it is read again after a
// Rewind.
func (r *Reader) problem(err error) {
	if r.line <= r.noted {
		return
	}
	r.noted = r.line
	r.nProblems++
	if len(r.problems) < maxProblems {
		r.problems = append(r.problems, LineError{Line: r.line, Err: err})
	}
}

// readLine is the next line without its end (\n or \r\n), valid until the
// next read; io.EOF at the end. A last line without a newline (the
// process was killed) is a line. A line over MaxLine is read past, and
// its error is errTooLong.
func (r *Reader) readLine() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	over := false
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = r.br.ReadSlice('\n')
			if over = over || len(r.long)+len(b) > MaxLine+2; !over {
				r.long = append(r.long, b...)
			}
		}
		b = r.long
		if over {
			r.long = nil // a buffer that large is not kept
		}
	}
	switch {
	case err == io.EOF && len(b) == 0 && !over:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, fmt.Errorf("reading the recording: %w", err)
	}
	r.line++
	if over {
		return nil, errTooLong
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r")), nil
}

// Rewind starts reading again from the first line. Problems already noted
// are not noted again.
func (r *Reader) Rewind() error {
	s, ok := r.src.(io.Seeker)
	if !ok {
		return errors.New("this recording cannot be rewound (not a file)")
	}
	if _, err := s.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewinding the recording: %w", err)
	}
	r.br.Reset(r.src)
	r.line = 0
	return nil
}
