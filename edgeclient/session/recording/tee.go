package recording

import (
	"context"
	"errors"
	"sync"

	"edgetop/edgeclient/session"
)

// Tee records r's session with w: every batch of records is written to w
// before it is passed on, so that what a face shows is in the recording
// (DESIGN.md, "Data flow" 5). Other events pass as they are, in order.
// When the recording fails (a full disk), the session goes on unrecorded:
// the error comes once, as EventNote, before the batch that was not
// written. When r's stream closes, w is closed; Stop waits for that, so
// at exit the file is complete.
func Tee(r session.Runner, w *Writer) session.Runner {
	t := &tee{Runner: r, w: w, stopReq: make(chan struct{}), done: make(chan struct{})}
	in := r.Events()
	t.out = make(chan session.Event, cap(in))
	go t.run(in)
	return t
}

type tee struct {
	session.Runner
	w        *Writer
	out      chan session.Event
	stopOnce sync.Once
	stopCtx  context.Context
	stopReq  chan struct{}
	done     chan struct{}
	closeErr error
}

// Events is the session's stream, recorded.
func (t *tee) Events() <-chan session.Event { return t.out }

// Stop stops the session and waits, as long as ctx lasts, for the last
// batches to be recorded and the file closed. It returns the session's
// error and the file's closing error (a write error was told as
// EventNote; the Writer's Err keeps it).
func (t *tee) Stop(ctx context.Context) error {
	t.stopOnce.Do(func() {
		t.stopCtx = ctx
		close(t.stopReq)
	})
	err := t.Runner.Stop(ctx)
	select {
	case <-t.done:
		return errors.Join(err, t.closeErr)
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
}

// run records and passes on in's events until in closes, then closes the
// file and the stream.
func (t *tee) run(in <-chan session.Event) {
	defer close(t.done)
	defer close(t.out)
	failed := false
	for ev := range in {
		if ev.Kind == session.EventRecords && !failed {
			if err := t.w.WriteBatch(ev.Records); err != nil {
				failed = t.w.Err() != nil // a record left out is not the end of the recording
				t.send(session.Event{
					Session: ev.Session, Kind: session.EventNote, At: ev.At,
					Text: noteOnWriteError(err, failed),
				})
			}
		} else if !failed {
			_ = t.w.WriteEvent(ev) // a failure shows at the next batch
		}
		t.send(ev)
	}
	t.closeErr = t.w.Close()
}

func noteOnWriteError(err error, failed bool) string {
	if failed {
		return "recording stopped, the session goes on unrecorded: " + err.Error()
	}
	return "recording: " + err.Error()
}

// send passes ev on. It waits for the face; once Stop was called, only as
// long as Stop's context lasts (the recording still gets every batch).
func (t *tee) send(ev session.Event) {
	select {
	case t.out <- ev:
		return
	case <-t.stopReq:
	}
	select {
	case t.out <- ev:
	case <-t.stopCtx.Done():
	}
}
