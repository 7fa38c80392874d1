package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

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
