package edgeclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"edgetop/model"
)

func TestWatchReconnectsAfterDrop(t *testing.T) {
	f := newFakeGW(t)
	f.watchDrop = 2
	c, rec := newTestClient(t, f, Version2019, nil)
	// The second connection attempt meets a 503 first: backoff inside the
	// reconnect, then the stream again.
	var n atomic.Int32
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/things/bulk") && n.Add(1) == 2 {
			writeErr(w, Version2019, 503, "ServiceUnavailable", "maintenance")
			return true
		}
		return false
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := c.Watch(ctx, []WatchTarget{{ProductKey: "pk", DeviceName: "d"}})
	if err != nil {
		t.Fatal(err)
	}
	opened, dropped, events := 0, 0, 0
	for ev := range ch {
		switch ev.Kind {
		case WatchOpened:
			opened++
		case WatchDropped:
			dropped++
			if ev.Delay <= 0 {
				t.Errorf("dropped without delay: %+v", ev)
			}
		case WatchDeviceEvent:
			events++
		case WatchFailed:
			t.Fatalf("failed: %v", ev.Err)
		}
		if opened == 3 {
			cancel()
		}
	}
	if dropped != 2 || events < 4 || f.watches.Load() != 3 {
		t.Errorf("opened %d dropped %d events %d watches %d", opened, dropped, events, f.watches.Load())
	}
	checkWatchChain(t, rec)
}

// checkWatchChain checks the Watch records of TestWatchReconnectsAfterDrop:
// stream 1 (reconnect), 503 (backoff), stream 2 (reconnect), stream 3
// (closed by the client), each linked to the one before.
func checkWatchChain(t *testing.T, rec *recorder) {
	var watch []model.Record
	for _, r := range rec.all() {
		if r.Operation == OpBulkWatch {
			watch = append(watch, r)
		}
	}
	if len(watch) != 4 {
		t.Fatalf("watch records = %d: %+v", len(watch), watch)
	}
	wantAction := []model.ActionKind{model.ActionReconnect, model.ActionBackoff, model.ActionReconnect, model.ActionNone}
	for i, r := range watch {
		if r.Action.Kind != wantAction[i] || r.Attempt != i+1 {
			t.Errorf("watch record %d: attempt %d action %+v", i, r.Attempt, r.Action)
		}
		if i > 0 && (r.Parent != watch[i-1].ID || r.Link != model.LinkRetry) {
			t.Errorf("watch record %d not linked: %+v", i, r)
		}
		if r.Status == 200 && i < 3 && (r.BytesIn == 0 || !strings.Contains(r.ResponseBody.Preview, "propertiesChanged")) {
			t.Errorf("stream record %d: bytes %d preview %q", i, r.BytesIn, r.ResponseBody.Preview)
		}
	}
}

func TestWatchFailsOnForbidden(t *testing.T) {
	f := newFakeGW(t)
	c, _ := newTestClient(t, f, Version2020, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/things/bulk") {
			writeErr(w, Version2020, 403, "Forbidden", "no permission")
			return true
		}
		return false
	})
	ch, err := c.Watch(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var last WatchEvent
	for ev := range ch {
		last = ev
	}
	if last.Kind != WatchFailed || last.Err == nil || !strings.Contains(last.Err.Error(), "403") {
		t.Errorf("last event %+v", last)
	}
}

func TestWatchEndsOnClose(t *testing.T) {
	f := newFakeGW(t)
	c, _ := newTestClient(t, f, Version2020, nil)
	ch, err := c.Watch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	<-ch // opened
	if err := c.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range ch { // drains, then closes
	}
}

func TestWatchIdleStreamIsDropped(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.WatchIdle = 30 * time.Millisecond })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for ev := range ch {
		if ev.Kind == WatchDropped {
			if !errors.Is(ev.Err, errWatchIdle) {
				t.Errorf("dropped: %v", ev.Err)
			}
			cancel()
		}
	}
	var first *model.Record
	for _, r := range rec.all() {
		if r.Operation == OpBulkWatch {
			first = &r
			break
		}
	}
	if first == nil || first.Err == nil || first.Err.Kind != model.ErrTimeout || first.Action.Kind != model.ActionReconnect {
		t.Errorf("idle stream record %+v", first)
	}
}

// TestWatchReopensAtTheStreamsPace: attempts to reopen the stream that
// fail (503 here, a lost gateway alike) wait half to all of
// StreamBaseDelay·2ⁿ, not a call's short backoff: a gateway in trouble is
// not asked for a stream every few seconds.
func TestWatchReopensAtTheStreamsPace(t *testing.T) {
	f := newFakeGW(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/things/bulk") {
			writeErr(w, Version2019, 503, "ServiceUnavailable", "maintenance")
			return true
		}
		return false
	})
	c, rec := newTestClient(t, f, Version2019, func(cfg *Config) {
		cfg.Retry.StreamBaseDelay, cfg.Retry.StreamMaxDelay = 40*time.Millisecond, time.Second
	})
	ctx, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
	defer cancel()
	ch, err := c.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range ch {
	}
	// 600 ms at 20-40, 40-80, 80-160, 160-320 ms: at most 5 attempts (a
	// call's backoff, 1-5 ms here, would make a hundred).
	var delays []time.Duration
	for _, r := range rec.all() {
		if r.Operation == OpBulkWatch && r.Action.Kind == model.ActionBackoff {
			delays = append(delays, r.Action.Delay)
		}
	}
	if n := rec.count(OpBulkWatch); n < 2 || n > 5 {
		t.Fatalf("%d attempts in 600 ms (delays %v)", n, delays)
	}
	for i, d := range delays {
		if lo := (40 * time.Millisecond << i) / 2; d < lo {
			t.Errorf("attempt %d waited %v, under %v", i+1, d, lo)
		}
	}
}
