package termtext

import (
	"io"
	"strconv"
	"strings"
	"sync"
)

// LogSink is where the standard log package writes (log.SetOutput): what
// a library logs on its own, such as net/http's "Unsolicited response
// received on idle HTTP channel starting with …", quotes what a gateway
// sent. Each line is masked (SetMask: the client's secrets) and sanitised
// before it is written. While held (a full-screen dashboard runs, and a
// line on the terminal would break its screen), the newest lines are kept
// and written when it is released.
type LogSink struct {
	mu      sync.Mutex
	out     io.Writer
	mask    func(string) string
	held    bool
	lines   []string
	dropped int
}

// maxHeldLines is how many lines a held LogSink keeps (the newest).
const maxHeldLines = 32

// NewLogSink returns a sink writing to out.
func NewLogSink(out io.Writer) *LogSink { return &LogSink{out: out} }

// SetMask sets what masks every line (nil: nothing more than sanitising).
func (s *LogSink) SetMask(mask func(string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mask = mask
}

// SetOutput sends the lines to out from now on.
func (s *LogSink) SetOutput(out io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out = out
}

// Hold keeps the lines instead of writing them, until Release.
func (s *LogSink) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = true
}

// Release writes the lines held (and how many older ones were left out)
// and writes on from then on.
func (s *LogSink) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = false
	if s.dropped > 0 {
		_, _ = io.WriteString(s.out, "edgetop: "+strconv.Itoa(s.dropped)+" earlier library messages left out\n")
	}
	for _, l := range s.lines {
		_, _ = io.WriteString(s.out, l)
	}
	s.lines, s.dropped = nil, 0
}

// Write takes one log entry (the log package writes each in one call).
func (s *LogSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text := string(p)
	if s.mask != nil {
		text = s.mask(text)
	}
	text = strings.TrimRight(SanitizeBlock(text), "\n") + "\n"
	if !s.held {
		if _, err := io.WriteString(s.out, text); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if len(s.lines) == maxHeldLines {
		s.lines = s.lines[1:]
		s.dropped++
	}
	s.lines = append(s.lines, text)
	return len(p), nil
}
