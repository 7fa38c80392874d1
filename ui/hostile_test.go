package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"edgetop/edgeclient/edgesim"
	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/plain"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
	"edgetop/ui/uitest"
)

var (
	evil          = uitest.Evil
	hostileRecord = uitest.HostileRecord
	netHostile    = uitest.NetHostile
)

// assertOnlySGR fails unless every escape sequence in s is a plain SGR
// and no other control character but '\n' is present: what our own styles
// emit.
func assertOnlySGR(t *testing.T, s string) {
	t.Helper()
	if err := termtext.CheckStyled(s); err != nil {
		t.Fatal(err)
	}
}

// assertSafe fails when s holds anything a terminal would interpret.
func assertSafe(t testing.TB, s string, multiline bool) {
	t.Helper()
	if err := termtext.Check(s, multiline); err != nil {
		t.Fatal(err)
	}
}

func TestHostileRecordOnScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		a := newTestApp(t)
		resize(a, size[0], size[1])
		feed(a, sampleRecords()...)
		feed(a, hostileRecord(100), netHostile(101))
		for _, keys := range [][]string{{}, {"k"}, {"tab", "G"}, {"t"}, {"esc", "?"}} {
			press(a, keys...)
			s := frame(t, a)
			assertOnlySGR(t, s)
			if strings.Contains(s, "pwned\a") || strings.Contains(s, "\x1b]") {
				t.Fatal("OSC reached the frame")
			}
		}
		// The filter prompt takes typed and pasted text too.
		press(a, "esc", "/")
		a.Update(keyMsg("x"))
		a.Update(tea.PasteMsg{Content: evil})
		assertOnlySGR(t, frame(t, a))
		press(a, "enter") // and the filter it applies is shown in the footer
		assertOnlySGR(t, frame(t, a))
	}
}

func TestHostileRecordPlain(t *testing.T) {
	cat, _ := uitest.Catalogs(t)
	for _, r := range []model.Record{hostileRecord(1), netHostile(2)} {
		line := plain.Line(&r, cat, theme.NoColorTheme())
		assertSafe(t, line, false)
		if !strings.Contains(line, "HOSTILE") {
			t.Errorf("text was dropped instead of sanitised: %q", line)
		}
		assertOnlySGR(t, plain.Line(&r, cat, theme.NewTheme(true)))
	}
}

// TestHostileThroughProgram runs the real program (renderer included) with
// a hostile record selected and checks the bytes written to the terminal:
// none of the gateway's sequences arrive.
func TestHostileThroughProgram(t *testing.T) {
	a := newTestApp(t)
	tm := teatest.NewTestModel(t, harness{a}, teatest.WithInitialTermSize(120, 40))
	tm.Send(eventMsg{Event: session.Event{Kind: session.EventRecords, Records: append(sampleRecords(), hostileRecord(100))}})
	waitFrame(t, tm, 5*time.Second, func(f string) bool { return strings.Contains(f, "HOSTILE") })
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	out, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\x1b[31;1mHOSTILE", "\x1b]0;pwned", "\x1b]8;;http://x", "\x9b6n", "\x00", "\u202e", "\x1bP+q", "\rOVER"} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("terminal output holds %q", bad)
		}
	}
}

// TestHostileRunPlain runs plain mode over a session that sends hostile
// records and hostile changes (lost, halted), and checks every byte
// written to stdout and to stderr (the summary, the error main prints).
func TestHostileRunPlain(t *testing.T) {
	cat, _ := uitest.Catalogs(t)
	s := newFakeSession()
	s.ch <- session.Event{Kind: session.EventRecords, Records: []model.Record{hostileRecord(1), netHostile(2)}, At: t0}
	s.ch <- session.Event{Kind: session.EventLost, Since: t0, Why: model.ErrKind(evil), Text: evil, Fix: evil}
	s.ch <- session.Event{Kind: session.EventDemo, Text: evil}
	s.ch <- session.Event{Kind: session.EventHalted, Text: evil, Fix: evil}
	var out, errOut bytes.Buffer
	err := plain.Run(context.Background(), s, plain.Options{Out: &out, Err: &errOut, Catalog: cat, NoColor: true})
	if err == nil {
		t.Fatal("a halted session ended without an error")
	}
	if n := strings.Count(out.String(), "\n"); n != 5 {
		t.Fatalf("want 5 lines, got %d: %q", n, out.String())
	}
	for _, b := range []string{out.String(), errOut.String(), termtext.ErrorLines("edgetop", err)} {
		assertSafe(t, b, true)
		if !strings.Contains(b, "HOSTILE") {
			t.Errorf("text was dropped instead of sanitised: %q", b)
		}
	}
}

// TestHostileChrome: the header (gateway, user, transport error kind,
// PAUSED), the footer's notice (a call's error text) and the filter
// status never pass the gateway's sequences either.
func TestHostileChrome(t *testing.T) {
	for _, w := range []int{80, 200} {
		s := newFakeSession()
		s.st.Gateway, s.st.APIVersion, s.st.Auth.User = "https://gw"+evil, evil, "admin"+evil
		a := newTestApp(t, func(d *Deps) { d.Session = s })
		resize(a, w, 50)
		feed(a, netHostile(1))
		update(t, a, clockTickMsg{Now: t0, State: s.State()})
		send(a, session.Event{Kind: session.EventLost, Since: t0, Why: model.ErrKind(evil), Text: evil, Fix: evil})
		send(a, session.Event{Kind: session.EventDemo, Text: "demo: " + evil})
		press(a, "p")
		feed(a, hostileRecord(2))
		frame1 := frame(t, a)
		assertOnlySGR(t, frame1)
		press(a, "p", "k", "k") // onto the lost marker: the pane explains it
		assertOnlySGR(t, frame(t, a))
		send(a, session.Event{Kind: session.EventHalted, Text: evil, Fix: evil})
		assertOnlySGR(t, frame(t, a))
		for _, want := range []string{"HOSTILE", "PAUSED +1 new"} {
			if !strings.Contains(ansi.Strip(frame1), want) {
				t.Errorf("at %d: frame lacks %q", w, want)
			}
		}
	}
}

// TestHostileExitPath: a gateway that answers the cookie's deletion at exit
// with escape sequences in its Message. Both faces report the failure
// (exit 1 in main) and the text main prints on stderr is safe.
func TestHostileExitPath(t *testing.T) {
	for _, face := range []string{"dashboard", "plain"} {
		t.Run(face, func(t *testing.T) {
			deps, _, _ := simDeps(t, edgesim.Options{Seed: 1, Faults: []edgesim.FaultRule{
				{Op: "DeleteAuthCookie", Code: 500, APICode: "Cookie" + evil, Message: evil},
			}})
			deps.Duration = 700 * time.Millisecond
			var err error
			if face == "plain" {
				var errOut bytes.Buffer
				err = plain.Run(context.Background(), deps.Session, plain.Options{
					Out: io.Discard, Err: &errOut,
					Catalog: deps.Catalog, Duration: deps.Duration,
				})
				assertSafe(t, errOut.String(), true)
			} else {
				err = Run(context.Background(), deps, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40))
			}
			if err == nil || !strings.Contains(err.Error(), "deleting the auth cookie at exit") {
				t.Fatalf("%s returned %v, want the failed deletion", face, err)
			}
			printed := termtext.ErrorLines("edgetop", err)
			assertSafe(t, printed, true)
			if !strings.Contains(printed, "HOSTILE") {
				t.Errorf("the gateway's Message is gone, not sanitised: %q", printed)
			}
		})
	}
}
