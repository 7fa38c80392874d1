package recording

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// spaced is n records ending gap apart, IDs 1..n.
func spaced(n int, gap time.Duration) []model.Record {
	recs := genRecords(n, 21)
	for i := range recs {
		recs[i].ID = uint64(i + 1)
		recs[i].Duration = time.Millisecond
		recs[i].Start = t0.Add(time.Duration(i) * gap)
	}
	return recs
}

// drain collects the events of p until its stream closes.
func drain(t *testing.T, p *Player) []session.Event {
	t.Helper()
	var evs []session.Event
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-p.Events():
			if !ok {
				return evs
			}
			evs = append(evs, ev)
		case <-timeout:
			t.Fatal("the replay does not end")
		}
	}
}

// ids is the IDs of the records of evs, in order.
func ids(evs []session.Event) []uint64 {
	var out []uint64
	for _, ev := range evs {
		for _, r := range ev.Records {
			out = append(out, r.ID)
		}
	}
	return out
}

// checkOnce checks that got is 1..n, once each, in order.
func checkOnce(t *testing.T, got []uint64, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%d records replayed, want %d", len(got), n)
	}
	for i, id := range got {
		if id != uint64(i+1) {
			t.Fatalf("record %d is ID %d", i, id)
		}
	}
}

// noLeak checks that the goroutines started since before are gone.
func noLeak(t *testing.T, before int) {
	t.Helper()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines, %d before", runtime.NumGoroutine(), before)
}

// TestPlayerSpeed0: at speed 0 every record comes once, in order, in big
// batches whose At is the newest record's end; then EventEnded, and the
// stream closes.
func TestPlayerSpeed0(t *testing.T) {
	before := runtime.NumGoroutine()
	recs := spaced(10_000, time.Second)
	p := NewPlayer(SliceSource(recs), PlayerOptions{Session: "replay"})
	p.Start()
	evs := drain(t, p)
	checkOnce(t, ids(evs), len(recs))
	last := evs[len(evs)-1]
	if last.Kind != session.EventEnded || last.Session != "replay" {
		t.Errorf("last event: %+v", last)
	}
	for _, ev := range evs[:len(evs)-1] {
		if ev.Kind != session.EventRecords || len(ev.Records) > replayFastBatch || ev.Session != "replay" {
			t.Fatalf("event %s with %d records", ev.Kind, len(ev.Records))
		}
		if ev.At != ev.Records[len(ev.Records)-1].End() {
			t.Errorf("At %v, want the newest record's end %v", ev.At, ev.Records[len(ev.Records)-1].End())
		}
	}
	if len(evs) > 10 {
		t.Errorf("%d batches for 10,000 records at speed 0", len(evs)-1)
	}
	at, start, end, done, total := p.Position()
	if done != 10_000 || total != 10_000 || !start.Equal(recs[0].Start) || !end.Equal(recs[9999].End()) || !at.Equal(end) {
		t.Errorf("Position at the end: %v %v %v %d %d", at, start, end, done, total)
	}
	if st := p.State(); st.Link != session.LinkHalted || st.Gateway != recs[0].Gateway {
		t.Errorf("State at the end: %+v", st)
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Error(err)
	}
	noLeak(t, before)
}

// TestPlayerTiming: the recorded gaps are scaled by 1/Speed, and a long
// gap is cut to the cap.
func TestPlayerTiming(t *testing.T) {
	recs := spaced(6, 240*time.Millisecond) // 1.2 s recorded, 300 ms at 4×
	start := time.Now()
	p := NewPlayer(SliceSource(recs), PlayerOptions{Speed: 4})
	p.Start()
	evs := drain(t, p)
	el := time.Since(start)
	checkOnce(t, ids(evs), 6)
	if el < 300*time.Millisecond || el > 2*time.Second {
		t.Errorf("1.2 s at 4× took %v, want 300 ms", el)
	}
	if len(evs) != 7 {
		t.Errorf("%d events: records 60 ms apart each have their batch", len(evs))
	}

	// Records 1 ms apart share batches: those due within 50 ms of the
	// first go with it (sent up to 50 ms early, never late).
	recs = spaced(100, time.Millisecond)
	p = NewPlayer(SliceSource(recs), PlayerOptions{Speed: 1})
	p.Start()
	evs = drain(t, p)
	checkOnce(t, ids(evs), 100)
	if len(evs) > 4 {
		t.Errorf("100 records in 100 ms came in %d events", len(evs))
	}

	recs = spaced(3, time.Hour)
	p = NewPlayer(SliceSource(recs), PlayerOptions{Speed: 1})
	p.maxGap = 30 * time.Millisecond
	start = time.Now()
	p.Start()
	evs = drain(t, p)
	el = time.Since(start)
	checkOnce(t, ids(evs), 3)
	if el < 60*time.Millisecond || el > 2*time.Second {
		t.Errorf("two idle hours with the gap capped at 30 ms took %v", el)
	}
}

// TestPlayerPauseStep: paused, nothing comes but what Step sends, one
// record at a time; resumed, the rest.
func TestPlayerPauseStep(t *testing.T) {
	recs := spaced(50, time.Millisecond)
	p := NewPlayer(SliceSource(recs), PlayerOptions{})
	p.SetPaused(true)
	if !p.Paused() {
		t.Error("not paused")
	}
	p.Start()
	select {
	case ev := <-p.Events():
		t.Fatalf("paused, yet %s came", ev.Kind)
	case <-time.After(50 * time.Millisecond):
	}
	for i := range 3 {
		p.Step()
		ev := <-p.Events()
		if ev.Kind != session.EventRecords || len(ev.Records) != 1 || ev.Records[0].ID != uint64(i+1) {
			t.Fatalf("step %d: %s %v", i, ev.Kind, ids([]session.Event{ev}))
		}
	}
	if _, _, _, done, _ := p.Position(); done != 3 {
		t.Errorf("done %d after 3 steps", done)
	}
	p.SetPaused(false)
	p.Step() // not paused: nothing
	rest := drain(t, p)
	checkOnce(t, append([]uint64{1, 2, 3}, ids(rest)...), 50)
}

// TestPlayerSeek: forward, the records skipped come at once (none lost);
// back, EventRewind and the records from the start to the new position.
func TestPlayerSeek(t *testing.T) {
	recs := spaced(100, time.Second) // a record a second, real time
	p := NewPlayer(SliceSource(recs), PlayerOptions{Speed: 1})
	p.SetPaused(true)
	p.Start()
	p.Step() // ID 1, at t0+1ms
	evs := []session.Event{<-p.Events()}
	p.Seek(10 * time.Second)
	evs = append(evs, <-p.Events())
	if got := ids(evs); len(got) != 11 {
		t.Fatalf("after Seek(+10s): %v", got)
	}
	at, _, _, done, _ := p.Position()
	if done != 11 || !at.Equal(recs[0].End().Add(10*time.Second)) {
		t.Errorf("Position after Seek(+10s): %v, %d", at, done)
	}
	p.Seek(-5 * time.Second)
	rw := <-p.Events()
	if rw.Kind != session.EventRewind {
		t.Fatalf("Seek(-5s) sent %s first", rw.Kind)
	}
	back := <-p.Events()
	if got := ids([]session.Event{back}); len(got) != 6 || got[0] != 1 {
		t.Errorf("after Seek(-5s): %v, want 1..6", got)
	}
	if _, _, _, done, _ := p.Position(); done != 6 {
		t.Errorf("done %d after the rewind", done)
	}
	p.Seek(-time.Hour) // before the start: the start
	if ev := <-p.Events(); ev.Kind != session.EventRewind {
		t.Fatalf("Seek(-1h) sent %s", ev.Kind)
	}
	p.Seek(time.Hour) // past the end: everything
	p.SetPaused(false)
	checkOnce(t, ids(drain(t, p)), 100)
}

// TestPlayerPace: Pace doubles and halves within the bounds, and says so.
func TestPlayerPace(t *testing.T) {
	for _, c := range []struct {
		from float64
		dirs []int
		want float64
		note string
	}{
		{1, []int{1}, 2, "replay speed 2×"},
		{1, []int{-1, -1}, 0.25, "replay speed 1/4×"},
		{32, []int{1, 1, 1}, MaxSpeed, "replay speed 64×"},
		{0.125, []int{-1, -1, -1}, MinSpeed, "replay speed 1/16×"},
		{0, []int{-1}, MaxSpeed, "replay speed 64×"},
		{0, []int{1}, 0, "replay speed as fast as possible"},
		{1000, nil, MaxSpeed, ""},
		{-3, nil, 0, ""},
	} {
		p := NewPlayer(SliceSource(spaced(2, time.Hour)), PlayerOptions{Speed: c.from})
		p.SetPaused(true)
		p.Start()
		var note string
		for _, d := range c.dirs {
			p.Pace(d)
			note = (<-p.Events()).Text
		}
		if p.Speed() != c.want || note != c.note {
			t.Errorf("from %v, Pace %v: speed %v, note %q; want %v, %q", c.from, c.dirs, p.Speed(), note, c.want, c.note)
		}
		_ = p.Stop(context.Background())
	}
}

// TestPlayerStop: Stop in the middle of a replay ends it (EventEnded, the
// stream closed, the file closed) and leaves no goroutine behind; with
// nobody reading, it returns when its context ends; before Start it only
// closes the stream.
func TestPlayerStop(t *testing.T) {
	before := runtime.NumGoroutine()
	path := writeRecording(t, t.TempDir(), 5000)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(r, PlayerOptions{Speed: 1})
	p.Start()
	if ev := <-p.Events(); ev.Kind != session.EventRecords {
		t.Fatalf("first event %s", ev.Kind)
	}
	go func() { _ = p.Stop(context.Background()) }()
	evs := drain(t, p)
	if len(evs) == 0 || evs[len(evs)-1].Kind != session.EventEnded {
		t.Errorf("no EventEnded after Stop: %d events", len(evs))
	}
	if err := r.f.Close(); err == nil {
		t.Error("the recording was left open")
	}
	noLeak(t, before)

	p = NewPlayer(SliceSource(spaced(10_000, 0)), PlayerOptions{})
	p.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Stop(ctx); err != nil {
		t.Errorf("Stop with nobody reading: %v", err)
	}
	noLeak(t, before)

	p = NewPlayer(SliceSource(spaced(3, 0)), PlayerOptions{})
	if err := p.Stop(context.Background()); err != nil {
		t.Error(err)
	}
	if _, ok := <-p.Events(); ok {
		t.Error("a replay stopped before Start sent an event")
	}
	p.Start()
	noLeak(t, before)
}

// TestPlayerDamagedRecording: a recording's damaged lines come as notes
// where they were met, the first 20 one by one and the rest counted at the
// end; the records all come once; the state is the recorded gateway's.
func TestPlayerDamagedRecording(t *testing.T) {
	recs := spaced(50, time.Millisecond)
	meta, _ := encodeMeta(testMeta)
	var b strings.Builder
	b.Write(meta)
	for i, r := range recs {
		b.WriteString(recordLine(t, r) + "\n")
		if i%2 == 1 {
			b.WriteString("{damaged\n")
		}
	}
	path := filepath.Join(t.TempDir(), "d.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(r, PlayerOptions{})
	p.Start()
	evs := drain(t, p)
	checkOnce(t, ids(evs), 50)
	var notes []string
	seen := 0
	for _, ev := range evs {
		seen += len(ev.Records)
		if ev.Kind != session.EventNote {
			continue
		}
		notes = append(notes, ev.Text)
		// The note on line 4 (after records 1 and 2) comes after record
		// 2 and before record 3.
		if len(notes) == 1 && seen != 2 {
			t.Errorf("the first note came after %d records, want 2", seen)
		}
	}
	if len(notes) != 21 || notes[0] != "line 4: invalid character 'd' looking for beginning of object key string (skipped)" ||
		notes[20] != "5 more damaged lines skipped" {
		t.Errorf("notes: %d %q", len(notes), notes)
	}
	st := p.State()
	if st.Gateway != testMeta.Gateway || !st.Simulated || st.APIVersion != testMeta.APIVersion {
		t.Errorf("State: %+v", st)
	}
}

// TestPlayerPositionFromFile: Position counts a recording's records in the
// background before the replay reaches its end.
func TestPlayerPositionFromFile(t *testing.T) {
	path := writeRecording(t, t.TempDir(), 3000)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(r, PlayerOptions{})
	p.SetPaused(true)
	p.Start()
	defer p.Stop(context.Background())
	_, _, _, _, total := p.Position()
	for i := 0; total < 0 && i < 500; i++ {
		time.Sleep(5 * time.Millisecond)
		_, _, _, _, total = p.Position()
	}
	at, start, end, done, total := p.Position()
	recs, _ := readAll(t, path)
	if total != 3000 || done != 0 || !start.Equal(recs[0].Start) || !end.Equal(recs[2999].End()) || !at.Equal(start) {
		t.Errorf("Position: at %v start %v end %v done %d total %d", at, start, end, done, total)
	}
}

// TestPlayerHold: with Hold, the end of the recording does not end the
// replay: a face can still go back, and Stop ends it.
func TestPlayerHold(t *testing.T) {
	recs := spaced(20, time.Second)
	p := NewPlayer(SliceSource(recs), PlayerOptions{Hold: true})
	p.Start()
	var got []session.Event
	for len(ids(got)) < 20 {
		got = append(got, <-p.Events())
	}
	select {
	case ev := <-p.Events():
		t.Fatalf("held at the end, yet %s came", ev.Kind)
	case <-time.After(50 * time.Millisecond):
	}
	if st := p.State(); st.Link != session.LinkHalted {
		t.Errorf("State at the end: %v", st.Link)
	}
	p.Seek(-10 * time.Second)
	if ev := <-p.Events(); ev.Kind != session.EventRewind {
		t.Fatalf("Seek back at the end sent %s", ev.Kind)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = p.Stop(context.Background())
	}()
	rest := drain(t, p)
	// Back to the 10th record's end, then the rest at speed 0.
	checkOnce(t, ids(rest), 20)
	if rest[len(rest)-1].Kind != session.EventEnded {
		t.Errorf("last event %s", rest[len(rest)-1].Kind)
	}
}
