package session

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"edgetop/assets"
	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/model"
)

// tableCodes are the status table's codes, in its order.
func tableCodes(t *testing.T) []int {
	t.Helper()
	cat, err := model.ParseCatalog(bytes.NewReader(assets.StatusCodes()))
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range cat.Entries() {
		out = append(out, e.Code)
	}
	return out
}

// The shipped script parses with the engine's vocabulary and shows every
// code of the table, in table order.
func TestShippedTourParses(t *testing.T) {
	tour, err := ParseTour(assets.Tour())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tour.Codes(), tableCodes(t); !slices.Equal(got, want) {
		t.Fatalf("the tour shows %v, the table has %v", got, want)
	}
}

func TestParseTourChecksActionsAndArguments(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		want string
	}{
		{"step 200 read\ncaption x\nstep 201 login now\ncaption y\n", 3, `login: takes no argument, got "now"`},
		{"# c\nstep 421 burst many\ncaption x\n", 2, `burst: "many" is not a number of reads`},
		{"step 421 burst 1\ncaption x\n", 1, "not a number of reads from 2 to 64"},
		{"step 503 maintenance 1h\ncaption x\n", 1, `maintenance: "1h" is not a duration up to 30s`},
		{"step 503 maintenance soon\ncaption x\n", 1, "is not a duration"},
		{"step 405 wrong-method delete\ncaption x\n", 1, `wrong-method: "delete" is not an HTTP method`},
		{"step 200 read\ncaption x\nstep 201 log-in\ncaption y\n", 3, `unknown action "log-in" (the actions: burst, expire-cookie, failing-service, legacy-read, login,`},
	} {
		_, err := ParseTour([]byte(tc.src))
		var te *model.TourError
		if !errors.As(err, &te) || te.Line != tc.line || !strings.Contains(te.Msg, tc.want) {
			t.Errorf("%q: error %v, want line %d with %q", tc.src, err, tc.line, tc.want)
		}
	}
	if _, err := ParseTour([]byte("step 405 wrong-method PATCH\ncaption x\nstep 421 burst 4\ncaption y\nstep 503 maintenance 500ms\ncaption z\n")); err != nil {
		t.Errorf("good arguments: %v", err)
	}
}

// simCtl is main's adapter of the simulator's controls, for the tests.
type simCtl struct{ s *edgesim.Server }

func (c simCtl) SetConnLimit(n int)          { c.s.SetConnLimit(n) }
func (c simCtl) Maintenance(d time.Duration) { c.s.Faults().Maintenance(d) }
func (c simCtl) ExpireCookies()              { c.s.ExpireCookies() }
func (c simCtl) ResetNext(op string) {
	c.s.Faults().Add(edgesim.FaultRule{Op: op, Action: edgesim.ActionReset, Count: 1})
}

// startTour runs tour against a fresh simulator, with its controls and
// the viewer client, as `edgetop tour` does.
func startTour(t *testing.T, tour *model.Tour, auto bool) (*run, *edgesim.Server) {
	t.Helper()
	s := newSim(t, edgesim.Options{})
	seq := &edgeclient.Sequence{}
	c, obs := newClient(t, s.URL, s, func(cfg *edgeclient.Config) { cfg.Sequence = seq; cfg.RenewBefore = -1 })
	viewer, err := edgeclient.New(edgeclient.Config{
		Gateway: s.URL, User: "viewer", Password: "viewer1234", CAPEM: s.CertPEM(), Observer: obs,
		Sequence: seq, Retry: fastRetry,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := startEngine(t, c, obs, func(cfg *Config) {
		cfg.Demo = &Demo{Controls: simCtl{s}, Viewer: viewer}
		cfg.Tour, cfg.TourAuto, cfg.TourPause = tour, auto, 10*time.Millisecond
	})
	return r, s
}

// tourOver reports whether the tour's last event came.
func tourOver(evs []Event, _ []model.Record) bool {
	return slices.ContainsFunc(evs, func(ev Event) bool { return ev.Kind == EventTour && ev.Count == 0 })
}

// TestTourShowsEveryCodeInTableOrder runs the shipped tour against the
// simulator: each step's event names a record that has its code, the
// record came before the event, and the codes are the table's, in order.
func TestTourShowsEveryCodeInTableOrder(t *testing.T) {
	tour, err := ParseTour(assets.Tour())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := startTour(t, tour, true)
	r.waitFor(t, 90*time.Second, "the end of the tour", tourOver)
	status := map[uint64]int{}
	var codes []int
	var end Event
	for _, ev := range r.events() {
		switch {
		case ev.Kind == EventRecords:
			for _, rec := range ev.Records {
				status[rec.ID] = rec.Status
			}
		case ev.Kind == EventTour && ev.Count == 0:
			end = ev
		case ev.Kind == EventTour:
			if ev.RecordID == 0 {
				t.Errorf("step %d (%d) did not show: %s", ev.Count, ev.Code, ev.Text)
				continue
			}
			if got, ok := status[ev.RecordID]; !ok || got != ev.Code {
				t.Errorf("step %d: record %d has status %d (sent before the event: %v), want %d", ev.Count, ev.RecordID, got, ok, ev.Code)
			}
			if int(ev.Count) != len(codes)+1 || ev.Total != len(tour.Steps) {
				t.Errorf("step event %d/%d after %d steps", ev.Count, ev.Total, len(codes))
			}
			if want := strings.Join(tour.Steps[ev.Count-1].Caption, "\n"); ev.Text != want {
				t.Errorf("step %d: text %q, want the caption %q", ev.Count, ev.Text, want)
			}
			codes = append(codes, ev.Code)
		}
	}
	if want := tableCodes(t); !slices.Equal(codes, want) {
		t.Errorf("the tour showed %v, want the table's %v", codes, want)
	}
	if end.Failed != 0 || end.Total != 11 || end.Text != "tour over: shown: 200 201 302 400 401 403 404 405 421 500 503, missing: none" {
		t.Errorf("the end: %+v", end)
	}
	// The 401 step: the client renewed (201) and the retried read worked.
	recs := r.records()
	i := slices.IndexFunc(recs, func(rec model.Record) bool { return rec.Status == 401 })
	if i < 0 || len(recs) < i+3 || recs[i+1].Status != 201 || recs[i+2].Status != 200 {
		t.Errorf("the 401 is not followed by the renewal and the retried read")
	}
	// No workload ran: besides the tour's own calls, only the login, the
	// listing and the TSL (no polling, no Watch).
	for _, rec := range recs {
		if strings.HasPrefix(rec.Operation, edgeclient.OpBulkActions) {
			t.Errorf("a %s in tour mode", rec.Operation)
		}
	}
	if n := count(recs, edgeclient.OpListThings, ""); n != 1 {
		t.Errorf("%d ListThings, want the one listing", n)
	}
}

// A step whose code does not show says so, and the tour goes on; without
// TourAuto each step waits for NextStep.
func TestTourMissingStepAndNextStep(t *testing.T) {
	src := "step 404 read Light01\ncaption not a 404\n" +
		"step 200 read NoSuchDevice\ncaption not listed\n" +
		"step 200 read Light02\ncaption fine\n"
	tour, err := ParseTour([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := startTour(t, tour, false)
	steps := func() []Event { return having(r.events(), EventTour) }
	r.waitFor(t, 20*time.Second, "the first step", func(evs []Event, _ []model.Record) bool { return len(having(evs, EventTour)) == 1 })
	time.Sleep(200 * time.Millisecond)
	if n := len(steps()); n != 1 {
		t.Fatalf("%d tour events before NextStep, want 1", n)
	}
	first := steps()[0]
	if first.RecordID != 0 || first.Code != 404 || !strings.Contains(first.Text, "expected 404 from read Light01, and it did not happen: the gateway answered 200") {
		t.Errorf("first step: %+v", first)
	}
	r.e.NextStep()
	r.waitFor(t, 20*time.Second, "the second step", func(evs []Event, _ []model.Record) bool { return len(having(evs, EventTour)) == 2 })
	if second := steps()[1]; second.RecordID != 0 || !strings.HasSuffix(second.Text, "the gateway listed no device NoSuchDevice") {
		t.Errorf("second step: %+v", second)
	}
	r.e.NextStep()
	r.waitFor(t, 20*time.Second, "the third step", func(evs []Event, _ []model.Record) bool { return len(having(evs, EventTour)) == 3 })
	r.e.NextStep()
	r.waitFor(t, 20*time.Second, "the end", tourOver)
	end := steps()[3]
	if end.Failed != 2 || end.Text != "tour over: shown: 200, missing: 404 200" {
		t.Errorf("the end: %+v", end)
	}
}

// Against a gateway without the simulator's controls, the steps that need
// them say why they did not happen.
func TestTourWithoutControls(t *testing.T) {
	tour, err := ParseTour([]byte("step 421 burst\ncaption x\nstep 401 expire-cookie\ncaption y\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSim(t, edgesim.Options{})
	c, obs := newClient(t, s.URL, s, nil)
	r := startEngine(t, c, obs, func(cfg *Config) { cfg.Tour, cfg.TourAuto, cfg.TourPause = tour, true, time.Millisecond })
	r.waitFor(t, 20*time.Second, "the end", tourOver)
	for _, ev := range having(r.events(), EventTour)[:2] {
		if ev.RecordID != 0 || !strings.HasSuffix(ev.Text, noSim) {
			t.Errorf("step %d: %+v", ev.Count, ev)
		}
	}
}
