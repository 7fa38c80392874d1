package header

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"edgetop/edgeclient/session"
	"edgetop/ui/theme"
)

// TestReplayInHeader: a replay says so first, at every width, so the
// recorded link's "● live" is never read as a live gateway.
func TestReplayInHeader(t *testing.T) {
	now := time.Date(2026, 11, 26, 13, 7, 1, 0, time.UTC)
	st := session.State{Gateway: "https://10.0.0.7", APIVersion: "2020-04-30", Link: session.LinkUp}
	th := theme.NoColorTheme()
	for _, tc := range []struct {
		r    Replay
		want string
	}{
		{Replaying, " REPLAY · recorded ● live · "},
		{ReplayPaused, " REPLAY paused · recorded ● live · "},
		{ReplayEnded, " REPLAY ended · recorded ● live · "},
		{NoReplay, " ● live · "},
	} {
		for _, w := range []int{200, 40} {
			got := ansi.Strip(Line(th, w, Data{State: st, Now: now, Replay: tc.r}))
			if !strings.HasPrefix(got, tc.want) || ansi.StringWidth(got) != w {
				t.Errorf("%d at %d: %q, want it to begin %q", tc.r, w, got, tc.want)
			}
			if auth := strings.Contains(got, "authenticated"); w == 200 && auth != (tc.r == NoReplay) {
				t.Errorf("%d: %q: the auth part belongs to a live session only", tc.r, got)
			}
		}
	}
}
