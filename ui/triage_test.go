package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient/session"
	"edgetop/edgeclient/session/recording"
	"edgetop/model"
	"edgetop/model/har"
	"edgetop/ui/header"
	"edgetop/ui/list"
	"edgetop/ui/plain"
	"edgetop/ui/prompt"
	"edgetop/ui/summary"
	"edgetop/ui/uitest"
)

// typeText types s into the prompt on top, a key per rune, and returns the
// cmds the edits produced.
func typeText(t *testing.T, a *App, s string) {
	t.Helper()
	for _, r := range s {
		update(t, a, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// shownOps is the operations of the rows the list shows.
func shownIDs(a *App) []uint64 {
	var out []uint64
	for i := range a.list.Len() {
		if r := a.list.Row(i).Rec; r != nil {
			out = append(out, r.ID)
		}
	}
	return out
}

func TestFilterAppliesLiveAndAWrongTextKeepsTheView(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "/")
	typeText(t, a, "5xx")
	if got := shownIDs(a); fmt.Sprint(got) != "[8 9]" {
		t.Fatalf("5xx typed: rows %v, want [8 9] (applied as typed)", got)
	}
	typeText(t, a, " and ")
	before := fmt.Sprint(shownIDs(a))
	typeText(t, a, "(")
	p := a.modals.Top().(*prompt.Prompt)
	if p.Problem() == nil || !strings.Contains(p.Problem().Msg, "unclosed (") {
		t.Fatalf("problem %+v, want an unclosed paren", p.Problem())
	}
	if got := fmt.Sprint(shownIDs(a)); got != before {
		t.Fatalf("a wrong text changed the view: %v, was %v", got, before)
	}
	if !strings.Contains(ansi.Strip(a.renderFooter()), "✗ column 9: unclosed (") {
		t.Fatalf("footer: %q", ansi.Strip(a.renderFooter()))
	}
	press(a, "enter") // Enter on a wrong text keeps the prompt open
	if _, ok := a.modals.Top().(*prompt.Prompt); !ok {
		t.Fatal("Enter closed the prompt on a wrong text")
	}
	typeText(t, a, "op:List*)")
	press(a, "enter")
	if a.modals.Top() != nil {
		t.Fatal("prompt still open")
	}
	if got := shownIDs(a); fmt.Sprint(got) != "[9]" {
		t.Fatalf("5xx and (op:List*): %v", got)
	}
	if s := ansi.Strip(a.render()); !strings.Contains(s, "matching 5xx and op:List*") {
		t.Fatal("the active filter is not shown")
	}
}

func TestFilterEscGoesBackAndClearsTextBeforeToggles(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "2") // hide 2xx
	press(a, "/")
	typeText(t, a, "op:GetThingProperties")
	n := len(shownIDs(a))
	press(a, "esc") // the prompt's Esc: back to the text it opened with
	if a.filter.Query != nil || len(shownIDs(a)) == n {
		t.Fatal("Esc in the prompt did not go back")
	}
	press(a, "/")
	typeText(t, a, "op:GetThingProperties")
	press(a, "enter")
	press(a, "esc") // the list's Esc: the text goes, the toggles stay
	if a.filter.Query != nil || a.filter.Classes.Has(model.Class2xx) || a.filter.Classes == 0 {
		t.Fatalf("after one Esc: query %v, classes %b", a.filter.Query, a.filter.Classes)
	}
	press(a, "esc")
	if !a.filter.IsZero() {
		t.Fatal("the second Esc did not clear the toggles")
	}
}

func TestErrorsOnlyKey(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "E")
	for _, id := range shownIDs(a) {
		r := a.log.At(int(id - 1))
		if !r.Class().IsError() {
			t.Fatalf("errors only shows #%d (%s)", id, r.Class())
		}
	}
	if got := len(shownIDs(a)); got != 6 {
		t.Fatalf("errors only: %d rows, want 6", got)
	}
	if !strings.Contains(ansi.Strip(a.renderFooter()), "errors only") {
		t.Fatal("footer does not say errors only")
	}
	press(a, "E")
	if len(shownIDs(a)) != len(sampleRecords()) {
		t.Fatal("E again does not show everything")
	}
}

func TestSearchHighlightsAndJumpsBetweenMatches(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "s")
	typeText(t, a, "dev:Light01")
	press(a, "enter")
	if len(shownIDs(a)) != len(sampleRecords()) {
		t.Fatal("the search hid rows")
	}
	frameText := ansi.Strip(frame(t, a))
	if strings.Count(frameText, "◆") != 3 {
		// Light01: #3 #4 #5 #11; the selected row (#11, following) has its own marker.
		t.Fatalf("want 3 highlighted rows and the selected one:\n%s", frameText)
	}
	var got []uint64
	for range 4 {
		press(a, "N")
		got = append(got, selected(a).ID)
	}
	if fmt.Sprint(got) != "[11 5 4 3]" {
		t.Fatalf("N from live visits %v, want [11 5 4 3]", got)
	}
	press(a, "n")
	if selected(a).ID != 4 {
		t.Fatalf("n from #3 went to #%d, want #4", selected(a).ID)
	}
	press(a, "S") // matches only
	if fmt.Sprint(shownIDs(a)) != "[3 4 5 11]" || a.search.q != nil {
		t.Fatalf("matches only: %v", shownIDs(a))
	}
	if !strings.Contains(a.notice.text, "matches only") {
		t.Fatalf("notice %q", a.notice.text)
	}
	press(a, "esc") // all again: the notice that said otherwise goes
	if len(shownIDs(a)) == 4 || strings.Contains(ansi.Strip(a.renderFooter()), "matches only") {
		t.Fatalf("after esc: %d rows, footer %q", len(shownIDs(a)), ansi.Strip(a.renderFooter()))
	}
}

func TestSummaryPaneGroupsAndFilters(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	feed(a, manyRecords(100, 40)...) // four 404 NotFound on Light01
	press(a, "F")
	p, ok := a.modals.Top().(*summary.Pane)
	if !ok {
		t.Fatal("F did not open the summary")
	}
	golden.RequireEqual(t, ansi.Strip(frame(t, a)))
	cmd := update(t, a, keyMsg("y"))
	msg, ok := findMsg[tea.Msg](t, cmd)
	if !ok || !strings.Contains(fmt.Sprint(collectClipboard(t, cmd)), "NotFound") {
		t.Fatalf("y did not copy the summary: %v", msg)
	}
	press(a, "G")
	if g, ok := p.Selected(); !ok || g.Status != 400 { // by count, then recency: the oldest single failure last
		t.Fatalf("G selected %+v", g)
	}
	press(a, "k", "g")
	if g, _ := p.Selected(); g.Count != 4 {
		t.Fatalf("g selected %+v", g)
	}
	press(a, "enter") // the top group: 4 × 404 NotFound
	if a.modals.Top() != nil {
		t.Fatal("Enter did not close the summary")
	}
	ids := shownIDs(a)
	if len(ids) != 4 {
		t.Fatalf("the group's filter shows %v, want the four 404s", ids)
	}
	for _, id := range ids {
		if r := a.view.At(0); r.Status != 404 {
			t.Fatalf("#%d is not a 404", id)
		}
	}
}

// collectClipboard runs cmd and returns what it would put on the
// clipboard (tea.SetClipboard's message is a string).
func collectClipboard(t *testing.T, cmd tea.Cmd) []string {
	t.Helper()
	var out []string
	var walk func(tea.Cmd)
	walk = func(c tea.Cmd) {
		if c == nil {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var m tea.Msg
		select {
		case m = <-done:
		case <-time.After(time.Second):
			return
		}
		if b, ok := m.(tea.BatchMsg); ok {
			for _, x := range b {
				walk(x)
			}
			return
		}
		if fmt.Sprintf("%T", m) == "tea.setClipboardMsg" {
			out = append(out, fmt.Sprint(m))
		}
	}
	walk(cmd)
	return out
}

func TestYankCopiesSanitisedCurlAndJSON(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	hostile := uitest.HostileRecord(50)
	hostile.ResponseBody = model.Body{Preview: "short"}
	feed(a, append(sampleRecords(), hostile)...)
	clip := collectClipboard(t, update(t, a, keyMsg("y")))
	if len(clip) != 1 || !strings.Contains(clip[0], "curl ") {
		t.Fatalf("y copied %q", clip)
	}
	if strings.ContainsAny(clip[0], "\x1b\u009b\u202e\x07") {
		t.Fatalf("the copied curl holds control characters: %q", clip[0])
	}
	if !strings.Contains(ansi.Strip(a.renderFooter()), "copied request #50 as curl command") {
		t.Fatalf("no notice: %q", ansi.Strip(a.renderFooter()))
	}
	clip = collectClipboard(t, update(t, a, keyMsg("Y")))
	if len(clip) != 1 || strings.ContainsAny(clip[0], "\x1b\u009b\u202e\x07\u2028") {
		t.Fatalf("Y copied %q", clip)
	}
	var back model.Record
	if err := json.Unmarshal([]byte(clip[0]), &back); err != nil || back.ID != 50 || !strings.HasPrefix(back.APICode, "Code") {
		t.Fatalf("the copied JSON does not decode to the record: %v", err)
	}
}

func TestTimeKeyCyclesClocks(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "T")
	if a.clock.Mode != list.TimeUTC || !strings.Contains(ansi.Strip(frame(t, a)), "time UTC") {
		t.Fatal("T did not switch to UTC")
	}
	press(a, "T")
	s := ansi.Strip(frame(t, a))
	if !strings.Contains(s, "+time") || !strings.Contains(s, "+0:00 ") {
		t.Fatalf("relative time not shown:\n%s", s)
	}
	press(a, "T")
	if a.clock.Mode != list.TimeLocal {
		t.Fatal("T did not come back to local time")
	}
}

func TestExportKeyWritesTheFilteredView(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "5") // hide 5xx
	openExportAs(t, a)
	path := filepath.Join(t.TempDir(), "view.har")
	typeText(t, a, path)
	cmd := update(t, a, keyMsg("enter"))
	m, ok := findMsg[exportedMsg](t, cmd)
	if !ok || m.Err != nil || m.N != len(sampleRecords())-2 {
		t.Fatalf("export: %+v", m)
	}
	update(t, a, m)
	if !strings.Contains(ansi.Strip(a.renderFooter()), "exported 9 requests") {
		t.Fatalf("no notice: %q", ansi.Strip(a.renderFooter()))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := har.Read(f)
	if err != nil || len(recs) != 9 {
		t.Fatalf("read back %d records: %v", len(recs), err)
	}
	for _, r := range recs {
		if r.Class() == model.Class5xx {
			t.Fatalf("a hidden 5xx was exported: #%d", r.ID)
		}
	}
}

func TestFailOnQuitsWithTheRecord(t *testing.T) {
	q, err := model.ParseQuery("5xx", t0)
	if err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, func(d *Deps) { d.FailOn = q })
	resize(a, 120, 40)
	feed(a, sampleRecords()[:7]...)
	if a.quitting {
		t.Fatal("quit before a 5xx")
	}
	feed(a, sampleRecords()[7:]...)
	if !a.quitting || a.failedOn == nil || a.failedOn.ID != 8 {
		t.Fatalf("--fail-on 5xx: quitting %v on %+v", a.quitting, a.failedOn)
	}
	var fe *plain.FailOnError
	_ = fe
}

// replayFake is a session with the replay's controls.
type replayFake struct {
	*fakeSession
	paused bool
	seeks  []string
	steps  int
}

func (r *replayFake) SetPaused(p bool) { r.paused = p }
func (r *replayFake) Paused() bool     { return r.paused }
func (r *replayFake) Step()            { r.steps++ }
func (r *replayFake) Seek(d time.Duration) {
	r.seeks = append(r.seeks, d.String())
}

func (r *replayFake) Position() (at, start, end time.Time, done, total int) {
	return t0.Add(90e9), t0, t0.Add(180e9), 5, 10
}

func TestReplayKeysAndRewind(t *testing.T) {
	rf := &replayFake{fakeSession: newFakeSession()}
	a := newTestApp(t, func(d *Deps) { d.Session = rf })
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "p", ".", "[", "}")
	if !rf.paused || rf.steps != 1 || fmt.Sprint(rf.seeks) != "[-10s 1m0s]" {
		t.Fatalf("paused %v steps %d seeks %v", rf.paused, rf.steps, rf.seeks)
	}
	if a.pause.on {
		t.Fatal("in a replay p pauses the replay, not only the screen")
	}
	foot := ansi.Strip(a.renderFooter())
	if !strings.Contains(foot, "replay paused 13:08:31 50%") {
		t.Fatalf("footer: %q", foot)
	}
	if h := ansi.Strip(header.Line(a.theme, a.width, a.headerData())); !strings.HasPrefix(h, " REPLAY paused · ") {
		t.Fatalf("header: %q", h)
	}
	send(a, session.Event{Kind: session.EventNote, Text: recording.SpeedNote + "8×"})
	if a.notice.text != "" {
		t.Fatalf("the speed told twice: notice %q beside the footer's replay item", a.notice.text)
	}
	press(a, "F") // a summary open across the rewind
	send(a, session.Event{Kind: session.EventRewind, At: t0})
	if a.log.Len() != 0 || a.stats.Total() != 0 || a.failures.Total() != 0 {
		t.Fatal("a rewind did not clear the log")
	}
	feed(a, sampleRecords()[:3]...)
	if a.log.Len() != 3 {
		t.Fatalf("after the rewind: %d records", a.log.Len())
	}
}

// TestExportWaitsForTheReFilter: an export asked for while a re-filter is
// still going through the ring waits for it (the loop never held up), then
// writes every match held, not the part examined so far.
func TestExportWaitsForTheReFilter(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.RingCap = 200_000 })
	resize(a, 120, 40)
	rs := manyRecords(1, 150_000)
	want := 0
	for i := range rs {
		if rs[i].Class() == model.Class4xx {
			want++
		}
	}
	feed(a, rs...)
	press(a, "/")
	typeText(t, a, "4xx")
	press(a, "enter")
	if a.view.Complete() {
		t.Fatal("the re-filter of 150,000 records was done at once: nothing to wait for")
	}
	openExportAs(t, a)
	path := filepath.Join(t.TempDir(), "view.jsonl")
	typeText(t, a, path)
	update(t, a, keyMsg("enter"))
	if a.exportAfterScan != path {
		t.Fatal("the export did not wait for the re-filter")
	}
	if !strings.Contains(ansi.Strip(a.renderFooter()), "export: waiting") {
		t.Fatalf("no notice of the wait: %q", ansi.Strip(a.renderFooter()))
	}
	m := tickUntilExported(t, a, 20)
	if m.Err != nil || m.N != want {
		t.Fatalf("export: %+v, want %d records", m, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil || strings.Count(string(raw), "\n") != want {
		t.Fatalf("file holds %d lines, want %d (%v)", strings.Count(string(raw), "\n"), want, err)
	}
}

// TestExportCopiesInSlices: a big view's snapshot is copied a slice a
// tick ("exporting N%"), the records arriving meanwhile are not in it, a
// second export waits, and the file holds exactly the view as it was.
func TestExportCopiesInSlices(t *testing.T) {
	defer func(n int) { exportSlice = n }(exportSlice)
	exportSlice = 1000
	a := newTestApp(t, func(d *Deps) { d.RingCap = 20_000 })
	resize(a, 120, 40)
	feed(a, manyRecords(1, 5000)...)
	openExportAs(t, a)
	path := filepath.Join(t.TempDir(), "view.csv")
	typeText(t, a, path)
	update(t, a, keyMsg("enter"))
	if a.exporting == nil || !strings.Contains(a.scanText(), "exporting 20%") {
		t.Fatalf("no export in slices: %q", a.scanText())
	}
	feed(a, manyRecords(5001, 100)...) // after the export began: not in it
	a.exportView(path + "2.csv")
	if !strings.Contains(ansi.Strip(a.renderFooter()), "still being copied") {
		t.Fatal("a second export did not wait for the first")
	}
	m := tickUntilExported(t, a, 10)
	raw, err := os.ReadFile(path)
	if m.Err != nil || m.N != 5000 || m.Lost != 0 || err != nil || strings.Count(string(raw), "\n") != 5001 {
		t.Fatalf("export %+v: file of %d lines (%v), want a header and 5000 rows", m, strings.Count(string(raw), "\n"), err)
	}
	if a.exporting != nil || a.scanText() != "" {
		t.Fatal("the export is still going")
	}
}

// exportWait is how long a test waits for an export's write: seconds
// for 100k records under -race on a loaded machine.
const exportWait = time.Minute

// tickUntilExported sends the scan's ticks, at most ticks of them, until
// one brings the export's outcome.
func tickUntilExported(t *testing.T, a *App, ticks int) exportedMsg {
	t.Helper()
	for range ticks {
		if m, ok := findMsgWithin[exportedMsg](t, update(t, a, scanTickMsg{}), exportWait); ok {
			return m
		}
	}
	t.Fatalf("no export after %d ticks", ticks)
	return exportedMsg{}
}

// openExportAs opens the export prompt and clears the name it offers.
func openExportAs(t *testing.T, a *App) {
	t.Helper()
	press(a, "e")
	p := a.modals.Top().(*prompt.Prompt)
	for range len(p.Text()) {
		press(a, "backspace")
	}
}

// TestExportWaitingSurvivesAClearedFilter: an export waiting for a
// re-filter still starts when the filter is cleared meanwhile (the view
// complete at once, no scan left to tick), with the view as it is then.
func TestExportWaitingSurvivesAClearedFilter(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.RingCap = 200_000 })
	resize(a, 120, 40)
	feed(a, manyRecords(1, scanSlice+10_000)...) // more than a first page
	press(a, "/")
	typeText(t, a, "4xx")
	press(a, "enter")
	openExportAs(t, a)
	path := filepath.Join(t.TempDir(), "view.jsonl")
	typeText(t, a, path)
	update(t, a, keyMsg("enter"))
	press(a, "esc") // the filter cleared: the view is the whole log, complete
	if !a.view.Complete() || a.exportAfterScan != path {
		t.Fatalf("complete %v, waiting for %q", a.view.Complete(), a.exportAfterScan)
	}
	if m := tickUntilExported(t, a, 1); m.Err != nil || m.N != scanSlice+10_000 {
		t.Fatalf("export after the filter was cleared: %+v", m)
	}
}

// TestSummaryNamesTheDeviceWhenNarrow: at 80 columns a summary row whose
// ProductKey/DeviceName does not fit shows the device's name, as the list
// does, so rows of different devices are told apart.
func TestSummaryNamesTheDeviceWhenNarrow(t *testing.T) {
	a := newTestApp(t)
	resize(a, 80, 24)
	rs := manyRecords(1, 2)
	for i, dn := range []string{"THSensor01", "THSensor02"} {
		rs[i].ProductKey, rs[i].DeviceName, rs[i].Status, rs[i].APICode = "a1THsR2kM9p", dn, 503, "ServiceUnavailable"
	}
	feed(a, rs...)
	press(a, "F")
	fr := ansi.Strip(frame(t, a))
	if !strings.Contains(fr, "THSensor01") || !strings.Contains(fr, "THSensor02") {
		t.Fatalf("the devices' names are not in the summary:\n%s", fr)
	}
}
