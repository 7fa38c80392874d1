package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/actions"
)

// fakeActions holds what each fake session was asked to do.
var fakeActions = struct {
	sync.Mutex
	m map[*fakeSession][]session.Action
}{m: map[*fakeSession][]session.Action{}}

// Do records the action (the fake session takes actions, as the engine).
func (f *fakeSession) Do(a session.Action) {
	fakeActions.Lock()
	defer fakeActions.Unlock()
	fakeActions.m[f] = append(fakeActions.m[f], a)
}

// done is what the fake session was asked to do.
func (f *fakeSession) done() []session.Action {
	fakeActions.Lock()
	defer fakeActions.Unlock()
	return append([]session.Action(nil), fakeActions.m[f]...)
}

// testLightTSL is a light's TSL, as GetTSL gives it.
const testLightTSL = `{"profile":{"productKey":"a1Light"},"properties":[
 {"identifier":"LightSwitch","name":"Light switch","accessMode":"rw","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
 {"identifier":"Brightness","name":"Brightness","accessMode":"rw","dataType":{"type":"int","specs":{"min":"0","max":"100","step":"1","unit":"%"}}},
 {"identifier":"Color","name":"Color","accessMode":"rw","dataType":{"type":"text","specs":{"length":"16"}}},
 {"identifier":"MeasuredIlluminance","name":"Measured illuminance","accessMode":"r","dataType":{"type":"double","specs":{"min":"0","max":"65535"}}}],
 "services":[{"identifier":"toggle","name":"Toggle","inputData":[]}]}`

// openSetForm selects a1Light/Light01's row, opens the actions (a), picks
// "set properties" (1) and answers the TSL read the menu sent.
func openSetForm(t *testing.T, a *App) *actions.Form {
	t.Helper()
	press(a, "G", "a")
	if _, ok := a.modals.Top().(actions.Waiter); ok {
		t.Fatal("the menu waits for nothing")
	}
	exec(t, a, keyMsg("1"))
	acts := fake(a).done()
	if len(acts) != 1 || acts[0].Kind != session.ActionTSL || acts[0].ProductKey != "a1Light" {
		t.Fatalf("the session was asked %+v", acts)
	}
	s, err := model.ParseTSL([]byte(testLightTSL))
	if err != nil {
		t.Fatal(err)
	}
	res := &session.ActionResult{Action: acts[0], Sent: true, Schema: s}
	send(a, session.Event{Kind: session.EventAction, Action: res, Text: "TSL of a1Light"})
	f, ok := a.modals.Top().(*actions.Form)
	if !ok {
		t.Fatalf("the top dialog is %T", a.modals.Top())
	}
	return f
}

// exec sends msg and runs the cmds it returns that answer at once (the
// dialogs' Send goes to the session through one).
func exec(t *testing.T, a *App, msg any) {
	t.Helper()
	cmd := update(t, a, msg)
	findMsg[struct{}](t, cmd)
}

// TestActionFormRefusesOutOfRange: on the dashboard, a set form refuses an
// out-of-range int with the reason on the field's line, and nothing is
// sent; q types into a form; a fixed value goes to the confirmation and y
// hands the session the action.
func TestActionFormRefusesOutOfRange(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	f := openSetForm(t, a)
	press(a, "tab")
	for _, r := range "150" {
		press(a, string(r))
	}
	fr := ansi.Strip(frame(t, a))
	if l := lineOf(fr, "[150"); !strings.Contains(l, "✗ must be an integer from 0 to 100") {
		t.Errorf("the reason is not beside the field: %q\n%s", l, fr)
	}
	press(a, "enter")
	if a.modals.Top() != f || len(fake(a).done()) != 1 {
		t.Fatal("a wrong form went on")
	}
	press(a, "backspace", "backspace", "backspace", "4", "0", "tab", "q")
	if a.quitting {
		t.Fatal("q in a form quit")
	}
	press(a, "backspace", "enter")
	fr = ansi.Strip(frame(t, a))
	if !strings.Contains(fr, "Set Brightness=40 on a1Light/Light01? y/n") {
		t.Fatalf("no confirmation:\n%s", fr)
	}
	exec(t, a, keyMsg("y"))
	acts := fake(a).done()
	if len(acts) != 2 || acts[1].Kind != session.ActionSetProperties || acts[1].Properties.String() != "Brightness=40" {
		t.Fatalf("the session was asked %+v", acts)
	}
	if a.modals.Top() != nil {
		t.Errorf("the dialog stays: %T", a.modals.Top())
	}
	if !a.list.Follow() {
		t.Error("the list does not follow live again: the action's rows would come in off screen")
	}
	done := &session.ActionResult{Action: acts[1], Sent: true}
	send(a, session.Event{Kind: session.EventAction, Action: done, Text: "set Brightness=40 on a1Light/Light01: done"})
	if !strings.Contains(a.notice.text, "set Brightness=40 on a1Light/Light01: done") {
		t.Errorf("notice %q", a.notice.text)
	}
}

// TestActionMenuHoldsTheListWhileOpen: the menu stops the list following
// (its row stays put), Esc gives following back; a list scrolled back
// before stays where it was.
func TestActionMenuHoldsTheListWhileOpen(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "a")
	if a.list.Follow() || a.modals.Top() == nil {
		t.Fatal("the menu is open on a list that still follows")
	}
	press(a, "esc")
	if !a.list.Follow() {
		t.Fatal("Esc did not give following back")
	}
	press(a, "k", "a", "esc")
	if a.list.Follow() {
		t.Fatal("a list scrolled back follows after the menu")
	}
}

func lineOf(frame, s string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestGoldenActionForm keeps the frame of a set form with a value out of
// range (refresh with `go test ./ui -run TestGoldenActionForm -update`).
func TestGoldenActionForm(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			a := newTestApp(t)
			resize(a, size[0], size[1])
			feed(a, sampleRecords()...)
			openSetForm(t, a)
			press(a, "1", "tab", "1", "5", "0")
			golden.RequireEqual(t, ansi.Strip(frame(t, a)))
		})
	}
}

// TestActionsReadOnly: with --read-only the key is off (a opens nothing)
// and the header says READ-ONLY.
func TestActionsReadOnly(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.ReadOnly = true })
	resize(a, 120, 40)
	feed(a, sampleRecords()...)
	press(a, "a")
	if a.modals.Top() != nil || len(fake(a).done()) != 0 {
		t.Fatalf("a opened %T in a read-only session", a.modals.Top())
	}
	if hd := ansi.Strip(strings.SplitN(frame(t, a), "\n", 2)[0]); !strings.Contains(hd, "READ-ONLY") {
		t.Errorf("header %q", hd)
	}
	if !strings.Contains(ansi.Strip(a.renderFooter()), "read-only (--read-only)") {
		t.Errorf("a says nothing in a read-only session: %q", ansi.Strip(a.renderFooter()))
	}
}

// TestActionsOffInAReplay: a replay takes no actions.
func TestActionsOffInAReplay(t *testing.T) {
	a := newTestApp(t, func(d *Deps) { d.Replay = true })
	if a.keys.Global.Actions.Enabled() {
		t.Error("the actions key is on in a replay")
	}
}

// TestActionOutcomes: a refused change is a warning, a failed one an
// error, each with the engine's text; a read nobody waits for says
// nothing.
func TestActionOutcomes(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	set := session.Action{ID: 5, Kind: session.ActionSetProperties}
	send(a, session.Event{Kind: session.EventAction, Text: "set x: not sent: read-only", Action: &session.ActionResult{
		Action: set, Err: &session.RefusedError{Kind: set.Kind, Why: "read-only"},
	}})
	if a.notice.level != noticeWarn || a.notice.text != "set x: not sent: read-only" {
		t.Errorf("refused: %+v", a.notice)
	}
	send(a, session.Event{Kind: session.EventAction, Text: "set x failed: 400", Action: &session.ActionResult{
		Action: set, Sent: true, Err: &session.ServiceError{Service: "x"},
	}})
	if a.notice.level != noticeError {
		t.Errorf("failed: %+v", a.notice)
	}
	// Both stay as marker rows, shown whatever the filter.
	press(a, "2", "3", "4", "5", "x")
	if len(a.marks) != 2 || a.marks[1].Text != "action failed: set x failed: 400" ||
		!strings.Contains(ansi.Strip(frame(t, a)), "action failed: set x failed: 400") {
		t.Errorf("marks %+v", a.marks)
	}
	before := a.notice
	send(a, session.Event{Kind: session.EventAction, Text: "TSL of pk", Action: &session.ActionResult{
		Action: session.Action{ID: 9, Kind: session.ActionTSL}, Sent: true,
	}})
	if a.notice != before {
		t.Errorf("a stale read changed the notice: %+v", a.notice)
	}
}

// TestActionsLoginAtOnce: logging in again changes no device: it is sent
// without a confirmation.
func TestActionsLoginAtOnce(t *testing.T) {
	a := newTestApp(t)
	resize(a, 120, 40)
	press(a, "a")
	exec(t, a, keyMsg("6"))
	if acts := fake(a).done(); len(acts) != 1 || acts[0].Kind != session.ActionLogin || a.modals.Top() != nil {
		t.Fatalf("6: %+v, top %T", acts, a.modals.Top())
	}
}
