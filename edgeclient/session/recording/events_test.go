package recording

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"edgetop/edgeclient/session"
	"edgetop/model"
)

// TestEventsAreRecordedAndReplayedInPlace: the session's changes (lost,
// back, the demo's steps) go into the recording between the records and
// come out of a replay where they happened; the pace and notes do not.
func TestEventsAreRecordedAndReplayedInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := Create(path, Meta{Gateway: "https://gw:9999"})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rec := func(id uint64) []model.Record {
		return []model.Record{{ID: id, Start: t0.Add(time.Duration(id) * time.Second), Status: 200}}
	}
	inner := newFakeRunner()
	tee := Tee(inner, w)
	tee.Start()
	go func() {
		inner.send(session.Event{Kind: session.EventRecords, Records: rec(1), At: t0})
		inner.send(session.Event{Kind: session.EventLost, At: t0.Add(2 * time.Second), Since: t0.Add(time.Second), Why: model.ErrReset, Text: "reset \x1b[2J"})
		inner.send(session.Event{Kind: session.EventPace, After: time.Second})
		inner.send(session.Event{Kind: session.EventRecords, Records: rec(3), At: t0})
		inner.send(session.Event{Kind: session.EventBack, At: t0.Add(4 * time.Second), After: 3 * time.Second, Failed: 2})
		inner.send(session.Event{Kind: session.EventRecords, Records: rec(5), At: t0})
		_ = tee.Stop(context.Background())
	}()
	for range tee.Events() { //nolint:revive // drained
	}

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(r, PlayerOptions{Speed: 0})
	p.Start()
	var got []string
	for ev := range p.Events() {
		switch ev.Kind {
		case session.EventRecords:
			for _, x := range ev.Records {
				got = append(got, "#"+string(rune('0'+x.ID)))
			}
		case session.EventLost:
			if ev.Why != model.ErrReset || ev.Text != "reset \x1b[2J" || !ev.Since.Equal(t0.Add(time.Second)) {
				t.Errorf("lost came back as %+v", ev)
			}
			got = append(got, "lost")
		case session.EventBack:
			if ev.After != 3*time.Second || ev.Failed != 2 {
				t.Errorf("back came back as %+v", ev)
			}
			got = append(got, "back")
		case session.EventPace:
			t.Error("the pace was recorded")
		}
	}
	if want := "[#1 lost #3 back #5]"; fmtList(got) != want {
		t.Fatalf("replayed %v, want %s", got, want)
	}
	if len(r.Problems()) != 0 {
		t.Fatalf("problems: %v", r.Problems())
	}
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}
