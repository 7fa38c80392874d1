package plain

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/edgeclient/session"
	"edgetop/ui/termtext"
	"edgetop/ui/theme"
	"edgetop/ui/uitest"
)

// TestGoldenPlain snapshots plain mode's lines for one of each kind of
// exchange.
func TestGoldenPlain(t *testing.T) {
	cat, _ := uitest.Catalogs(t)
	var b strings.Builder
	for _, r := range uitest.SampleRecords() {
		b.WriteString(Line(&r, cat, theme.NoColorTheme()) + "\n")
	}
	golden.RequireEqual(t, b.String())
}

// newEngine is a session against a simulator started with opts.
func newEngine(t *testing.T, opts edgesim.Options, version string) (*session.Engine, *edgesim.Server) {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	sim, err := edgesim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	obs := edgeclient.NewChanObserver(session.ObserverBuffer)
	c, err := edgeclient.New(edgeclient.Config{
		Gateway: sim.URL, APIVersion: version, User: "admin", Password: "admin1234",
		CAPEM: sim.CertPEM(), Observer: obs,
	})
	if err != nil {
		t.Fatal(err)
	}
	return session.New(session.Config{Client: c, Records: obs, Interval: 20 * time.Millisecond}), sim
}

// lineWriter calls done once its text meets cond. (It has no
// WriteString, so every write goes through Write.)
type lineWriter struct {
	b    strings.Builder
	cond func(string) bool
	done func()
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n, err := w.b.Write(p)
	if w.cond(w.b.String()) {
		w.done()
	}
	return n, err
}

func (w *lineWriter) String() string { return w.b.String() }

func options(t *testing.T, out, errOut *strings.Builder) Options {
	cat, _ := uitest.Catalogs(t)
	o := Options{Err: errOut, Catalog: cat, Duration: time.Minute}
	if out != nil {
		o.Out = out
	}
	return o
}

// TestRunAgainstSimulator drives the engine in plain mode until a property
// read has been printed, then stops: the cookie is deleted and its line
// printed, and the summary counts what came.
func TestRunAgainstSimulator(t *testing.T) {
	eng, _ := newEngine(t, edgesim.Options{}, "")
	ctx, cancel := context.WithCancel(context.Background())
	var errOut strings.Builder
	w := &lineWriter{cond: func(s string) bool { return strings.Contains(s, "GetThingProperties") }, done: cancel}
	o := options(t, nil, &errOut)
	o.Out = w
	if err := Run(ctx, eng, o); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	for _, want := range []string{"CreateAuthCookie", "✓ 201 Created", "ListThings", "GetThingProperties", "DeleteAuthCookie"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
	if err := termtext.Check(out, true); err != nil {
		t.Error(err)
	}
	if !regexp.MustCompile(`^edgetop: \d+ exchanges in \S+: ✓2xx \d+ `).MatchString(errOut.String()) {
		t.Errorf("summary %q", errOut.String())
	}
}

// TestRun2019LearnsFromWatch: against a 2019-09-30 gateway (no GetTSL)
// the identifiers are learned from the watch stream and the reads succeed.
func TestRun2019LearnsFromWatch(t *testing.T) {
	eng, _ := newEngine(t, edgesim.Options{}, edgeclient.Version2019)
	ctx, cancel := context.WithCancel(context.Background())
	ok200 := regexp.MustCompile(`GetThingProperties .* 200 `)
	var errOut strings.Builder
	w := &lineWriter{cond: ok200.MatchString, done: cancel}
	o := options(t, nil, &errOut)
	o.Out = w
	if err := Run(ctx, eng, o); err != nil {
		t.Fatal(err)
	}
	out := w.String()
	if !ok200.MatchString(out) || regexp.MustCompile(`GetThingProperties .* 400 `).MatchString(out) {
		t.Fatalf("no successful property read learned from the watch stream:\n%s", out)
	}
}

// TestRunOneLinePerRequest: one line per request the gateway received,
// under resets (net/http resends some GETs on its own) and 503s, the open
// Watch stream's record and the DeleteAuthCookie at exit included.
func TestRunOneLinePerRequest(t *testing.T) {
	eng, sim := newEngine(t, edgesim.Options{Faults: []edgesim.FaultRule{
		{Op: "GetThingProperties", Action: edgesim.ActionReset, Rate: 0.4},
		{Op: "ListThings", Code: 503, Rate: 0.2},
	}}, "")
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.Duration = 2 * time.Second
	if err := Run(context.Background(), eng, o); err != nil {
		t.Fatal(err)
	}
	var recs []string
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if !strings.Contains(l, " ── ") { // the session's own lines
			recs = append(recs, l)
		}
	}
	if got, want := uint64(len(recs)), sim.Requests(); got != want {
		t.Errorf("%d record lines for %d requests received:\n%s", got, want, out.String())
	}
	if last := recs[len(recs)-1]; !strings.Contains(out.String(), "BulkActions.Watch") || !strings.Contains(last, "DeleteAuthCookie") {
		t.Errorf("no Watch line, or the last line is not the cookie's deletion:\n%s", out.String())
	}
}

// TestRunDeadGateway: against a gateway that refuses, plain mode says it
// is lost (once, not a line per attempt's advice), exits 1 because nothing
// succeeded, and the summary names the outage.
func TestRunDeadGateway(t *testing.T) {
	obs := edgeclient.NewChanObserver(session.ObserverBuffer)
	c, err := edgeclient.New(edgeclient.Config{Gateway: "https://127.0.0.1:1", User: "admin", Password: "x", Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	eng := session.New(session.Config{Client: c, Records: obs, Policy: session.Policy{LinkBase: 100 * time.Millisecond}})
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.Duration = 1500 * time.Millisecond
	err = Run(context.Background(), eng, o)
	if !errors.Is(err, ErrNoSuccess) {
		t.Fatalf("Run = %v, want ErrNoSuccess", err)
	}
	if n := strings.Count(out.String(), "── gateway lost"); n != 1 {
		t.Errorf("%d lost lines:\n%s", n, out.String())
	}
	if !strings.Contains(errOut.String(), "gateway lost at ") || !strings.Contains(errOut.String(), "(refused), not back") {
		t.Errorf("summary %q", errOut.String())
	}
}

// TestRunHaltExits1: a refused login halts the session; Run says why.
func TestRunHaltExits1(t *testing.T) {
	eng, sim := newEngine(t, edgesim.Options{Faults: []edgesim.FaultRule{{Op: "CreateAuthCookie", Code: 401}}}, "")
	var out, errOut strings.Builder
	err := Run(context.Background(), eng, options(t, &out, &errOut))
	if err == nil || !strings.Contains(err.Error(), "login refused (HTTP 401)") {
		t.Fatalf("Run = %v", err)
	}
	// The reason is said once, by the error; the summary counts.
	if sim.Requests() != 1 || strings.Contains(errOut.String(), "login refused") ||
		!strings.Contains(errOut.String(), "1 exchange in ") {
		t.Errorf("%d requests; summary %q", sim.Requests(), errOut.String())
	}
}

// TestColourFollowsTheTerminal: on a 256-colour terminal plain mode writes
// 256-colour sequences (the theme's 24-bit ones brought down), on a pipe
// none at all, and with NO_COLOR no colour even on a terminal.
func TestColourFollowsTheTerminal(t *testing.T) {
	cat, _ := uitest.Catalogs(t)
	for _, tt := range []struct {
		name    string
		noColor bool
		want    []string
		not     []string
	}{
		{name: "256 colours", want: []string{"38;5;"}, not: []string{"38;2;"}},
		{name: "NO_COLOR", noColor: true, not: []string{"38;5;", "38;2;", "\x1b[3"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			master, slave := uitest.OpenPTY(t)
			s := &fakeRunner{ch: make(chan session.Event, 4)}
			s.ch <- session.Event{Kind: session.EventRecords, Records: uitest.SampleRecords(), At: uitest.T0}
			s.ch <- session.Event{Kind: session.EventHalted, Text: "stop", Fix: "fix"}
			read := make(chan string, 1)
			go func() {
				// Reading the master ends with EIO once the slave is closed.
				b, _ := io.ReadAll(master)
				read <- string(b)
			}()
			_ = Run(context.Background(), s, Options{
				Out: slave, Err: io.Discard, Catalog: cat, NoColor: tt.noColor,
				Environ: []string{"TERM=xterm-256color"},
			})
			slave.Close()
			out := <-read
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in %q", w, out[:min(len(out), 200)])
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("%q in %q", n, out[:min(len(out), 200)])
				}
			}
		})
	}
	var pipe strings.Builder
	s := &fakeRunner{ch: make(chan session.Event, 4)}
	s.ch <- session.Event{Kind: session.EventRecords, Records: uitest.SampleRecords(), At: uitest.T0}
	s.ch <- session.Event{Kind: session.EventHalted, Text: "stop", Fix: "fix"}
	_ = Run(context.Background(), s, Options{Out: &pipe, Err: io.Discard, Catalog: cat, Environ: []string{"TERM=xterm-256color"}})
	if strings.Contains(pipe.String(), "\x1b") {
		t.Errorf("escape sequences on a pipe: %q", pipe.String()[:200])
	}
}

// fakeRunner is a session whose events are what the test queued.
type fakeRunner struct {
	ch   chan session.Event
	once sync.Once
}

func (f *fakeRunner) Start()                       {}
func (f *fakeRunner) Events() <-chan session.Event { return f.ch }
func (f *fakeRunner) State() session.State         { return session.State{} }
func (f *fakeRunner) Pace(int)                     {}
func (f *fakeRunner) Stop(context.Context) error {
	f.once.Do(func() { close(f.ch) })
	return nil
}
