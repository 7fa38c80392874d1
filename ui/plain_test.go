package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
)

// TestGoldenPlain snapshots plain mode's lines for one of each kind of
// exchange.
func TestGoldenPlain(t *testing.T) {
	cat, _ := testCatalog(t)
	var b strings.Builder
	for _, r := range sampleRecords() {
		b.WriteString(plainLine(&r, cat, NoColorTheme()) + "\n")
	}
	golden.RequireEqual(t, b.String())
}

// TestRunPlainAgainstSimulator drives the real workload in plain mode until
// a property read has been printed, then stops; the cookie is deleted.
func TestRunPlainAgainstSimulator(t *testing.T) {
	deps, _, cl := simDeps(t, edgesim.Options{Seed: 1})
	ctx, cancel := context.WithCancel(context.Background())
	w := &lineWriter{cond: func(s string) bool { return strings.Contains(s, "GetThingProperties") }, done: cancel}
	deps.Duration = time.Minute // a bound for a broken run; the test ends on the line
	if err := RunPlain(ctx, deps, w); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	for _, want := range []string{"CreateAuthCookie", "✓ 201 Created", "ListThings", "GetThingProperties"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
	assertSafe(t, out, true)
	if cl.Auth().Authenticated {
		t.Error("cookie not deleted")
	}
}

// TestRunPlain2019LearnsFromWatch: against a 2019-09-30 gateway (no
// GetTSL) plain mode learns the identifiers from the watch stream and its
// property reads succeed, named after what the stream reported.
func TestRunPlain2019LearnsFromWatch(t *testing.T) {
	deps, sim, _ := simDeps(t, edgesim.Options{Seed: 1})
	obs := edgeclient.NewChanObserver(4096)
	cl, err := edgeclient.New(edgeclient.Config{Gateway: sim.URL, APIVersion: edgeclient.Version2019,
		User: "admin", Password: "admin1234", CAPEM: sim.CertPEM(), Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	deps.Client, deps.Observer = cl, obs
	ctx, cancel := context.WithCancel(context.Background())
	ok200 := regexp.MustCompile(`GetThingProperties .* 200 `)
	w := &lineWriter{cond: ok200.MatchString, done: cancel}
	deps.Duration = time.Minute // a bound for a broken run; the test ends on the line
	if err := RunPlain(ctx, deps, w); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if !ok200.MatchString(out) || regexp.MustCompile(`GetThingProperties .* 400 `).MatchString(out) {
		t.Fatalf("no successful property read learned from the watch stream:\n%s", out)
	}
}

// TestRunPlainOneLinePerRequest: plain mode prints exactly one line per
// request the gateway received, under resets (net/http resends some GETs
// on its own) and 503s, the open Watch stream's record and the
// DeleteAuthCookie at exit included.
func TestRunPlainOneLinePerRequest(t *testing.T) {
	deps, sim, _ := simDeps(t, edgesim.Options{Seed: 1, Faults: []edgesim.FaultRule{
		{Op: "GetThingProperties", Action: edgesim.ActionReset, Rate: 0.4},
		{Op: "ListThings", Code: 503, Rate: 0.2},
	}})
	deps.Duration = 2 * time.Second
	var out strings.Builder
	if err := RunPlain(context.Background(), deps, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if got, want := uint64(len(lines)), sim.Requests(); got != want {
		t.Errorf("%d lines for %d requests received:\n%s", got, want, out.String())
	}
	last := lines[len(lines)-1]
	if !strings.Contains(out.String(), "BulkActions.Watch") || !strings.Contains(last, "DeleteAuthCookie") {
		t.Errorf("no Watch line, or the last line is not the cookie's deletion:\n%s", out.String())
	}
}
