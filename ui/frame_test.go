package ui

import (
	"strings"
	"testing"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// pacedApp is an app whose frames are paced by a clock the test moves.
func pacedApp(t *testing.T) (*App, *time.Time) {
	t.Helper()
	clock := t0
	a := newTestApp(t, func(d *Deps) { d.Pace = func() time.Time { return clock }; d.RingCap = 100_000 })
	resize(a, 120, 40)
	return a, &clock
}

// TestFramePacingHoldsFramesNobodySees: a batch within 1/fps of the last
// frame gives the last frame again and arms a tick, which draws it; a key
// is drawn at once.
func TestFramePacingHoldsFramesNobodySees(t *testing.T) {
	a, clock := pacedApp(t)
	rs := manyRecords(1, 2)
	feed(a, rs[0])
	first := a.View().Content
	*clock = clock.Add(10 * time.Millisecond)
	feed(a, rs[1])
	if got := a.View().Content; got != first {
		t.Fatal("a batch 10 ms after the last frame rebuilt it")
	}
	if !a.pacer.armed {
		t.Fatal("no frame tick armed for the frame held back")
	}
	if a.pace(eventMsg{Event: recordsEvent(a)}) != nil {
		t.Error("a second tick armed while one is on its way")
	}
	*clock = clock.Add(30 * time.Millisecond)
	a.Update(frameTickMsg{})
	held := a.View().Content
	if held == first || !strings.Contains(held, "requests 2") {
		t.Fatalf("the tick did not draw the newest state:\n%s", held)
	}
	*clock = clock.Add(time.Millisecond)
	feed(a, manyRecords(3, 1)...)
	press(a, "up")
	if got := a.View().Content; got == held || !strings.Contains(got, "requests 3") {
		t.Fatal("a key 1 ms after a frame was not drawn at once, with the newest rows")
	}
}

// TestFramePacingListSlowerWhenFast: while records arrive faster than
// fastRate, the list takes new rows at most every listInterval; the
// header moves with every frame.
func TestFramePacingListSlowerWhenFast(t *testing.T) {
	a, clock := pacedApp(t)
	id := uint64(1)
	lens := map[int]bool{}
	var refreshes int
	last := -1
	for range 60 { // 600 ms of 50 records every 10 ms: 5,000 records/s
		*clock = clock.Add(10 * time.Millisecond)
		feed(a, manyRecords(id, 50)...)
		id += 50
		if n := a.list.Len(); n != last {
			refreshes++
			last = n
		}
		lens[a.list.Len()] = true
	}
	if refreshes > 8 || refreshes < 5 {
		t.Errorf("the list took new rows %d times in 600 ms, want about 6 (every %v)", refreshes, listInterval)
	}
	// The tick draws what was held back; then, slow again, every batch
	// shows at once.
	*clock = clock.Add(listInterval)
	a.Update(frameTickMsg{})
	if a.list.Len() != int(id-1) {
		t.Fatalf("after the tick the list holds %d rows, want %d", a.list.Len(), id-1)
	}
	for range 5 {
		*clock = clock.Add(200 * time.Millisecond)
		before := a.list.Len()
		feed(a, manyRecords(id, 1)...)
		id++
		if a.list.Len() != before+1 {
			t.Fatal("at a slow rate a batch did not reach the list")
		}
	}
}

// recordsEvent is a batch of records as the session sends it.
func recordsEvent(a *App, rs ...model.Record) session.Event {
	return session.Event{Kind: session.EventRecords, Records: rs, At: a.deps.Now()}
}
