package ui

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/prompt"
	"edgetop/ui/termtext"
)

// TestNextPreviousErrorFromLive: while following live, N lands on the
// newest error (the newest row itself when it is one), and n, with no newer
// error, leaves the selection and says so instead of doing nothing visible.
func TestNextPreviousErrorFromLive(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...) // the newest is a 200; the one before a transport error
	cmd := update(t, a, keyMsg("n"))
	if selected(a).ID != 11 || !a.list.Follow() {
		t.Fatalf("n from live moved: %d follow=%v", selected(a).ID, a.list.Follow())
	}
	if a.notice.text != "no newer error" {
		t.Fatalf("notice %q", a.notice.text)
	}
	if m, ok := findMsg[noticeExpiredMsg](t, cmd); !ok || m.ID != a.notice.id {
		t.Fatalf("no expiry for the notice: %v %v", m, ok)
	}
	press(a, "N")
	if selected(a).ID != 10 || a.list.Follow() {
		t.Fatalf("N from live: %d follow=%v", selected(a).ID, a.list.Follow())
	}

	press(a, "G")
	last := manyRecords(50, 8)[7] // a 404
	feed(a, last)
	press(a, "N")
	if selected(a).ID != last.ID {
		t.Fatalf("N from live with an error newest: %d", selected(a).ID)
	}

	press(a, "g")
	update(t, a, keyMsg("N"))
	if selected(a).ID != 1 || a.notice.text != "no older error" {
		t.Fatalf("N at the oldest: %d %q", selected(a).ID, a.notice.text)
	}
}

// TestNextErrorFromPane: n and N also work while the pane has the focus,
// and the pane then explains the error.
func TestNextErrorFromPane(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "g", "tab", "n")
	if a.focus != focusDetail || selected(a).Status != 400 {
		t.Fatalf("focus %v selected %d", a.focus, selected(a).Status)
	}
	if !strings.Contains(frame(t, a), "400 Bad Request") {
		t.Fatal("the pane does not explain the 400")
	}
}

// TestNextErrorNoRows: n on an empty list says there is nothing to jump to.
func TestNextErrorNoRows(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	press(a, "n")
	if a.notice.text != "no requests shown" {
		t.Fatalf("notice %q", a.notice.text)
	}
}

// TestFooterKeepsNoticeAt80: at 80 columns the footer's notice and a
// changed pace stay visible (the pace at start is not shown); the key
// help gives up whole items instead.
func TestFooterKeepsNoticeAt80(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Session.(*fakeSession).st.Interval = 200 * time.Millisecond })
	resize(a, 80, 24)
	feed(a, sampleRecords()...)
	if f := ansi.Strip(a.renderFooter()); strings.Contains(f, "every") {
		t.Fatalf("the pace at start is shown: %q", f)
	}
	update(t, a, clockTickMsg{Now: t0, State: session.State{Interval: 100 * time.Millisecond}})
	press(a, "n")
	f := ansi.Strip(a.renderFooter())
	if termtext.Width(f) != 80 || !strings.Contains(f, "no newer error") || !strings.Contains(f, "every 100ms") {
		t.Fatalf("footer %q", f)
	}
	if !strings.Contains(f, "n next error") || strings.Contains(f, "q quit") {
		t.Fatalf("help not cut by whole items: %q", f)
	}
}

// TestPaneFocusStopsFollowing: reading the pane is not interrupted by new
// records: focusing it pins the selected row (and its scroll position).
func TestPaneFocusStopsFollowing(t *testing.T) {
	a := newTestApp(t)
	resize(a, 80, 24)
	feed(a, sampleRecords()...)
	press(a, "tab", "j", "j")
	feed(a, manyRecords(100, 5)...)
	if selected(a).ID != 11 || a.detail.Top() != 2 {
		t.Fatalf("selected %d, pane top %d", selected(a).ID, a.detail.Top())
	}
	_ = frame(t, a)
	if a.detail.Top() != 2 {
		t.Fatalf("pane scroll lost on redraw: %d", a.detail.Top())
	}
	press(a, "tab", "G")
	feed(a, manyRecords(200, 1)...)
	if selected(a).ID != 200 {
		t.Fatalf("G did not resume following: %d", selected(a).ID)
	}
}

// TestPasteIntoFilterPrompt: a bracketed paste lands in the prompt,
// sanitised and bounded; outside the prompt it is ignored.
func TestPasteIntoFilterPrompt(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	update(t, a, tea.PasteMsg{Content: "Light"})
	if a.modals.Top() != nil || a.filter.Query != nil {
		t.Fatal("paste outside the prompt did something")
	}
	press(a, "/")
	p := a.modals.Top().(*prompt.Prompt)
	update(t, a, tea.PasteMsg{Content: "Light\x1b[31m04\n"})
	if p.Text() != "Light04" {
		t.Fatalf("prompt %q", p.Text())
	}
	update(t, a, tea.PasteMsg{Content: strings.Repeat("é", 300)})
	if len(p.Text()) > prompt.MaxBytes || !utf8.ValidString(p.Text()) {
		t.Fatalf("prompt not bounded: %d bytes", len(p.Text()))
	}
}

// TestTableOpensAtSelectedCode: t opens the status table at the selected
// row's code; enter reads the row in the pane, showing it if hidden.
func TestTableOpensAtSelectedCode(t *testing.T) {
	a := newTestApp(t)
	resize(a, 80, 24)
	feed(a, sampleRecords()...)
	press(a, "g", "n", "n") // 400, 401
	if selected(a).Status != 401 {
		t.Fatalf("selected %d", selected(a).Status)
	}
	press(a, "t")
	body := strings.Split(ansi.Strip(frame(t, a)), "\n")[a.lay.Body.Y+1]
	if !strings.Contains(body, "401 Unauthorized") {
		t.Fatalf("table opened at %q", body)
	}
	// Near the end the table is scrolled as far as it goes: the code shows.
	press(a, "esc", "n")
	press(a, "t")
	if selected(a).Status != 421 || !strings.Contains(frame(t, a), "421 Too Many Connections") {
		t.Fatal("421 not in view")
	}
	press(a, "esc", "v", "enter")
	if a.lay.Detail.Empty() || a.focus != focusDetail {
		t.Fatal("enter did not open the pane")
	}
}

// TestDuplicateIDsDrawnApart: two records with the same ID (two clients
// feeding one observer) are each drawn as themselves, in the list and in
// the pane.
func TestDuplicateIDsDrawnApart(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	rs := sampleRecords()
	feed(a, rs[:3]...)
	press(a, "g")   // ID 1 selected: the rows of IDs 2 and 3 are cached
	_ = frame(t, a) // caches the rows
	dup := rs[1]    // ID 2, a 200 ListThings
	dup.Status, dup.Operation, dup.APICode = 403, "CallThingServices", "Forbidden"
	feed(a, dup)
	s := ansi.Strip(frame(t, a))
	if strings.Count(s, "ListThings") != 1 || !strings.Contains(s, "CallThingServices") {
		t.Fatalf("duplicate ID drawn as the other record:\n%s", s)
	}
	press(a, "j") // the first ID 2 in the pane
	_ = frame(t, a)
	press(a, "G") // the second
	if s := ansi.Strip(frame(t, a)); !strings.Contains(s, "Code: Forbidden") {
		t.Fatalf("the pane explains the other record:\n%s", s)
	}
}

// TestOverlaySwitch: t in the help shows the table, ? in the table the
// help; the overlay's own key closes it.
func TestOverlaySwitch(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	press(a, "?", "t")
	if got := overlayTitle(a); !strings.Contains(got, "status codes") {
		t.Fatalf("t in help: overlay %q", got)
	}
	press(a, "?")
	if got := overlayTitle(a); got != "help" {
		t.Fatalf("? in table: overlay %q", got)
	}
	press(a, "?")
	if got := overlayTitle(a); got != "" {
		t.Fatal("? did not close the help")
	}
}

// TestUnusableSuccessIsAFailure: a 200 whose body the client could not use
// (truncated, malformed) is a failure in every view: the transport glyph
// and the reason in the row, n/N stop on it, the error rate counts it, the
// 2xx filter hides it and the pane does not say the call was successful.
func TestUnusableSuccessIsAFailure(t *testing.T) {
	a := newTestApp(t)
	resize(a, 200, 50)
	recs := manyRecords(1, 4)
	recs[2].Err = &model.TransportError{Kind: model.ErrMalformed, Text: "malformed response body: unexpected end of JSON input"}
	feed(a, recs...)
	press(a, "N")
	if r := selected(a); r == nil || r.ID != 3 {
		t.Fatalf("N did not stop on the unusable 200: %+v", r)
	}
	frame := ansi.Strip(a.View().Content)
	row := lineWith(frame, "▸")
	if !strings.Contains(row, "⚡ 200") || !strings.Contains(row, "malformed") || strings.Contains(row, "Success") {
		t.Errorf("row %q", row)
	}
	if !strings.Contains(frame, "200 Success, unusable answer") || strings.Contains(frame, "The call was successful") {
		t.Errorf("pane:\n%s", frame)
	}
	if got := a.stats.ErrorRate(recs[3].End().Add(time.Second)); got != 0.25 {
		t.Errorf("error rate %v, want 0.25", got)
	}
	press(a, "2") // hide 2xx: the unusable one stays
	if a.visibleLen() != 1 || a.view.At(0).ID != 3 {
		t.Errorf("2xx hidden: %d rows", a.visibleLen())
	}
}

func lineWith(frame, s string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// overlayTitle is the title of the dialog over the body, or "".
func overlayTitle(a *App) string {
	if m := a.modals.Top(); m != nil && a.modals.Covers() {
		return m.Title()
	}
	return ""
}
