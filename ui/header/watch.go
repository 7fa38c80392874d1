package header

import (
	"strconv"
	"time"

	"edgetop/edgeclient/session"
)

// WatchText is the Watch stream while it is open, as the header shows it
// after the link: "watch open 2m · 312 ev · last 1s ago" (how long it has
// been open, the device events received, the age of the newest; the
// changes it could not hand on, if any), or "watch 312 ev" when compact.
func WatchText(w session.WatchState, now time.Time, compact bool) string {
	ev := strconv.FormatUint(w.Events, 10) + " ev"
	if compact {
		return "watch " + ev
	}
	s := "watch open " + Left(now.Sub(w.Since)) + " · " + ev
	if !w.LastEvent.IsZero() {
		s += " · last " + Left(now.Sub(w.LastEvent)) + " ago"
	}
	if w.Dropped > 0 {
		s += " · " + strconv.FormatUint(w.Dropped, 10) + " changes dropped"
	}
	return s
}
