package recording

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// fakeRunner sends the events it is given, then EventEnded at Stop.
type fakeRunner struct {
	ch       chan session.Event
	stopOnce sync.Once
	started  bool
}

func newFakeRunner() *fakeRunner { return &fakeRunner{ch: make(chan session.Event, 8)} }

func (f *fakeRunner) Start()                       { f.started = true }
func (f *fakeRunner) Events() <-chan session.Event { return f.ch }
func (f *fakeRunner) State() session.State         { return session.State{Gateway: "fake"} }
func (f *fakeRunner) Pace(int)                     {}
func (f *fakeRunner) send(ev session.Event)        { f.ch <- ev }
func (f *fakeRunner) Stop(ctx context.Context) error {
	f.stopOnce.Do(func() {
		f.ch <- session.Event{Kind: session.EventEnded}
		close(f.ch)
	})
	return nil
}

// TestTeeRecordsFirst: each batch is in the file when its event reaches
// the face; every event passes, in order; Stop returns once the file is
// complete and closed.
func TestTeeRecordsFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	w, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeRunner()
	s := Tee(f, w)
	s.Start()
	if !f.started || s.State().Gateway != "fake" {
		t.Error("Start and State do not reach the session")
	}
	recs := genRecords(500, 12)
	go func() {
		f.send(session.Event{Kind: session.EventConnecting})
		for i := 0; i < len(recs); i += 50 {
			f.send(session.Event{Kind: session.EventRecords, Records: recs[i : i+50]})
			if i == 200 {
				f.send(session.Event{Kind: session.EventUp})
			}
		}
		f.send(session.Event{Kind: session.EventRecords, Records: recs[len(recs)-1:]}) // recorded twice: as sent
		_ = s.Stop(context.Background())
	}()
	var kinds []string
	seen := 0
	for ev := range s.Events() {
		kinds = append(kinds, ev.Kind.String())
		if ev.Kind != session.EventRecords {
			continue
		}
		onDisk, _ := readAll(t, path)
		seen += len(ev.Records)
		if len(onDisk) < seen || onDisk[seen-1].ID != ev.Records[len(ev.Records)-1].ID {
			t.Fatalf("a batch reached the face before the file: %d records on disk, %d sent", len(onDisk), seen)
		}
	}
	if onDisk, _ := readAll(t, path); len(onDisk) != len(recs)+1 {
		t.Errorf("%d records recorded, %d sent", len(onDisk), len(recs)+1)
	}
	want := "connecting " + strings.Repeat("records ", 5) + "up " + strings.Repeat("records ", 6) + "ended"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Errorf("Stop: %v", err)
	}
	w.mu.Lock()
	closed := w.f == nil
	w.mu.Unlock()
	if !closed {
		t.Error("the recording is still open after Stop")
	}
}

// TestTeeWriteError: a full disk is told once, as EventNote, before the
// first batch that was not written; every event still passes.
func TestTeeWriteError(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "s.jsonl"), testMeta)
	if err != nil {
		t.Fatal(err)
	}
	diskFull(t, w)
	f := newFakeRunner()
	s := Tee(f, w)
	recs := genRecords(30, 1)
	go func() {
		for i := 0; i < 30; i += 10 {
			f.send(session.Event{Kind: session.EventRecords, Session: "gw1", Records: recs[i : i+10]})
		}
		_ = s.Stop(context.Background())
	}()
	var kinds []string
	var note session.Event
	for ev := range s.Events() {
		kinds = append(kinds, ev.Kind.String())
		if ev.Kind == session.EventNote {
			note = ev
		}
	}
	if got := strings.Join(kinds, " "); got != "note records records records ended" {
		t.Errorf("events: %s", got)
	}
	if note.Session != "gw1" || !strings.Contains(note.Text, "no space left on device") || !strings.Contains(note.Text, "unrecorded") {
		t.Errorf("the note: %+v", note)
	}
}

// TestTeeStopUnread: Stop returns within its context when nobody reads
// the events, and the batches are recorded all the same.
func TestTeeStopUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.jsonl")
	w, err := Create(path, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeRunner()
	s := Tee(f, w)
	recs := genRecords(20, 1)
	for i := range 4 {
		f.send(session.Event{Kind: session.EventRecords, Records: recs[i*5 : i*5+5]})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = s.Stop(ctx)
	if time.Since(start) > 2*time.Second {
		t.Errorf("Stop took %v", time.Since(start))
	}
	if got, _ := readAll(t, path); len(got) != 20 {
		t.Errorf("%d records recorded, want 20", len(got))
	}
}

var _ = model.Record{}
