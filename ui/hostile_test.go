package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"edgetop/edgeclient/edgesim"
	"edgetop/model"
	"edgetop/ui/termtext"
)

// evil is text a hostile gateway could send: colours, screen clears,
// cursor moves, a window title (OSC), a hyperlink, 8-bit CSI, NUL, BEL,
// backspace, carriage return, DEL, bidi overrides and broken UTF-8.
const evil = "\x1b[31;1mHOSTILE\x1b[0m\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\" +
	"\x9b6n\x00\x07\x08\rOVER\x7f\u202eesrever\u202c\xff\xfe\x1bP+q\x1b\\\u009b1m"

// hostileRecord carries evil in every field that came from the network,
// with a 10 MB body.
func hostileRecord(id uint64) model.Record {
	big := strings.Repeat(evil+"\n", 10<<20/(len(evil)+1))
	return model.Record{
		ID: id, Start: t0, Duration: time.Millisecond, Gateway: "https://gw" + evil, APIVersion: "2020-04-30" + evil,
		Operation: "Op" + evil, Method: "GET" + evil, Path: "/2020-04-30/things/" + evil, ProductKey: "pk" + evil,
		DeviceName: "dev" + evil, Status: 400, APICode: "Code" + evil, APIMessage: "msg" + evil,
		RequestHeaders:  []model.Header{{Name: "X" + evil, Value: evil}},
		ResponseHeaders: []model.Header{{Name: "Content-Type", Value: "application/json" + evil}},
		ResponseBody:    model.Body{ContentType: evil, Preview: big, Size: int64(len(big)), Truncated: true},
		RequestBody:     model.Body{Preview: `{"a":"` + evil + `"}`, Size: 10},
		Action:          model.Action{Kind: model.ActionKind("x" + evil), Detail: evil},
	}
}

func netHostile(id uint64) model.Record {
	r := hostileRecord(id)
	r.Status = 0
	r.Err = &model.TransportError{Kind: model.ErrKind("k" + evil), Text: evil}
	return r
}

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
		// The filter prompt takes typed text too.
		press(a, "esc", "/")
		a.Update(keyMsg("x"))
		a.prompt.text += evil
		assertOnlySGR(t, frame(t, a))
	}
}

func TestHostileRecordPlain(t *testing.T) {
	cat, _ := testCatalog(t)
	for _, r := range []model.Record{hostileRecord(1), netHostile(2)} {
		line := plainLine(&r, cat, NoColorTheme())
		assertSafe(t, line, false)
		if !strings.Contains(line, "HOSTILE") {
			t.Errorf("text was dropped instead of sanitised: %q", line)
		}
		assertOnlySGR(t, plainLine(&r, cat, NewTheme(true)))
	}
}

// TestHostileThroughProgram runs the real program (renderer included) with
// a hostile record selected and checks the bytes written to the terminal:
// none of the gateway's sequences arrive.
func TestHostileThroughProgram(t *testing.T) {
	a := newTestApp(t)
	tm := teatest.NewTestModel(t, harness{a}, teatest.WithInitialTermSize(120, 40))
	tm.Send(recordsMsg{Batch: append(sampleRecords(), hostileRecord(100))})
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

// TestHostileRunPlain runs plain mode over a channel holding hostile
// records and checks every byte written.
func TestHostileRunPlain(t *testing.T) {
	cat, codes := testCatalog(t)
	src := &fakeSource{ch: make(chan model.Record, 8)}
	src.ch <- hostileRecord(1)
	src.ch <- netHostile(2)
	ctx, cancel := context.WithCancel(context.Background())
	w := &lineWriter{cond: func(s string) bool { return strings.Count(s, "\n") >= 2 }, done: cancel}
	err := RunPlain(ctx, Deps{Observer: src, Catalog: cat, APICodes: codes, NoColor: true}, w)
	if err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if strings.Count(out, "\n") != 2 {
		t.Fatalf("want 2 lines, got %q", out)
	}
	assertSafe(t, out, true)
}

// lineWriter collects output and calls done once cond holds for it.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	cond func(string) bool
	done func()
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.cond(w.buf.String()) {
		w.done()
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestHostileChrome: the header (gateway, user, transport error kind,
// PAUSED), the footer's notice (a call's error text) and the filter
// status never pass the gateway's sequences either.
func TestHostileChrome(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Client = &fakeAPI{}; d.Gateway = "https://gw" + evil; d.APIVersion = evil })
	a.auth.User = "admin" + evil
	resize(a, 200, 50)
	feed(a, netHostile(1))
	update(t, a, callDoneMsg{Gen: a.work.gen, Call: model.Call{Kind: model.CallAuth}, Err: errors.New("auth: " + evil)})
	press(a, "p")
	feed(a, hostileRecord(2))
	a.filter.Text = evil
	s := frame(t, a)
	assertOnlySGR(t, s)
	for _, want := range []string{"HOSTILE", "PAUSED +1 new"} {
		if !strings.Contains(ansi.Strip(s), want) {
			t.Errorf("frame lacks %q", want)
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
				err = RunPlain(context.Background(), deps, io.Discard)
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
