package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/edgeclient/session"
	"edgetop/ui/uitest"
)

// simDeps starts a simulated gateway, a real client and a session engine
// against it (not started: Run or the test starts it).
func simDeps(t *testing.T, opts edgesim.Options) (Deps, *edgesim.Server, *edgeclient.Client) {
	t.Helper()
	sim, err := edgesim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	obs := edgeclient.NewChanObserver(session.ObserverBuffer)
	cl, err := edgeclient.New(edgeclient.Config{
		Gateway: sim.URL, User: "admin", Password: "admin1234", CAPEM: sim.CertPEM(), Observer: obs,
	})
	if err != nil {
		t.Fatal(err)
	}
	eng := session.New(session.Config{Client: cl, Records: obs, Simulated: true, Interval: 20 * time.Millisecond})
	cat, codes := uitest.Catalogs(t)
	return Deps{Session: eng, Catalog: cat, APICodes: codes, NoColor: true}, sim, cl
}

// probeMsg asks the harness for the current frame (text only).
type probeMsg struct{ reply chan string }

// harness wraps the App so a test can read its frame from inside the
// program's loop (no data race with Update).
type harness struct{ a *App }

func (h harness) Init() tea.Cmd  { return h.a.Init() }
func (h harness) View() tea.View { return h.a.View() }

func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if p, ok := msg.(probeMsg); ok {
		p.reply <- ansi.Strip(h.a.render())
		return h, nil
	}
	_, cmd := h.a.Update(msg)
	return h, cmd
}

// waitFrame polls the frame until cond holds (at most d).
func waitFrame(t *testing.T, tm *teatest.TestModel, d time.Duration, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(d)
	var last string
	for time.Now().Before(deadline) {
		reply := make(chan string, 1)
		tm.Send(probeMsg{reply: reply})
		select {
		case last = <-reply:
			if cond(last) {
				return last
			}
		case <-time.After(time.Second):
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("condition not met within %s; last frame:\n%s", d, last)
	return ""
}

// TestSmokeAgainstSimulator runs the dashboard against the simulated
// gateway with a user who may not read properties: it waits for a 2xx row
// (auth, ListThings) and a 4xx row (403 on GetThingProperties), shows only
// 4xx, reads the 403's explanation from the table in the pane, and quits;
// the cookie is deleted on the way out.
func TestSmokeAgainstSimulator(t *testing.T) {
	users := []edgesim.User{{Name: "admin", Password: "admin1234", Deny: []string{"GetThingProperties"}}}
	deps, _, cl := simDeps(t, edgesim.Options{Seed: 1, Users: users})
	app := New(deps)
	deps.Session.Start()
	t.Cleanup(func() { _ = deps.Session.Stop(context.Background()) })
	tm := teatest.NewTestModel(t, harness{app}, teatest.WithInitialTermSize(120, 40))

	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "edgetop") },
		teatest.WithDuration(5*time.Second))
	waitFrame(t, tm, 10*time.Second, func(f string) bool {
		return strings.Contains(f, "✓ 201") && strings.Contains(f, "! 403")
	})
	tm.Type("2")
	tm.Type("3")
	tm.Type("5")
	tm.Type("x")
	f := waitFrame(t, tm, 5*time.Second, func(f string) bool {
		return strings.Contains(f, "403 Forbidden") && strings.Contains(f, "verify whether the current user")
	})
	if strings.Contains(f, "✓ 200") {
		t.Errorf("2xx rows shown with only 4xx selected:\n%s", f)
	}
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(harness).a
	if !final.quitting {
		t.Error("program ended without the cleanup")
	}
	if cl.Auth().Authenticated {
		t.Error("cookie not deleted on quit")
	}
}
