package header

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient/session"
	"edgetop/ui/theme"
)

// TestWatchInHeader: while the Watch stream is open the header says since
// when, how many events and the newest's age, in the long form where it
// fits (the rest compact if need be), else the count alone.
func TestWatchInHeader(t *testing.T) {
	now := time.Date(2026, 11, 26, 13, 7, 1, 0, time.UTC)
	st := session.State{
		Gateway: "https://127.0.0.1:9999", APIVersion: "2020-04-30", Simulated: true, Link: session.LinkUp,
		Watch: session.WatchState{Open: true, Since: now.Add(-2 * time.Minute), LastEvent: now.Add(-time.Second), Events: 312},
	}
	th := theme.NoColorTheme()
	for _, tc := range []struct {
		w    int
		want string
	}{
		{200, "● live · watch open 2m · 312 ev · last 1s ago · edgetop · https://127.0.0.1:9999"},
		{100, "● live · watch open 2m · 312 ev · last 1s ago · 127.0.0.1:9999 sim"},
		{80, "● live · watch 312 ev · 127.0.0.1:9999 sim"},
	} {
		got := ansi.Strip(Line(th, tc.w, Data{State: st, Now: now}))
		if !strings.HasPrefix(got, " "+tc.want) || ansi.StringWidth(got) != tc.w {
			t.Errorf("%d: %q", tc.w, got)
		}
	}
	st.Watch.Dropped = 5
	if got := WatchText(st.Watch, now, false); got != "watch open 2m · 312 ev · last 1s ago · 5 changes dropped" {
		t.Errorf("%q", got)
	}
	st.Watch.LastEvent = time.Time{}
	if got := WatchText(st.Watch, now, false); got != "watch open 2m · 312 ev · 5 changes dropped" {
		t.Errorf("%q", got)
	}
}
