package recording

import (
	"fmt"
	"io"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// loop is the replay: the only goroutine that reads the source. It ends
// at the end of the recording (unless Hold) or at Stop.
func (p *Player) loop() {
	defer p.finish()
	p.fetch()
	if p.have {
		p.anchorRec, p.anchorWall = p.next.End(), p.o.Now()
	}
	for {
		p.syncPause()
		if !p.sendNotes() {
			return
		}
		for _, c := range p.takeControls() {
			if !p.apply(c) {
				return
			}
		}
		if !p.sendNotes() {
			return
		}
		paused := p.Paused()
		if !p.have && !paused && !p.o.Hold {
			return // the end of the recording
		}
		var timer *time.Timer
		var due <-chan time.Time
		if !paused && p.have {
			d := p.due(p.next).Sub(p.o.Now())
			if p.Speed() == 0 || d <= 0 {
				if !p.emitDue() {
					return
				}
				continue
			}
			timer = time.NewTimer(d)
			due = timer.C
		}
		select {
		case <-p.poke:
		case <-due:
		case <-p.stopReq:
		}
		if timer != nil {
			timer.Stop()
		}
		if p.stopping() {
			return
		}
	}
}

func (p *Player) stopping() bool {
	select {
	case <-p.stopReq:
		return true
	default:
		return false
	}
}

// finish ends the stream: EventEnded, the channel closed, the source
// closed.
func (p *Player) finish() {
	at := p.at()
	p.setState(func(s *session.State) {
		s.Link, s.Since, s.Text = session.LinkHalted, at, "the replay ended"
	})
	ev := session.Event{Session: p.o.Session, Kind: session.EventEnded, At: at, Text: "replay ended"}
	select {
	case p.events <- ev:
	case <-p.stopReq:
		select {
		case p.events <- ev:
		case <-p.stopCtx.Done():
		}
	}
	close(p.events)
	p.closeSource()
	close(p.done)
}

// takeControls is the controls queued since the last look.
func (p *Player) takeControls() []control {
	p.mu.Lock()
	defer p.mu.Unlock()
	cs := p.ops
	p.ops = nil
	return cs
}

// syncPause moves the clock's anchor when the replay pauses or resumes, so
// that a pause takes nothing off the gap it falls in.
func (p *Player) syncPause() {
	paused := p.Paused()
	if paused == p.wasPaused {
		return
	}
	p.wasPaused = paused
	now := p.o.Now()
	if paused {
		p.reanchor(now)
		return
	}
	p.anchorWall = now
}

// reanchor makes now the anchor: the recorded time reached by now at the
// current speed.
func (p *Player) reanchor(now time.Time) {
	if s := p.Speed(); s > 0 && p.have {
		adv := time.Duration(float64(now.Sub(p.anchorWall)) * s)
		if t := p.anchorRec.Add(adv); adv > 0 && t.Before(p.next.End()) {
			p.anchorRec = t
		} else if adv > 0 {
			p.anchorRec = p.next.End()
		}
	}
	p.anchorWall = now
}

// due is when r goes out: its recorded time after the anchor, scaled by
// the speed, the wait capped at MaxGap.
func (p *Player) due(r model.Record) time.Time {
	s := p.Speed()
	gap := r.End().Sub(p.anchorRec)
	if s == 0 || gap <= 0 {
		return p.anchorWall
	}
	return p.anchorWall.Add(min(time.Duration(float64(gap)/s), p.maxGap))
}

// emitDue sends the next batch: at a timed speed the records due within
// replayWindow of the first, at speed 0 as many as replayFastBatch.
func (p *Player) emitDue() bool {
	s := p.Speed()
	due0, first := p.due(p.next), p.next.End()
	window := time.Duration(float64(replayWindow) * s)
	var batch []model.Record
	if s == 0 {
		batch = p.collect(replayFastBatch, replayFastBatch, func(*model.Record) bool { return true })
	} else {
		batch = p.collect(replayBatch, 64, func(r *model.Record) bool { return r.End().Sub(first) <= window })
	}
	if first.After(p.anchorRec) {
		p.anchorRec, p.anchorWall = first, due0
	}
	if s == 0 {
		p.anchorRec, p.anchorWall = maxEnd(batch), p.o.Now()
	}
	return p.sendBatch(batch)
}

// collect takes the next records while ok says so, up to limit (room
// for size at first), and stops before a damaged line's note so that notes
// keep their place.
func (p *Player) collect(limit, size int, ok func(*model.Record) bool) []model.Record {
	batch := make([]model.Record, 0, size)
	for p.have && len(batch) < limit && len(p.notes) == 0 && ok(&p.next) {
		batch = append(batch, p.next)
		p.have = false
		p.fetch()
	}
	return batch
}

// sendBatch sends a batch of records and moves the position past them.
func (p *Player) sendBatch(batch []model.Record) bool {
	if len(batch) == 0 {
		return true
	}
	at := maxEnd(batch)
	p.mu.Lock()
	p.pos.done += len(batch)
	if at.After(p.pos.at) {
		p.pos.at = at
	}
	p.mu.Unlock()
	return p.send(session.Event{Kind: session.EventRecords, At: at, Records: batch})
}

// send sends ev, unless the replay stops first.
func (p *Player) send(ev session.Event) bool {
	ev.Session = p.o.Session
	select {
	case p.events <- ev:
		return true
	case <-p.stopReq:
		return false
	}
}

// sendNotes sends the notes found while reading.
func (p *Player) sendNotes() bool {
	for len(p.notes) > 0 {
		ev := p.notes[0]
		p.notes = p.notes[1:]
		if ev.At.IsZero() {
			ev.At = p.at()
		}
		if !p.send(ev) {
			return false
		}
	}
	return true
}

// at is the recorded time reached: the recording's start before the
// first record, the wall clock for a recording without records.
func (p *Player) at() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.pos.at.IsZero():
		return p.pos.at
	case !p.pos.start.IsZero():
		return p.pos.start
	}
	return p.o.Now()
}

// fetch reads the next record into p.next, unless one is waiting or the
// source is over; the damaged lines met on the way become notes.
func (p *Player) fetch() {
	if p.have || p.eof {
		return
	}
	r, err := p.src.Next()
	p.noteProblems()
	if es, ok := p.src.(interface{ TakeEvents() []session.Event }); ok {
		p.notes = append(p.notes, es.TakeEvents()...)
	}
	switch err {
	case nil:
		p.next, p.have = r, true
		p.readN++
		p.started(&r)
	case io.EOF:
		p.eof = true
		p.atEnd()
	default:
		p.eof = true
		p.note("the replay stops here: " + err.Error())
		p.atEnd()
	}
}

// started notes, at the first record, what the replay is of.
func (p *Player) started(r *model.Record) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pos.start.IsZero() {
		p.pos.start = r.Start
	}
	if p.st.Link != session.LinkConnecting {
		return
	}

	p.st.Link, p.st.Since = session.LinkUp, r.Start
	p.st.Gateway, p.st.APIVersion = r.Gateway, r.APIVersion
	if ms, ok := p.src.(interface{ Meta() (Meta, bool) }); ok {
		if m, ok := ms.Meta(); ok {
			p.st.Gateway, p.st.APIVersion = m.Gateway, m.APIVersion
			p.st.Simulated, p.st.Insecure = m.Simulated, m.Insecure
		}
	}
}

// atEnd notes the end of the recording: the exact count, the damaged
// lines not told one by one, the link stopped.
func (p *Player) atEnd() {
	p.mu.Lock()
	p.pos.total = p.readN
	if p.pos.at.After(p.pos.end) {
		p.pos.end = p.pos.at
	}
	at := p.pos.at
	p.st.Link, p.st.Since, p.st.Text = session.LinkHalted, at, "the end of the recording"
	p.mu.Unlock()
	if ps, ok := p.src.(problemSource); ok && !p.endNoted && ps.ProblemCount() > maxNotes {
		n := ps.ProblemCount() - maxNotes
		p.note(fmt.Sprintf("%d more damaged %s skipped", n, plural(n, "line", "lines")))
	}
	p.endNoted = true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// noteProblems turns the damaged lines the source met into notes, the
// first maxNotes of them.
func (p *Player) noteProblems() {
	ps, ok := p.src.(problemSource)
	if !ok {
		return
	}
	n := ps.ProblemCount()
	if n == p.problemsSeen {
		return
	}
	list := ps.Problems()
	for ; p.problemsSeen < n; p.problemsSeen++ {
		if p.problemsSeen < maxNotes && p.problemsSeen < len(list) {
			p.note(noteText(list[p.problemsSeen]))
		}
	}
}

// note queues a notice, sent before the next record.
func (p *Player) note(text string) {
	p.notes = append(p.notes, session.Event{Kind: session.EventNote, Text: text})
}

func (p *Player) setState(f func(*session.State)) {
	p.mu.Lock()
	f(&p.st)
	p.mu.Unlock()
}

func maxEnd(batch []model.Record) time.Time {
	var t time.Time
	for i := range batch {
		if e := batch[i].End(); e.After(t) {
			t = e
		}
	}
	return t
}
