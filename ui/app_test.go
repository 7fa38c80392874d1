package ui

import (
	"context"
	"errors"
	"image/color"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/keys"
	"edgetop/ui/theme"
)

func TestFollowAndScroll(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, manyRecords(1, 100)...)
	if selected(a).ID != 100 || !a.list.Follow() {
		t.Fatalf("not following: %d", selected(a).ID)
	}
	press(a, "k", "k")
	if selected(a).ID != 98 || a.list.Follow() {
		t.Fatalf("after k k: %d follow=%v", selected(a).ID, a.list.Follow())
	}
	row := a.list.Cursor()
	feed(a, manyRecords(101, 50)...)
	if selected(a).ID != 98 || a.list.Cursor() != row {
		t.Fatalf("selection moved with new rows: %d, row %d->%d", selected(a).ID, row, a.list.Cursor())
	}
	press(a, "g")
	if selected(a).ID != 1 {
		t.Fatalf("g: %d", selected(a).ID)
	}
	press(a, "pgdown")
	if selected(a).ID < 20 {
		t.Fatalf("pgdn: %d", selected(a).ID)
	}
	press(a, "G")
	feed(a, manyRecords(151, 5)...)
	if selected(a).ID != 155 || !a.list.Follow() {
		t.Fatalf("G does not follow: %d", selected(a).ID)
	}
}

func TestSelectionSurvivesEviction(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.RingCap = 100 })
	resize(a, 120, 40)
	feed(a, manyRecords(1, 100)...)
	press(a, "k")
	feed(a, manyRecords(101, 50)...) // 50 oldest fall out
	if selected(a).ID != 99 {
		t.Fatalf("selected %d", selected(a).ID)
	}
	feed(a, manyRecords(151, 100)...) // the selected one falls out
	if selected(a) == nil {
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
	if a.visibleLen() != before || a.renderStats() != strip || a.list.Len() != before {
		t.Fatal("display moved while paused")
	}
	if frame := ansi.Strip(a.render()); !strings.Contains(frame, "PAUSED +120 new, 12 errors") {
		t.Fatalf("header:\n%s", frame)
	}
	if a.log.Total() != uint64(len(sampleRecords())+120) {
		t.Fatal("records were not ingested while paused")
	}
	press(a, "4") // a filter change while paused (all but 4xx): still frozen at the pause
	if a.visibleLen() != len(sampleRecords())-3 {
		t.Fatalf("all but 4xx while paused: %d", a.visibleLen())
	}
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
	if a.filter.Query.String() != "Light0" || a.modals.Top() != nil {
		t.Fatalf("filter text %q", a.filter.Query)
	}
	press(a, "/", "x", "esc")
	if a.filter.Query.String() != "Light0" {
		t.Fatal("esc in the prompt changed the filter")
	}
	press(a, "/", "q") // q is typed, not quit
	if a.quitting || !strings.Contains(ansi.Strip(a.renderFooter()), "/Light0q") {
		t.Fatalf("q in prompt: quitting=%v footer=%q", a.quitting, ansi.Strip(a.renderFooter()))
	}
}

func TestNextPreviousError(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "g", "n")
	if selected(a).Status != 400 {
		t.Fatalf("n: %d", selected(a).Status)
	}
	press(a, "n", "n")
	if selected(a).Status != 421 {
		t.Fatalf("n n: %d", selected(a).Status)
	}
	press(a, "N")
	if selected(a).Status != 401 {
		t.Fatalf("N: %d", selected(a).Status)
	}
}

// TestQuitStopsTheSession: q stops the session (streams cancelled, cookie
// deleted), and only then the program quits; a second q does nothing.
func TestQuitStopsTheSession(t *testing.T) {
	a := newTestApp(t)
	cmd := update(t, a, keyMsg("q"))
	msg := cmd()
	if _, ok := msg.(stoppedMsg); !ok || !fake(a).stopped {
		t.Fatalf("stop: %T stopped=%v", msg, fake(a).stopped)
	}
	if cmd := update(t, a, msg); cmd == nil {
		t.Fatal("no quit after the stop")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("not tea.Quit")
	}
	if cmd := update(t, a, keyMsg("ctrl+c")); cmd != nil {
		t.Fatal("second quit stopped again")
	}
}

func TestDurationQuits(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Duration = time.Second })
	if _, ok := update(t, a, durationElapsedMsg{})().(stoppedMsg); !ok {
		t.Fatal("duration did not stop the session")
	}
}

// TestPaceKeys: + and - ask the session for another pace; its EventPace
// is told once in the footer (a notice, then a quiet item that stays).
func TestPaceKeys(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	update(t, a, keyMsg("+"))()
	update(t, a, keyMsg("-"))()
	if got := fake(a).paces; len(got) != 2 || got[0] != +1 || got[1] != -1 {
		t.Fatalf("paces %v", got)
	}
	send(a, session.Event{Kind: session.EventPace, After: 50 * time.Millisecond})
	if f := ansi.Strip(a.renderFooter()); !strings.Contains(f, "one call every 50ms") || strings.Count(f, "every 50ms") != 1 {
		t.Fatalf("footer while the notice is up: %q", f)
	}
	update(t, a, noticeExpiredMsg{ID: a.notice.id})
	if f := ansi.Strip(a.renderFooter()); strings.Contains(f, "one call") || !strings.Contains(f, "every 50ms") {
		t.Fatalf("footer after the notice: %q", f)
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
	if !theme.NoColorRequested(func(k string) string { return env[k] }) {
		t.Fatal("NO_COLOR=0 must mean no colour")
	}
	if theme.NoColorRequested(func(string) string { return "" }) {
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
	if selected(a).ID != 1 {
		t.Fatalf("click selected %d", selected(a).ID)
	}
	update(t, a, tea.MouseWheelMsg{X: 5, Y: y, Button: tea.MouseWheelDown})
	if selected(a).ID != 4 {
		t.Fatalf("wheel selected %d", selected(a).ID)
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

func TestFocusAndPaneKeys(t *testing.T) {
	a := newTestApp(t)
	resize(a, 80, 24)
	feed(a, sampleRecords()...)
	press(a, "tab")
	if a.focus != focusDetail || a.helpContext() != keys.ContextDetail {
		t.Fatal("tab")
	}
	before := a.detail.View()[0]
	press(a, "j", "j")
	if a.detail.View()[0] == before {
		t.Fatal("the pane did not scroll")
	}
	press(a, "v")
	if !a.lay.Detail.Empty() || a.focus != focusList {
		t.Fatal("v did not hide the pane")
	}
	press(a, "t")
	if !a.modals.Covers() || a.helpContext() != keys.ContextOverlay {
		t.Fatal("t")
	}
	press(a, "j", "esc")
	if a.modals.Top() != nil {
		t.Fatal("esc did not close the overlay")
	}
	press(a, "?", "t")
	if top := a.modals.Top(); top == nil || !strings.Contains(top.Title(), "status codes") {
		t.Fatal("t in the help did not switch to the table")
	}
}

// TestViewChangesNoState: drawing the frame twice gives the same frame
// and changes nothing the next Update sees.
func TestViewChangesNoState(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "k", "t", "j", "j", "j")
	first := a.View().Content
	if second := a.View().Content; first != second {
		t.Fatal("two Views of one state differ")
	}
}

// TestOutageMarkers: the session's lost and back events add marker rows
// between the records (kept by a filter), selectable and explained.
func TestOutageMarkers(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, manyRecords(1, 3)...)
	lostAt := t0.Add(3 * time.Second)
	send(a, session.Event{
		Kind: session.EventLost, At: lostAt, Since: lostAt, Why: model.ErrRefused,
		Text: "refused: connection refused", Fix: "Nothing accepted the connection.",
	})
	feed(a, manyRecords(4, 2)...)
	send(a, session.Event{Kind: session.EventBack, At: lostAt.Add(12 * time.Second), After: 12 * time.Second, Failed: 3})
	feed(a, manyRecords(6, 1)...)
	frame := ansi.Strip(a.render())
	lost, back := strings.Index(frame, "gateway lost: refused"), strings.Index(frame, "gateway back after 12s, 3 calls failed")
	if lost < 0 || back < lost {
		t.Fatalf("markers:\n%s", frame)
	}
	if a.list.Len() != 8 {
		t.Fatalf("%d rows, want 6 records and 2 marks", a.list.Len())
	}
	press(a, "k") // up from record 6 onto the back marker
	if r := a.list.Selected(); r.Mark == nil || r.Mark.Kind != 1 {
		t.Fatalf("selected %+v", r)
	}
	if f := ansi.Strip(a.render()); !strings.Contains(f, "gateway back") || !strings.Contains(f, "answers again") {
		t.Fatalf("pane does not explain the marker:\n%s", f)
	}
	press(a, "2") // hide 2xx: the markers stay
	if a.list.Len() != 2 {
		t.Fatalf("filtered: %d rows", a.list.Len())
	}
}

// TestHaltIsShownAndReported: a halted session says why in the header and
// a sticky notice, and Run says it again after the screen is gone.
func TestHaltIsShownAndReported(t *testing.T) {
	a := newTestApp(t)
	resize(a, 200, 50)
	send(a, session.Event{Kind: session.EventHalted, Text: "login refused (HTTP 401)", Fix: "check --user and the password"})
	frame := ansi.Strip(a.render())
	for _, want := range []string{"■ login refused", "check --user and the password"} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame lacks %q:\n%s", want, frame)
		}
	}
	if !strings.HasPrefix(frame, " ■ login refused") {
		t.Errorf("the link state is not first: %q", strings.SplitN(frame, "\n", 2)[0])
	}
	// The whole reason, too long for the footer, is on the marker row the
	// list selects (it follows live) and in the pane.
	if r := a.list.Selected(); r.Mark == nil || !strings.Contains(frame, "session stopped") ||
		!strings.Contains(frame, "What you can do: check --user and the password") {
		t.Errorf("no halt marker explained in the pane:\n%s", frame)
	}
	s := newFakeSession()
	s.ch <- session.Event{Kind: session.EventHalted, Text: "TLS: not trusted", Fix: "--pin sha256:ab"}
	cat, codes := a.deps.Catalog, a.deps.APICodes
	err := Run(context.Background(), Deps{Session: s, Catalog: cat, APICodes: codes, NoColor: true, Duration: 300 * time.Millisecond},
		tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
	if err == nil || !strings.Contains(err.Error(), "--pin sha256:ab") || !s.stopped {
		t.Fatalf("Run = %v, stopped %v", err, s.stopped)
	}
	s2 := newFakeSession()
	s2.stopErr = errors.New("deleting the auth cookie at exit: HTTP 500")
	err = Run(context.Background(), Deps{Session: s2, Catalog: cat, APICodes: codes, NoColor: true, Duration: 100 * time.Millisecond},
		tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
	if err == nil || !strings.Contains(err.Error(), "deleting the auth cookie") {
		t.Fatalf("Run = %v, want the failed deletion", err)
	}
}

// TestHeaderLinkFirstAtEveryWidth: lost, the header starts with how long
// and why, at 80 columns as at 200.
func TestHeaderLinkFirstAtEveryWidth(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		a := newTestApp(t)
		resize(a, w, 30)
		since := t0.Add(-10 * time.Second)
		send(a, session.Event{Kind: session.EventLost, At: since, Since: since, Why: model.ErrDNS, Text: "dns"})
		head := strings.SplitN(ansi.Strip(a.render()), "\n", 2)[0]
		if !strings.HasPrefix(head, " ✗ lost 12s: dns") {
			t.Errorf("at %d columns: %q", w, head)
		}
	}
}

// The footer's key help is cached; pausing changes a label in it.
func TestFooterSaysResumeWhilePaused(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "p")
	if f := ansi.Strip(a.View().Content); !strings.Contains(f, "p resume") {
		t.Fatalf("paused footer lacks 'p resume':\n%s", f)
	}
	press(a, "p")
	if f := ansi.Strip(a.View().Content); !strings.Contains(f, "p pause") {
		t.Fatalf("resumed footer lacks 'p pause':\n%s", f)
	}
	press(a, "?") // the help still names both keys
	if f := ansi.Strip(a.View().Content); !strings.Contains(f, "p/space pause") {
		t.Fatalf("help after a pause lacks 'p/space pause':\n%s", f)
	}
}
