package loadgen

import (
	"context"
	"time"

	"edgetop/model"
)

// feedSeed is the seed of Feed's records.
const feedSeed = 1

// Feed observes rate records per second into obs in 1 ms steps (catching up when the ticker lags, never faster than the rate) until ctx ends; returns how many it observed.
//
// The records are New(1)'s with the clock set to time.Now, so that they
// start as they arrive. By the end of each whole millisecond since Feed
// began, rate/1000 records a millisecond have been observed: a tick that
// comes late (a GC pause, a busy machine) is made up at once, in batches,
// and none is observed ahead of its millisecond.
func Feed(ctx context.Context, obs interface{ Observe(model.Record) }, rate int) uint64 {
	if rate <= 0 {
		<-ctx.Done()
		return 0
	}
	g := New(feedSeed)
	g.SetClock(time.Now)
	batch := make([]model.Record, max(rate/1000, 1)*4)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	begin := time.Now()
	var sent uint64
	for {
		select {
		case <-ctx.Done():
			return sent
		case <-tick.C:
		}
		steps := uint64(time.Since(begin) / time.Millisecond)
		due := steps * uint64(rate) / 1000
		for sent < due && ctx.Err() == nil {
			n := min(due-sent, uint64(len(batch)))
			g.Fill(batch[:n])
			for i := range batch[:n] {
				obs.Observe(batch[i])
			}
			sent += n
		}
	}
}
