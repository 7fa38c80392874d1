package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"edgetop/edgeclient"
	"edgetop/edgeclient/session"
	"edgetop/edgeclient/session/loadgen"
	"edgetop/ui/uitest"
)

// The pty CPU harness (issue 12): "At 20k records/s with real, varied
// records in colour, the dashboard process (renderer included, to a
// pseudo-terminal) uses at most 10 % of one core at 200×50 and 20 % at
// 300×90", with a CPU figure from the process's own rusage and drawn
// frames counted as frames.

// The harness's environment.
const (
	// loadChildEnv carries a loadSpec (JSON) to the child; without it
	// TestLoadChild does nothing.
	loadChildEnv = "EDGETOP_LOAD_CHILD"
	// loadSecsEnv sets how long each child is fed (default 10 s).
	loadSecsEnv = "EDGETOP_LOAD_SECS"
	// loadProfEnv names a directory for each child's CPU profile
	// (cpu-<sub-benchmark>.pprof); unset, none is taken.
	loadProfEnv = "EDGETOP_LOAD_PROF"
	// loadRate is the records per second fed; loadGrace how long past
	// its feed a child may take before it is killed.
	loadRate  = 20_000
	loadGrace = 20 * time.Second
)

// loadSpec is one child run.
type loadSpec struct {
	Mode string  `json:"mode"` // "ui": the dashboard; "feed": the feed and a drain only
	W    int     `json:"w"`
	H    int     `json:"h"`
	Rate int     `json:"rate"`
	Secs float64 `json:"secs"`
	Out  string  `json:"out"`            // where the child writes its loadFigures
	Prof string  `json:"prof,omitempty"` // where it writes its CPU profile
}

// loadFigures are what the child counted while it was fed.
type loadFigures struct {
	Frames     int64   `json:"frames"`      // Writes to the terminal: drawn frames
	Bytes      int64   `json:"bytes"`       // bytes of them
	Views      int64   `json:"views"`       // View calls
	Observed   uint64  `json:"observed"`    // records fed
	Shown      uint64  `json:"shown"`       // records in the log (feed-only: drained)
	Dropped    uint64  `json:"dropped"`     // records the full channel dropped
	MaxBacklog int     `json:"max_backlog"` // the most records seen waiting in the channel
	Secs       float64 `json:"secs"`        // how long the feed ran
}

// BenchmarkDashboardCPU runs the dashboard in a child process (this test
// binary again, TestLoadChild) on a pseudo-terminal of W×H in colour
// (TERM=xterm-256color, COLORTERM=truecolor), fed 20,000 varied records a
// second (loadgen.Feed) through the observer and a real session engine
// for 10 s, while this process drains the terminal as a terminal would.
// One iteration is one child run. It reports the child's CPU from its
// rusage (user+system over wall time, %core; %sys the system part), the
// frames drawn a second (Writes the renderer made: it writes each frame
// once), View calls a second, the records shown and dropped, the most
// waiting in the channel, what the terminal received and the child's
// maxrss. feed-only, run first, is the same child without the dashboard
// (the feed and a goroutine draining the channel as the engine does): the
// generator's own share, which %core-dashboard takes off. A child
// still running 20 s after its feed should have ended is killed, and the
// benchmark fails. Nothing checks the targets (a benchmark, not a
// timed test): read %core against them.
//
//	go test ./ui -run '^$' -bench DashboardCPU -benchtime 1x
//	EDGETOP_LOAD_SECS=30 go test ./ui -run '^$' -bench 'DashboardCPU/200x50' -benchtime 1x
//	EDGETOP_LOAD_PROF=/tmp/prof go test ./ui -run '^$' -bench DashboardCPU -benchtime 1x
//	go tool pprof -top -cum /tmp/prof/cpu-200x50.pprof
func BenchmarkDashboardCPU(b *testing.B) {
	secs := 10.0
	if s := os.Getenv(loadSecsEnv); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			b.Fatalf("%s=%q: want a number of seconds", loadSecsEnv, s)
		}
		secs = v
	}
	feedCore := 0.0
	for _, c := range []struct {
		name, mode string
		w, h       int
	}{{"feed-only", "feed", 200, 50}, {"200x50", "ui", 200, 50}, {"300x90", "ui", 300, 90}} {
		b.Run(c.name, func(b *testing.B) {
			spec := loadSpec{Mode: c.mode, W: c.w, H: c.h, Rate: loadRate, Secs: secs, Out: filepath.Join(b.TempDir(), "figures.json")}
			if dir := os.Getenv(loadProfEnv); dir != "" {
				spec.Prof = filepath.Join(dir, "cpu-"+c.name+".pprof")
			}
			var sum loadResult
			n := 0
			for b.Loop() {
				sum.add(runLoadChild(b, spec))
				n++
			}
			core := sum.report(b, n, c.mode == "ui")
			if c.mode == "feed" {
				feedCore = core
			} else if feedCore > 0 {
				// The dashboard's own share: less the generator's, measured
				// first in this run.
				b.ReportMetric(core-feedCore, "%core-dashboard")
			}
			if spec.Prof != "" {
				b.Logf("CPU profile: %s", spec.Prof)
			}
		})
	}
}

// loadResult is one child run as the parent saw it.
type loadResult struct {
	fig              loadFigures
	user, sys, wall  time.Duration
	maxRSS, received int64 // maxrss in KiB; bytes the terminal read
}

func (s *loadResult) add(r loadResult) {
	s.fig.Frames += r.fig.Frames
	s.fig.Bytes += r.fig.Bytes
	s.fig.Views += r.fig.Views
	s.fig.Observed += r.fig.Observed
	s.fig.Shown += r.fig.Shown
	s.fig.Dropped += r.fig.Dropped
	s.fig.MaxBacklog = max(s.fig.MaxBacklog, r.fig.MaxBacklog)
	s.fig.Secs += r.fig.Secs
	s.user, s.sys, s.wall = s.user+r.user, s.sys+r.sys, s.wall+r.wall
	s.maxRSS, s.received = max(s.maxRSS, r.maxRSS), s.received+r.received
}

// report reports the figures, and returns %core.
func (s *loadResult) report(b *testing.B, n int, ui bool) float64 {
	if n == 0 || s.wall <= 0 || s.fig.Secs <= 0 {
		return 0
	}
	core := 100 * (s.user + s.sys).Seconds() / s.wall.Seconds()
	b.ReportMetric(0, "ns/op") // an op is one whole run: the figures below say what it cost
	b.ReportMetric(core, "%core")
	b.ReportMetric(100*s.sys.Seconds()/s.wall.Seconds(), "%sys")
	b.ReportMetric(float64(s.fig.Observed)/s.fig.Secs, "fed/s")
	b.ReportMetric(float64(s.fig.Shown)/float64(n), "shown")
	b.ReportMetric(float64(s.fig.Dropped)/float64(n), "dropped")
	b.ReportMetric(float64(s.fig.MaxBacklog), "max-backlog")
	b.ReportMetric(float64(s.maxRSS)/1024, "maxrss-MB")
	if ui {
		b.ReportMetric(float64(s.fig.Frames)/s.fig.Secs, "frames/s")
		b.ReportMetric(float64(s.fig.Views)/s.fig.Secs, "views/s")
		b.ReportMetric(float64(s.received)/1024/s.wall.Seconds(), "term-KB/s")
	}
	return core
}

// runLoadChild runs one child on a new pseudo-terminal and waits for it,
// killing it loadGrace after its feed should have ended.
func runLoadChild(b *testing.B, spec loadSpec) loadResult {
	b.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		b.Fatal(err)
	}
	cmd := osexec.Command(os.Args[0], "-test.run=^TestLoadChild$", "-test.count=1")
	cmd.Env = append(childEnv(os.Environ()), "TERM=xterm-256color", "COLORTERM=truecolor", loadChildEnv+"="+string(raw))
	begin := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(spec.W), Rows: uint16(spec.H)})
	if err != nil {
		b.Skip("no pseudo-terminal here:", err)
	}
	defer func() { _ = ptmx.Close() }()
	// Drain the terminal as a terminal would, keeping the tail for a
	// failure's message.
	term := &tailCounter{}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		_, _ = io.Copy(term, ptmx) // ends with EIO once the child has gone
	}()
	var killed atomic.Bool
	deadline := time.AfterFunc(time.Duration(spec.Secs*float64(time.Second))+loadGrace, func() {
		killed.Store(true)
		_ = cmd.Process.Kill()
	})
	werr := cmd.Wait()
	wall := time.Since(begin)
	deadline.Stop()
	_ = ptmx.Close()
	<-drained
	if killed.Load() || werr != nil {
		b.Fatalf("the child failed (killed at the deadline: %v): %v\n%s", killed.Load(), werr, term.tail())
	}
	var r loadResult
	raw, err = os.ReadFile(spec.Out)
	if err == nil {
		err = json.Unmarshal(raw, &r.fig)
	}
	if err != nil {
		b.Fatalf("the child's figures: %v\n%s", err, term.tail())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage on this system")
	}
	r.user, r.sys = time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
	r.wall, r.maxRSS, r.received = wall, ru.Maxrss, term.n.Load()
	return r
}

// childEnv is env without what would turn colour off.
func childEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM", "COLORTERM", loadChildEnv:
			continue
		}
		out = append(out, kv)
	}
	return out
}

// tailCounter counts what the terminal receives and keeps the last 4 KiB.
type tailCounter struct {
	n   atomic.Int64
	mu  sync.Mutex
	buf []byte
}

func (t *tailCounter) Write(p []byte) (int, error) {
	t.n.Add(int64(len(p)))
	t.mu.Lock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 8<<10 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-4<<10:]...)
	}
	t.mu.Unlock()
	return len(p), nil
}

func (t *tailCounter) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ansi.Strip(string(bytes.TrimSpace(t.buf)))
}

// TestLoadChild is BenchmarkDashboardCPU's child process. It returns at
// once when EDGETOP_LOAD_CHILD is absent, so that `go test ./ui` passes
// through it; with it, it runs the fed dashboard (or the feed alone) on
// the terminal it was given and writes its figures to the file the spec
// names.
func TestLoadChild(t *testing.T) {
	raw, ok := os.LookupEnv(loadChildEnv)
	if !ok {
		return
	}
	var spec loadSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatalf("%s: %v", loadChildEnv, err)
	}
	if spec.Prof != "" {
		f, err := os.Create(spec.Prof)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	var fig loadFigures
	if spec.Mode == "feed" {
		fig = feedOnly(spec)
	} else {
		fig = feedDashboard(t, spec)
	}
	raw2, err := json.Marshal(fig)
	if err == nil {
		err = os.WriteFile(spec.Out, raw2, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// feedDashboard runs the dashboard as Run does (the session started, the
// program with ProgramOptions and a context, the session stopped after
// it), fed for spec.Secs, and returns what it counted while fed.
func feedDashboard(t *testing.T, spec loadSpec) loadFigures {
	obs := edgeclient.NewChanObserver(session.ObserverBuffer)
	eng := session.New(session.Config{Client: idleAPI{}, Records: obs})
	cat, codes := uitest.Catalogs(t)
	app := New(Deps{Session: eng, Catalog: cat, APICodes: codes}.forRun())
	eng.Start()
	out := &frameWriter{File: os.Stdout}
	views := &atomic.Int64{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := append(ProgramOptions(), tea.WithContext(ctx), tea.WithOutput(out))
	p := tea.NewProgram(countingModel{app, views}, opts...)
	var fig loadFigures
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		fig = feedFor(obs, spec)
		// What was drawn while fed, before the program's teardown writes.
		fig.Frames, fig.Bytes, fig.Views = out.writes.Load(), out.bytes.Load(), views.Load()
		p.Quit()
	}()
	if _, err := p.Run(); err != nil {
		t.Error(err)
	}
	<-fed
	go func() {
		for range eng.Events() { //nolint:revive // drained so that the engine can stop, as Run does
		}
	}()
	sctx, scancel := context.WithTimeout(context.Background(), stopTimeout)
	defer scancel()
	_ = eng.Stop(sctx)
	fig.Shown, fig.Dropped = app.log.Total(), obs.Dropped()
	return fig
}

// feedOnly is the feed with a goroutine draining the channel as the
// session engine does (what queued, every 10 ms), no dashboard: the
// generator's own cost, to subtract from the dashboard's.
func feedOnly(spec loadSpec) loadFigures {
	obs := edgeclient.NewChanObserver(session.ObserverBuffer)
	var drained atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				for n := len(obs.C()); n > 0; n-- {
					<-obs.C()
					drained.Add(1)
				}
			case <-stop:
				return
			}
		}
	}()
	fig := feedFor(obs, spec)
	close(stop)
	<-done
	fig.Shown, fig.Dropped = drained.Load(), obs.Dropped()
	return fig
}

// feedFor runs loadgen.Feed into obs for spec.Secs, noting the channel's
// longest backlog every 5 ms.
func feedFor(obs *edgeclient.ChanObserver, spec loadSpec) loadFigures {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(spec.Secs*float64(time.Second)))
	defer cancel()
	var backlog atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if n := int64(len(obs.C())); n > backlog.Load() {
					backlog.Store(n)
				}
			}
		}
	}()
	begin := time.Now()
	n := loadgen.Feed(ctx, obs, spec.Rate)
	secs := time.Since(begin).Seconds()
	<-sampled
	return loadFigures{Observed: n, MaxBacklog: int(backlog.Load()), Secs: secs}
}

// frameWriter is the program's output, the pseudo-terminal, with every
// Write counted. The renderer writes each drawn frame with one Write
// (cursedRenderer.flush copies its frame buffer with io.Copy from a
// bytes.Buffer, whose WriteTo makes one Write), and nothing when the
// frame did not change; Bubble Tea's own queued sequences (terminal
// queries) are a handful of Writes more. Embedding *os.File keeps Fd, so
// Bubble Tea still sees a terminal: its size, raw mode, the colour
// profile.
type frameWriter struct {
	*os.File
	writes, bytes atomic.Int64
}

func (w *frameWriter) Write(p []byte) (int, error) {
	w.writes.Add(1)
	w.bytes.Add(int64(len(p)))
	return w.File.Write(p) //nolint:wrapcheck // the terminal's own error
}

// countingModel is the App with its View calls counted.
type countingModel struct {
	a     *App
	views *atomic.Int64
}

func (m countingModel) Init() tea.Cmd { return m.a.Init() }

func (m countingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := m.a.Update(msg)
	return m, cmd
}

func (m countingModel) View() tea.View {
	m.views.Add(1)
	return m.a.View()
}
