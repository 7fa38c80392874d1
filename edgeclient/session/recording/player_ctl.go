package recording

import (
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// SpeedNote begins the EventNote that tells a new speed (a face that
// shows the speed anyway need not tell it again).
const SpeedNote = "replay speed "

// apply carries out a control on the loop; false when the replay stops.
func (p *Player) apply(c control) bool {
	if !p.sendNotes() { // they come before what the control sends
		return false
	}
	switch c.kind {
	case ctlStep:
		if !p.Paused() || !p.have {
			return true
		}
		batch := p.collect(1, 1, func(*model.Record) bool { return true })
		if len(batch) == 0 {
			return true
		}
		p.anchorRec, p.anchorWall = batch[0].End(), p.o.Now()
		return p.sendBatch(batch)
	case ctlPace:
		p.reanchor(p.o.Now())
		p.mu.Lock()
		p.speed = paceSpeed(p.speed, c.dir)
		s := p.speed
		p.mu.Unlock()
		return p.send(session.Event{Kind: session.EventNote, At: p.at(), Text: SpeedNote + speedText(s)})
	case ctlSeek:
		if c.d < 0 {
			return p.rewind(p.at().Add(c.d))
		}
		return p.forward(p.at().Add(c.d))
	}
	return true
}

// forward sends, at once, every record up to the recorded time target,
// and goes on from there.
func (p *Player) forward(target time.Time) bool {
	for {
		batch := p.collect(replayFastBatch, 256, func(r *model.Record) bool { return !r.End().After(target) })
		if !p.sendBatch(batch) || !p.sendNotes() {
			return false
		}
		if len(batch) == 0 {
			break
		}
	}
	p.mu.Lock()
	if target.After(p.pos.at) {
		p.pos.at = target
	}
	p.mu.Unlock()
	p.anchorRec, p.anchorWall = target, p.o.Now()
	return true
}

// rewind goes back to the recorded time target: EventRewind, the source
// read again from its start, and every record up to target sent at once.
func (p *Player) rewind(target time.Time) bool {
	if err := p.src.Rewind(); err != nil {
		return p.send(session.Event{Kind: session.EventNote, At: p.at(), Text: "cannot go back: " + err.Error()})
	}
	p.mu.Lock()
	if target.Before(p.pos.start) {
		target = p.pos.start
	}
	p.pos.done, p.pos.at = 0, target
	p.st.Link, p.st.Text = session.LinkUp, ""
	p.mu.Unlock()
	p.have, p.eof, p.readN = false, false, 0
	if !p.send(session.Event{Kind: session.EventRewind, At: target, Text: "replay back to " + target.Format("15:04:05")}) {
		return false
	}
	p.fetch()
	return p.forward(target)
}
