package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/uitest"
)

// t0 is the fixed clock of the tests.
var t0 = uitest.T0

var (
	sampleRecords = uitest.SampleRecords
	manyRecords   = uitest.ManyRecords
)

// fakeSession is a session the test drives: its events are what the test
// sends, its state what the test sets.
type fakeSession struct {
	ch      chan session.Event
	mu      sync.Mutex
	st      session.State
	paces   []int
	stopped bool
	stopErr error
	once    sync.Once
}

func newFakeSession() *fakeSession {
	return &fakeSession{ch: make(chan session.Event, 64), st: testState()}
}

func (f *fakeSession) Start()                       {}
func (f *fakeSession) Events() <-chan session.Event { return f.ch }

func (f *fakeSession) State() session.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fakeSession) Pace(dir int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paces = append(f.paces, dir)
}

func (f *fakeSession) Stop(context.Context) error {
	f.once.Do(func() {
		f.mu.Lock()
		f.stopped = true
		f.mu.Unlock()
		close(f.ch)
	})
	return f.stopErr
}

// testState is the session as the tests' header shows it.
func testState() session.State {
	return session.State{
		Session: "gw1", Gateway: "https://127.0.0.1:9999", APIVersion: "2020-04-30", Simulated: true,
		Link: session.LinkUp, Auth: edgeclient.AuthState{
			Authenticated: true, User: "admin",
			Expires: t0.Add(58*time.Minute + 30*time.Second),
		},
	}
}

// newTestApp is an App with the no-colour theme, a fixed clock and a fake
// session: tests feed records and events by hand.
func newTestApp(t testing.TB, opts ...func(*Deps)) *App {
	t.Helper()
	cat, codes := uitest.Catalogs(t)
	d := Deps{
		Session: newFakeSession(), Catalog: cat, APICodes: codes, Now: func() time.Time { return t0.Add(2 * time.Second) },
		NoColor: true, RingCap: 1000,
	}
	for _, o := range opts {
		o(&d)
	}
	return New(d)
}

// fake is the app's fake session.
func fake(a *App) *fakeSession { return a.deps.Session.(*fakeSession) }

// update sends msg to the app and returns the cmd.
func update(t testing.TB, a *App, msg tea.Msg) tea.Cmd {
	t.Helper()
	m, cmd := a.Update(msg)
	if m != a {
		t.Fatalf("Update returned another model")
	}
	return cmd
}

func resize(a *App, w, h int) { a.Update(tea.WindowSizeMsg{Width: w, Height: h}) }

// feed hands the app a batch of records, as the session sends them, at
// the test clock's time.
func feed(a *App, rs ...model.Record) {
	a.Update(eventMsg{Event: session.Event{Kind: session.EventRecords, Records: rs, At: a.deps.Now()}})
}

// send hands the app a session event.
func send(a *App, ev session.Event) tea.Cmd {
	_, cmd := a.Update(eventMsg{Event: ev})
	return cmd
}

func press(a *App, keys ...string) {
	for _, k := range keys {
		a.Update(keyMsg(k))
	}
}

// selected is the selected record, or nil (a mark, or nothing).
func selected(a *App) *model.Record { return a.list.Selected().Rec }

// keyMsg builds the key press for a key name as key.Matches sees it.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: ' ', Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// findMsg runs every cmd of a (possibly batched) cmd that returns at once
// and returns the first message of type T. Ticks and waits are skipped
// by running each in a goroutine with a deadline of 6 s (each command of
// a batch in turn).
func findMsg[T any](t *testing.T, cmd tea.Cmd) (T, bool) {
	t.Helper()
	return findMsgWithin[T](t, cmd, 6*time.Second) // a notice's expiry is a 5 s tick
}

// findMsgWithin is findMsg waiting up to limit for each command: an
// export's write of many records takes seconds under -race on a loaded
// machine, where a tick that never comes must still end the wait.
func findMsgWithin[T any](t *testing.T, cmd tea.Cmd, limit time.Duration) (T, bool) {
	t.Helper()
	var zero T
	if cmd == nil {
		return zero, false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(limit):
		return zero, false
	}
	if m, ok := msg.(T); ok {
		return m, true
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if m, ok := findMsgWithin[T](t, c, limit); ok {
				return m, true
			}
		}
	}
	return zero, false
}
