package plain

import (
	"context"
	"strings"
	"testing"
	"time"

	"edgetop/assets"
	"edgetop/edgeclient"
	"edgetop/edgeclient/edgesim"
	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/uitest"
)

// tourEvents sends a record, the tour's steps and its end, then waits to
// be stopped (a tour's session stays up after its end).
func tourEvents(evs ...session.Event) *fakeRunner {
	s := &fakeRunner{ch: make(chan session.Event, len(evs)+1)}
	for _, ev := range evs {
		ev.At = uitest.T0
		s.ch <- ev
	}
	return s
}

func TestTourCaptionsAndEnd(t *testing.T) {
	rec := uitest.SampleRecords()[0]
	rec.ID, rec.Status = 7, 400
	run := tourEvents(
		session.Event{Kind: session.EventRecords, Records: []model.Record{rec}},
		session.Event{Kind: session.EventTour, Count: 1, Total: 2, Code: 400, RecordID: 7, Text: "line one\nline \x1b[31mtwo\n\nafter a break"},
		session.Event{Kind: session.EventTour, Count: 2, Total: 2, Code: 421, Text: "expected 421 from burst, and it did not happen: the gateway answered 200"},
		session.Event{Kind: session.EventTour, Total: 2, Failed: 1, Text: "tour over: shown: 400, missing: 421"},
	)
	var out, errOut strings.Builder
	err := Run(context.Background(), run, options(t, &out, &errOut))
	want := "13:07:01.234 ── tour 1/2 · 400 Bad Request\n" +
		"             line one\n" +
		"             line two\n" +
		"\n" +
		"             after a break\n" +
		"13:07:01.234 ── tour 2/2 · 421 Too Many Connections: not shown\n" +
		"             expected 421 from burst, and it did not happen: the gateway answered 200\n" +
		"13:07:01.234 ── tour over: shown: 400, missing: 421\n"
	if got := out.String(); !strings.HasSuffix(got, want) {
		t.Errorf("output:\n%s\nwant it to end with:\n%s", got, want)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Error("an escape sequence from a caption reached the output")
	}
	if err == nil || !strings.Contains(err.Error(), "the tour did not show 1 of its 2 codes") {
		t.Errorf("err %v, want the missing code", err)
	}
	if !strings.Contains(errOut.String(), "edgetop: tour over: shown: 400, missing: 421\n") {
		t.Errorf("the summary lacks the tour's end:\n%s", errOut.String())
	}
}

// simControls adapts the simulator for the tour, as main does.
type simControls struct{ s *edgesim.Server }

func (c simControls) SetConnLimit(n int)          { c.s.SetConnLimit(n) }
func (c simControls) Maintenance(d time.Duration) { c.s.Faults().Maintenance(d) }
func (c simControls) ResetNext(string)            {}
func (c simControls) ExpireCookies()              { c.s.ExpireCookies() }

// The shipped tour in plain mode against the simulator: every code, then
// the run ends by itself with no error.
func TestTourPlainAgainstSimulator(t *testing.T) {
	tour, err := session.ParseTour(assets.Tour())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := edgesim.New(edgesim.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	obs, seq := edgeclient.NewChanObserver(session.ObserverBuffer), &edgeclient.Sequence{}
	client := func(user, pass string) *edgeclient.Client {
		c, err := edgeclient.New(edgeclient.Config{
			Gateway: sim.URL, User: user, Password: pass, CAPEM: sim.CertPEM(), Observer: obs, Sequence: seq,
			RenewBefore: -1, Retry: edgeclient.RetryPolicy{MaxRetryAfter: 50 * time.Millisecond},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	eng := session.New(session.Config{
		Client: client("admin", "admin1234"), Records: obs, Simulated: true,
		Demo: &session.Demo{Controls: simControls{sim}, Viewer: client("viewer", "viewer1234")},
		Tour: tour, TourAuto: true, TourPause: time.Millisecond,
	})
	var out, errOut strings.Builder
	if err := Run(context.Background(), eng, options(t, &out, &errOut)); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	for _, s := range []string{
		"── tour 1/11 · 200 Success\n", "── tour 5/11 · 401 Unauthorized\n", "── tour 9/11 · 421 Too Many Connections\n",
		"── tour 11/11 · 503 Service Unavailable\n",
		"── tour over: shown: 200 201 302 400 401 403 404 405 421 500 503, missing: none\n",
	} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("no %q in:\n%s", s, out.String())
		}
	}
}
