package recording

import (
	"bytes"
	"io"
	"os"
	"time"

	"edgetop/model"
)

// RecordSource is what a Player replays: records in the order they were
// recorded. A *Reader is one (a recording), SliceSource another (records
// from elsewhere, such as a HAR file). Rewinding a replay reads the source
// again from its start, rather than holding the records in memory: a
// recording of a long session does not fit, and reading is fast
// (BenchmarkReaderNext).
type RecordSource interface {
	// Next is the next record; io.EOF after the last.
	Next() (model.Record, error)
	// Rewind starts again from the first record.
	Rewind() error
}

// problemSource is a source that skips damaged input and says so (Reader).
type problemSource interface {
	Problems() []LineError
	ProblemCount() int
}

// extentSource is a source that can say, apart from reading it, how many
// records it holds and the time they span.
type extentSource interface {
	extent() (n int, first, last time.Time, ok bool)
}

// SliceSource replays recs, in their order.
func SliceSource(recs []model.Record) RecordSource { return &sliceSource{recs: recs} }

type sliceSource struct {
	recs []model.Record
	i    int
}

func (s *sliceSource) Next() (model.Record, error) {
	if s.i >= len(s.recs) {
		return model.Record{}, io.EOF
	}
	s.i++
	return s.recs[s.i-1], nil
}

func (s *sliceSource) Rewind() error {
	s.i = 0
	return nil
}

func (s *sliceSource) extent() (n int, first, last time.Time, ok bool) {
	if len(s.recs) == 0 {
		return 0, first, last, true
	}
	first = s.recs[0].Start
	for i := range s.recs {
		if e := s.recs[i].End(); e.After(last) {
			last = e
		}
	}
	return len(s.recs), first, last, true
}

// eventLineStart is the start of an event line after the line before.
var eventLineStart = append([]byte{'\n'}, eventPrefix...)

// tailScan is how much of a recording's end extent reads to find its
// last record.
const tailScan = 256 << 10

// extent counts the recording's lines without decoding them (a line is
// a record but for the meta line and damaged ones), and finds the start of
// its first record and the end of its last. It reads the file through a
// handle of its own, so it may run beside Next; a Reader not opened by
// path cannot say.
func (r *Reader) extent() (n int, first, last time.Time, ok bool) {
	if r.path == "" {
		return 0, first, last, false
	}
	f, err := os.Open(r.path)
	if err != nil {
		return 0, first, last, false
	}
	defer f.Close()
	head := NewReader(f)
	if rec, err := head.Next(); err == nil {
		first = rec.Start
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, first, last, false
	}
	buf := make([]byte, 1<<20)
	var size int64
	end := byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			// Event lines are no exchanges (one cut between two reads is
			// counted: an estimate, exact at the end of the replay).
			n += bytes.Count(buf[:k], []byte{'\n'}) - bytes.Count(buf[:k], eventLineStart)
			size += int64(k)
			end = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, first, last, false
		}
	}
	if end != '\n' {
		n++ // a last line without a newline
	}
	if head.hasMeta {
		n--
	}
	last = lastEnd(f, size, buf)
	return n, first, last, true
}

// lastEnd is the end of the last record that decodes in the file's tail.
func lastEnd(f *os.File, size int64, buf []byte) time.Time {
	off := max(0, size-tailScan)
	k, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
	if err != nil && err != io.EOF {
		return time.Time{}
	}
	lines := bytes.Split(buf[:k], []byte{'\n'})
	d := decoder{in: newInterner()}
	for i := len(lines) - 1; i >= 0; i-- {
		if i == 0 && off > 0 {
			break // a line cut by the window
		}
		if rec, err := d.record(lines[i]); err == nil {
			return rec.End()
		}
	}
	return time.Time{}
}
