package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient/session"
	"edgetop/ui/uitest"
)

// tourFake is a session with the tour's control.
type tourFake struct {
	*fakeSession
	next int
}

func (f *tourFake) NextStep() { f.next++ }

func TestTourCaptionSelectsTheRowAndGoesOn(t *testing.T) {
	tf := &tourFake{fakeSession: newFakeSession()}
	a := newTestApp(t, func(d *Deps) { d.Session = tf })
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	send(a, session.Event{
		Kind: session.EventTour, Count: 4, Total: 11, Code: 400, RecordID: 5, At: uitest.T0,
		Text: "A read of a property this device does not have: the gateway answers 400 Bad Request.\n\n" +
			"edgetop never sends that request again unchanged.\x1b[2J",
	})
	if r := selected(a); r == nil || r.ID != 5 {
		t.Fatalf("selected %v, want the 400 (#5)", r)
	}
	s := ansi.Strip(frame(t, a))
	for _, want := range []string{"tour 4/11 · 400 Bad Request", "never sends that request again", "· . next step"} {
		if !strings.Contains(s, want) {
			t.Fatalf("no %q on screen:\n%s", want, s)
		}
	}
	if strings.Contains(a.render(), "\x1b[2J") {
		t.Fatal("the caption reached the screen unsanitised")
	}
	golden.RequireEqual(t, s)
	cmd := update(t, a, keyMsg("."))
	if cmd == nil {
		t.Fatal(". did nothing")
	}
	cmd()
	if tf.next != 1 {
		t.Fatalf("NextStep called %d times", tf.next)
	}
}

func TestDemoStepsStayInTheStrip(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	for _, s := range []string{"demo: legacy path (302)", "demo: connection limit 2", "demo: burst past the connection limit (421)"} {
		send(a, session.Event{Kind: session.EventDemo, Text: s, At: uitest.T0})
	}
	s := ansi.Strip(frame(t, a))
	lines := strings.Split(s, "\n")
	strip := lines[len(lines)-2]
	if !strings.Contains(strip, "demo ▸") || !strings.Contains(strip, "burst past the connection limit (421)") ||
		!strings.Contains(strip, "legacy path (302)") {
		t.Fatalf("strip: %q", strip)
	}
	if strings.Contains(lines[len(lines)-1], "demo:") {
		t.Fatal("the demo's step is a footer notice again")
	}
}

// TestRewindClearsTheDemoStrip: a replay gone back clears the demo's
// steps (the replay sends those up to the new position again), so the
// strip never shows a step from after it.
func TestRewindClearsTheDemoStrip(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	send(a, session.Event{Kind: session.EventDemo, Text: "demo: connection limit 2", At: uitest.T0})
	send(a, session.Event{Kind: session.EventDemo, Text: "demo: burst past the connection limit (421)", At: uitest.T0})
	send(a, session.Event{Kind: session.EventRewind, At: uitest.T0})
	send(a, session.Event{Kind: session.EventDemo, Text: "demo: connection limit 2", At: uitest.T0})
	s := ansi.Strip(frame(t, a))
	if strings.Contains(s, "burst past") || !strings.Contains(s, "connection limit 2") {
		t.Fatalf("after going back:\n%s", s)
	}
	send(a, session.Event{Kind: session.EventRewind, At: uitest.T0})
	if got := ansi.Strip(frame(t, a)); strings.Contains(got, "demo ▸") {
		t.Fatalf("the strip stayed with no step:\n%s", got)
	}
}
