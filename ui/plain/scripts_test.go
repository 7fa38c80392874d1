package plain

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"edgetop/edgeclient/session"
	"edgetop/model"
	"edgetop/ui/uitest"
)

// queued is a runner that sends batches then ends.
func queued(batches ...[]model.Record) *fakeRunner {
	s := &fakeRunner{ch: make(chan session.Event, len(batches)+1)}
	for _, b := range batches {
		s.ch <- session.Event{Kind: session.EventRecords, Records: b, At: uitest.T0}
	}
	s.ch <- session.Event{Kind: session.EventHalted, Text: "the replay ended", Fix: "-"}
	return s
}

func mustQuery(t *testing.T, src string) *model.Query {
	t.Helper()
	q, err := model.ParseQuery(src, uitest.T0)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestJSONLinesAreRecords(t *testing.T) {
	var out, errOut strings.Builder
	hostile := uitest.HostileRecord(99)
	hostile.ResponseBody = model.Body{Preview: "x"}
	recs := append(uitest.SampleRecords(), hostile)
	o := options(t, &out, &errOut)
	o.JSON = true
	_ = Run(context.Background(), queued(recs), o)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d records:\n%s", len(lines), len(recs), out.String())
	}
	for i, l := range lines {
		var r model.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.ID != recs[i].ID {
			t.Fatalf("line %d is not record #%d: %v", i+1, recs[i].ID, err)
		}
		if strings.ContainsAny(l, "\x1b\u009b\u202e\u2028") {
			t.Fatalf("line %d holds raw control characters", i+1)
		}
	}
	if !strings.Contains(errOut.String(), "the replay ended") {
		t.Fatalf("the session's change is not on stderr: %q", errOut.String())
	}
}

func TestFilterPrintsOnlyMatchesAndCountsAll(t *testing.T) {
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.Filter = mustQuery(t, "4xx op:GetThing*")
	_ = Run(context.Background(), queued(uitest.SampleRecords()), o)
	if n := strings.Count(out.String(), "GetThingProperties"); n != 3 {
		t.Fatalf("%d lines, want the three 4xx reads:\n%s", n, out.String())
	}
	if !strings.Contains(errOut.String(), "11 exchanges") {
		t.Fatalf("the summary does not count every exchange: %s", errOut.String())
	}
}

func TestFailOnStopsAtTheFirstMatch(t *testing.T) {
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.FailOn = mustQuery(t, "5xx")
	recs := uitest.SampleRecords()
	err := Run(context.Background(), queued(recs[:5], recs[5:]), o)
	var fe *FailOnError
	if !errors.As(err, &fe) || !strings.Contains(fe.Line, "CallThingServices") || !strings.Contains(fe.Line, "500") {
		t.Fatalf("err %v", err)
	}
	if n := strings.Count(out.String(), "\n") - strings.Count(out.String(), "──"); n != 8 || strings.Contains(out.String(), "503") {
		t.Fatalf("%d lines, want the 8 up to the match and none after:\n%s", n, out.String())
	}
}

// closedRunner sends its events then closes, as a replay does at its end.
type closedRunner struct{ ch chan session.Event }

func (c closedRunner) Start()                       {}
func (c closedRunner) Events() <-chan session.Event { return c.ch }
func (c closedRunner) State() session.State         { return session.State{} }
func (c closedRunner) Pace(int)                     {}
func (c closedRunner) Stop(context.Context) error   { return nil }

// TestReplayGoesOnPastARecordedHalt: a halt in a recording is history: the
// replay prints what came after it and is no failure.
func TestReplayGoesOnPastARecordedHalt(t *testing.T) {
	recs := uitest.SampleRecords()
	c := closedRunner{ch: make(chan session.Event, 4)}
	c.ch <- session.Event{Kind: session.EventRecords, Records: recs[:5], At: uitest.T0}
	c.ch <- session.Event{Kind: session.EventHalted, Text: "login refused (HTTP 401)", Fix: "check the password", At: uitest.T0}
	c.ch <- session.Event{Kind: session.EventRecords, Records: recs[5:], At: uitest.T0}
	close(c.ch)
	var out, errOut strings.Builder
	o := options(t, &out, &errOut)
	o.Replay = true
	if err := Run(context.Background(), c, o); err != nil {
		t.Fatalf("a replayed halt failed the run: %v", err)
	}
	if n := strings.Count(out.String(), "\n") - strings.Count(out.String(), "──"); n != len(recs) {
		t.Fatalf("%d lines, want %d (the ones after the halt too):\n%s", n, len(recs), out.String())
	}
}
