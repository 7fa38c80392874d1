package recording

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// Tuning constants of the replay, in one place.
const (
	// replayWindow is how much wall time one batch covers at a timed
	// speed: the records due within it go out together, about a frame
	// at 20 fps (the engine's drain window).
	replayWindow = 50 * time.Millisecond
	// replayBatch caps a timed batch; replayFastBatch a batch at speed 0
	// and the batches of a seek, which go as fast as the face takes them.
	replayBatch     = 1000
	replayFastBatch = 4096
	// MaxGap is the longest a replay waits between two records, whatever
	// the recording's gap (an idle hour) and the speed: a replay never
	// looks hung.
	MaxGap = 5 * time.Second
	// MinSpeed and MaxSpeed bound the speed (Pace halves and doubles it).
	MinSpeed = 1.0 / 16
	MaxSpeed = 64.0
	// maxNotes is how many damaged lines are reported one by one; the
	// rest are counted in one note at the end.
	maxNotes = 20
	// playerBuffer is the room in the event channel: at speed 0 the next
	// batches are decoded while the face takes one.
	playerBuffer = 4
)

// PlayerOptions configure a Player.
type PlayerOptions struct {
	// Speed is the replay's pace: 1 real time, 4 four times faster, 0 as
	// fast as the face takes the records. Other speeds are brought within
	// MinSpeed..MaxSpeed; a negative one is 0.
	Speed float64
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Session names the replay in its events.
	Session string
	// Hold keeps the replay open at the end of the recording, until Stop:
	// a dashboard can still seek back. Without it the end of the
	// recording ends the replay (EventEnded), as plain mode needs.
	Hold bool
}

// Controls are what a dashboard can do with a replay beyond a session's
// Runner: *Player has them.
type Controls interface {
	// SetPaused pauses or resumes the replay.
	SetPaused(paused bool)
	Paused() bool
	// Step sends exactly the next record, as one batch, while paused.
	Step()
	// Seek moves by d of recorded time. Forward, the records skipped are
	// sent at once: every recorded exchange reaches the log exactly once,
	// in order. Back, EventRewind comes (the face clears its log), then
	// every record from the start up to the new position, at once.
	Seek(d time.Duration)
	// Position is where the replay is: at, the recorded time reached;
	// start and end, the recording's; done, the records sent since the
	// start; total, how many the recording holds (-1 while unknown; an
	// estimate counting damaged lines until the end is reached).
	Position() (at, start, end time.Time, done, total int)
}

// Player replays records as a session: the events a face gets from the
// engine, with the recorded gaps between them scaled by 1/Speed (and
// capped at MaxGap). A replayed batch's At is the recorded time: its
// newest record's end. Damaged lines of a recording are told as
// EventNote, the first maxNotes one by one. It is a session.Runner and
// has the Controls.
type Player struct {
	src    RecordSource
	o      PlayerOptions
	maxGap time.Duration // MaxGap; shorter in tests

	events        chan session.Event
	poke          chan struct{} // a control changed: the loop looks
	stopReq, done chan struct{}
	startOnce     sync.Once
	stopOnce      sync.Once
	extentOnce    sync.Once
	running       bool
	stopCtx       context.Context

	mu     sync.Mutex // guards what the controls and State share with the loop
	paused bool
	speed  float64
	ops    []control
	pos    position
	st     session.State

	// The loop's own.
	next                  model.Record
	have, eof, endNoted   bool
	anchorRec, anchorWall time.Time // the recorded time and the wall time it was (to be) reached
	wasPaused             bool
	notes                 []session.Event // to send before the next record: notes, recorded events
	problemsSeen          int
	readN                 int // the records read since the start (or the rewind)
}

// position is what Position returns.
type position struct {
	at, start, end time.Time
	done, total    int
}

// control is a request to the loop.
type control struct {
	kind controlKind
	d    time.Duration
	dir  int
}

type controlKind uint8

const (
	ctlStep controlKind = iota
	ctlSeek
	ctlPace
)

var (
	_ session.Runner = (*Player)(nil)
	_ Controls       = (*Player)(nil)
)

// NewPlayer replays src. The Player closes src at the end when it is an
// io.Closer (a Reader from Open).
func NewPlayer(src RecordSource, o PlayerOptions) *Player {
	if o.Now == nil {
		o.Now = time.Now
	}
	p := &Player{
		src: src, o: o, maxGap: MaxGap, speed: clampSpeed(o.Speed),
		events: make(chan session.Event, playerBuffer), poke: make(chan struct{}, 1),
		stopReq: make(chan struct{}), done: make(chan struct{}),
		pos: position{total: -1},
		st:  session.State{Session: o.Session, Link: session.LinkConnecting},
	}
	if s, ok := src.(*sliceSource); ok {
		p.extentOnce.Do(func() { p.setExtent(s.extent()) })
	}
	return p
}

// clampSpeed brings s within MinSpeed..MaxSpeed, 0 (or less, or NaN) being
// as fast as possible.
func clampSpeed(s float64) float64 {
	if !(s > 0) {
		return 0
	}
	return max(MinSpeed, min(s, MaxSpeed))
}

// Events is the replay's stream, closed after EventEnded.
func (p *Player) Events() <-chan session.Event { return p.events }

// Start begins the replay. Calling it again, or after Stop, does nothing.
func (p *Player) Start() {
	p.startOnce.Do(func() {
		p.running = true
		go p.loop()
	})
}

// Stop ends the replay: EventEnded, then the stream closes. Events nobody
// reads once ctx ends are dropped.
func (p *Player) Stop(ctx context.Context) error {
	p.stopOnce.Do(func() {
		p.startOnce.Do(func() {}) // a replay never started is not started now
		p.stopCtx = ctx
		if !p.running {
			close(p.events)
			p.closeSource()
			close(p.done)
			return
		}
		close(p.stopReq)
	})
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// State is the replay as a session's state: the recorded gateway, the link
// up while records come, stopped at the end.
func (p *Player) State() session.State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// Pace doubles (dir > 0) or halves (dir < 0) the speed, within MinSpeed
// and MaxSpeed; from speed 0, slower is MaxSpeed. The new speed comes as
// EventNote ("replay speed 4×").
func (p *Player) Pace(dir int) { p.request(control{kind: ctlPace, dir: dir}) }

// Speed is the replay's speed (0: as fast as possible).
func (p *Player) Speed() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.speed
}

// SetPaused pauses or resumes the replay.
func (p *Player) SetPaused(paused bool) {
	p.mu.Lock()
	p.paused = paused
	p.mu.Unlock()
	p.wake()
}

// Paused reports whether the replay is paused.
func (p *Player) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// Step sends the next record alone, while paused (nothing otherwise).
func (p *Player) Step() { p.request(control{kind: ctlStep}) }

// Seek moves by d of recorded time (see Controls).
func (p *Player) Seek(d time.Duration) {
	if d != 0 {
		p.request(control{kind: ctlSeek, d: d})
	}
}

// Position is where the replay is (see Controls). The first call starts
// counting the recording's records in the background (total is -1 until
// then).
func (p *Player) Position() (at, start, end time.Time, done, total int) {
	p.extentOnce.Do(func() {
		if s, ok := p.src.(extentSource); ok {
			go func() { p.setExtent(s.extent()) }()
		}
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.pos
	if q.at.IsZero() {
		q.at = q.start
	}
	return q.at, q.start, q.end, q.done, q.total
}

// setExtent notes what the source says it holds, unless the replay found
// out first.
func (p *Player) setExtent(n int, first, last time.Time, ok bool) {
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pos.total < 0 {
		p.pos.total = n
	}
	if p.pos.start.IsZero() {
		p.pos.start = first
	}
	if last.After(p.pos.end) {
		p.pos.end = last
	}
}

// request queues c for the loop. Controls never wait for the loop: a face
// may call them from the goroutine that reads the events.
func (p *Player) request(c control) {
	p.mu.Lock()
	p.ops = append(p.ops, c)
	p.mu.Unlock()
	p.wake()
}

func (p *Player) wake() {
	select {
	case p.poke <- struct{}{}:
	default:
	}
}

// speedText is a speed as the notes say it: "4×", "1/2×".
func speedText(s float64) string {
	switch {
	case s == 0:
		return "as fast as possible"
	case s >= 1:
		return strconv.FormatFloat(s, 'f', -1, 64) + "×"
	}
	return "1/" + strconv.FormatFloat(math.Round(1/s), 'f', -1, 64) + "×"
}

// paceSpeed is the speed after Pace(dir).
func paceSpeed(s float64, dir int) float64 {
	switch {
	case dir == 0:
		return s
	case s == 0 && dir < 0:
		return MaxSpeed
	case s == 0:
		return 0
	case dir > 0:
		return min(s*2, MaxSpeed)
	}
	return max(s/2, MinSpeed)
}

// closeSource closes the source when it is a file.
func (p *Player) closeSource() {
	if c, ok := p.src.(io.Closer); ok {
		_ = c.Close()
	}
}

// noteText is a damaged line as a note.
func noteText(le LineError) string { return fmt.Sprintf("%s (skipped)", le.Error()) }
