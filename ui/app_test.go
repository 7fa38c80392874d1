package ui

import (
	"context"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/model"
)

// run executes a cmd synchronously and returns its message (the first one
// of a batch that is of type T, when T is given).
func runCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("nil cmd")
	}
	return cmd()
}

// findMsg runs every cmd of a (possibly batched) cmd that returns quickly
// and returns the first message of type T. Ticks are not waited for: they
// are skipped by their type.
func findMsg[T any](t *testing.T, cmd tea.Cmd) (T, bool) {
	t.Helper()
	var zero T
	if cmd == nil {
		return zero, false
	}
	msg := cmd()
	if m, ok := msg.(T); ok {
		return m, true
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if m, ok := findMsg[T](t, c); ok {
				return m, true
			}
		}
	}
	return zero, false
}

func TestWorkloadDrivesThePlan(t *testing.T) {
	api := &fakeAPI{things: []edgeclient.Thing{{ProductKey: "pk", DeviceName: "d1"}, {ProductKey: "pk", DeviceName: "d2"}}}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	resize(a, 120, 40)
	var calls []string
	for i := 0; i < 6; i++ {
		cmd := update(t, a, workloadTickMsg{Gen: a.work.gen})
		m, ok := findMsg[callDoneMsg](t, cmd)
		if !ok {
			// the watch (the fake has none) arms the next tick at once
			continue
		}
		calls = append(calls, m.Call.Kind.String())
		update(t, a, m)
	}
	if got := strings.Join(calls, ","); got != "auth,list,get,get,get" {
		t.Fatalf("calls %s", got)
	}
	if got := api.Calls(); got != "auth,list,tsl pk,get pk/d1,get pk/d2,get pk/d1" {
		t.Fatalf("client saw %s", got)
	}
}

func TestStaleResultsAreDropped(t *testing.T) {
	api := &fakeAPI{}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	if cmd := update(t, a, workloadTickMsg{Gen: a.work.gen + 1}); cmd != nil {
		t.Fatal("stale tick started a call")
	}
	cmd := update(t, a, workloadTickMsg{Gen: a.work.gen})
	m, _ := findMsg[callDoneMsg](t, cmd)
	m.Gen++
	if cmd := update(t, a, m); cmd != nil {
		t.Fatal("stale result armed a tick")
	}
	if a.work.plan.Authenticated() {
		t.Fatal("stale result reached the plan")
	}
	a.work.watchID = 5
	a.conn.watching = true
	update(t, a, watchEndedMsg{ID: 4})
	if !a.conn.watching {
		t.Fatal("stale watch end applied")
	}
	update(t, a, watchEndedMsg{ID: 5})
	if a.conn.watching {
		t.Fatal("watch end not applied")
	}
}

func TestFollowAndScroll(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, manyRecords(1, 100)...)
	if a.selected().ID != 100 || !a.list.follow {
		t.Fatalf("not following: %d", a.selected().ID)
	}
	press(a, "k", "k")
	if a.selected().ID != 98 || a.list.follow {
		t.Fatalf("after k k: %d follow=%v", a.selected().ID, a.list.follow)
	}
	top := a.list.top
	feed(a, manyRecords(101, 50)...)
	if a.selected().ID != 98 || a.list.top != top {
		t.Fatalf("selection moved with new rows: %d top %d->%d", a.selected().ID, top, a.list.top)
	}
	press(a, "g")
	if a.selected().ID != 1 {
		t.Fatalf("g: %d", a.selected().ID)
	}
	press(a, "pgdown")
	if a.selected().ID != uint64(1+a.list.h-1) {
		t.Fatalf("pgdn: %d", a.selected().ID)
	}
	press(a, "G")
	feed(a, manyRecords(151, 5)...)
	if a.selected().ID != 155 || !a.list.follow {
		t.Fatalf("G does not follow: %d", a.selected().ID)
	}
}

func TestSelectionSurvivesEviction(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.RingCap = 100 })
	resize(a, 120, 40)
	feed(a, manyRecords(1, 100)...)
	press(a, "k")
	feed(a, manyRecords(101, 50)...) // 50 oldest fall out
	if a.selected().ID != 99 {
		t.Fatalf("selected %d", a.selected().ID)
	}
	feed(a, manyRecords(151, 100)...) // the selected one falls out
	if a.selected() == nil {
		t.Fatal("nothing selected")
	}
	_ = frame(t, a)
}

func TestPauseFreezesTheDisplay(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "p")
	before := a.visibleLen()
	strip := a.renderStats()
	feed(a, manyRecords(100, 120)...)
	if a.visibleLen() != before || a.renderStats() != strip {
		t.Fatal("display moved while paused")
	}
	if !strings.Contains(a.renderHeader(), "PAUSED +120 new, 12 errors") {
		t.Fatalf("header: %s", a.renderHeader())
	}
	if a.log.Total() != uint64(len(sampleRecords())+120) {
		t.Fatal("records were not ingested while paused")
	}
	press(a, "4") // filter change while paused: hidden is recounted
	press(a, "p")
	if a.visibleLen() != a.view.Len() || a.pause.on {
		t.Fatal("unpause did not show everything")
	}
}

func TestClassTogglesAndTextFilter(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "2", "3", "5", "x")
	if a.visibleLen() != 3 {
		t.Fatalf("4xx only: %d rows", a.visibleLen())
	}
	for i := 0; i < a.visibleLen(); i++ {
		if a.view.At(i).Class() != model.Class4xx {
			t.Fatal("non-4xx row shown")
		}
	}
	press(a, "esc")
	if a.visibleLen() != len(sampleRecords()) {
		t.Fatal("esc did not clear the filter")
	}
	press(a, "/", "L", "i", "g", "h", "t", "0", "4", "backspace", "enter")
	if a.filter.Text != "Light0" || a.prompt.on {
		t.Fatalf("filter text %q", a.filter.Text)
	}
	press(a, "/", "x", "esc")
	if a.filter.Text != "Light0" {
		t.Fatal("esc in the prompt changed the filter")
	}
	press(a, "/", "q") // q is typed, not quit
	if a.quitting || a.prompt.text != "Light0q" {
		t.Fatalf("q in prompt: quitting=%v text=%q", a.quitting, a.prompt.text)
	}
}

func TestNextPreviousError(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "g", "n")
	if a.selected().Status != 400 {
		t.Fatalf("n: %d", a.selected().Status)
	}
	press(a, "n", "n")
	if a.selected().Status != 421 {
		t.Fatalf("n n: %d", a.selected().Status)
	}
	press(a, "N")
	if a.selected().Status != 401 {
		t.Fatalf("N: %d", a.selected().Status)
	}
}

func TestQuitCleansUp(t *testing.T) {
	api := &fakeAPI{}
	a := newTestApp(t, func(d *Deps) { d.Client = api })
	cmd := update(t, a, keyMsg("q"))
	if a.ctx.Err() == nil {
		t.Fatal("streams not cancelled")
	}
	msg := runCmd(t, cmd)
	if _, ok := msg.(cleanupDoneMsg); !ok || !api.closed {
		t.Fatalf("cleanup: %T closed=%v", msg, api.closed)
	}
	if cmd := update(t, a, msg); cmd == nil {
		t.Fatal("no quit after cleanup")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("not tea.Quit")
	}
	if cmd := update(t, a, keyMsg("ctrl+c")); cmd != nil {
		t.Fatal("second quit started another cleanup")
	}
}

func TestDurationQuits(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Duration = time.Second })
	if _, ok := runCmd(t, update(t, a, durationElapsedMsg{})).(cleanupDoneMsg); !ok {
		t.Fatal("duration did not clean up")
	}
}

func TestRateKeys(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{} })
	start := a.work.interval
	update(t, a, keyMsg("+"))
	if a.work.interval >= start {
		t.Fatalf("+ did not speed up: %v", a.work.interval)
	}
	for range 20 {
		update(t, a, keyMsg("-"))
	}
	if a.work.interval != intervals[0] {
		t.Fatalf("- did not stop at the slowest: %v", a.work.interval)
	}
}

func TestNoticeExpiresByID(t *testing.T) {
	a := newTestApp(t)
	a.setNotice(noticeInfo, "one")
	first := a.notice.id
	a.setNotice(noticeInfo, "two")
	update(t, a, noticeExpiredMsg{ID: first})
	if a.notice.text != "two" {
		t.Fatal("old timer cleared the new notice")
	}
	update(t, a, noticeExpiredMsg{ID: a.notice.id})
	if a.notice.text != "" {
		t.Fatal("notice not cleared")
	}
}

func TestThemeFollowsBackgroundAndNoColor(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.NoColor = false })
	update(t, a, tea.BackgroundColorMsg{Color: color.White})
	if a.dark || a.theme.NoColor {
		t.Fatal("light background not applied")
	}
	b := newTestApp(t)
	update(t, b, tea.BackgroundColorMsg{Color: color.White})
	if !b.theme.NoColor {
		t.Fatal("NO_COLOR theme replaced")
	}
	env := map[string]string{"NO_COLOR": "0"}
	if !NoColorRequested(func(k string) string { return env[k] }) {
		t.Fatal("NO_COLOR=0 must mean no colour")
	}
	if NoColorRequested(func(string) string { return "" }) {
		t.Fatal("empty NO_COLOR")
	}
}

func TestMouse(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	// Row 0 of the list is at y = list.Y + border + header row.
	y := a.lay.List.Y + 2
	update(t, a, tea.MouseClickMsg{X: 5, Y: y, Button: tea.MouseLeft})
	if a.selected().ID != 1 {
		t.Fatalf("click selected %d", a.selected().ID)
	}
	update(t, a, tea.MouseWheelMsg{X: 5, Y: y, Button: tea.MouseWheelDown})
	if a.selected().ID != 4 {
		t.Fatalf("wheel selected %d", a.selected().ID)
	}
	update(t, a, tea.MouseClickMsg{X: a.lay.Detail.X + 3, Y: y, Button: tea.MouseLeft})
	if a.focus != focusDetail {
		t.Fatal("click on the pane did not focus it")
	}
	press(a, "m")
	if a.View().MouseMode != tea.MouseModeNone {
		t.Fatal("mouse capture not released")
	}
}

func TestDrainBatches(t *testing.T) {
	src := &fakeSource{ch: make(chan model.Record, 100), dropped: 7}
	for _, r := range manyRecords(1, 10) {
		src.ch <- r
	}
	m, ok := runCmd(t, drainCmd(context.Background(), src, func() time.Time { return t0 })).(recordsMsg)
	if !ok || len(m.Batch) != 10 || m.Dropped != 7 || !m.Now.Equal(t0) {
		t.Fatalf("batch of %d, dropped %d", len(m.Batch), m.Dropped)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if msg := runCmd(t, drainCmd(ctx, src, time.Now)); msg != nil {
		t.Fatalf("cancelled drain returned %T", msg)
	}
	if drainCmd(ctx, nil, time.Now) != nil {
		t.Fatal("drain without a source")
	}
}

func TestFocusAndPaneKeys(t *testing.T) {
	a := newTestApp(t)
	resize(a, 80, 24)
	feed(a, sampleRecords()...)
	press(a, "tab")
	if a.focus != focusDetail {
		t.Fatal("tab")
	}
	press(a, "j", "j")
	if a.detail.top != 2 {
		t.Fatalf("pane scroll %d", a.detail.top)
	}
	press(a, "v")
	if !a.lay.Detail.Empty() || a.focus != focusList {
		t.Fatal("v did not hide the pane")
	}
	press(a, "t")
	if a.overlay != overlayTable {
		t.Fatal("t")
	}
	press(a, "j", "esc")
	if a.overlay != overlayNone {
		t.Fatal("esc did not close the overlay")
	}
}
