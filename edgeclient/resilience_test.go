package edgeclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"edgetop/model"
)

// statusFault answers the first n matching requests with status (and a
// Retry-After when ra != "").
func statusFault(n int32, status int, ra string, match string) func(w http.ResponseWriter, r *http.Request) bool {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.Contains(r.URL.Path, match) || seen.Add(1) > n {
			return false
		}
		if ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		writeErr(w, versionOf(r.URL.Path), status, http.StatusText(status), "injected")
		return true
	}
}

func TestBackoff503HonoursRetryAfter(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(statusFault(2, 503, "1", "/properties"))
	if _, err := c.GetThingProperties(t.Context(), "pk", "dev", "LightSwitch"); err != nil {
		t.Fatal(err)
	}
	var chain []model.Record
	for _, r := range rec.all() {
		if r.Operation == OpGetThingProperties {
			chain = append(chain, r)
		}
	}
	if len(chain) != 3 || chain[2].Status != 200 {
		t.Fatalf("records %+v", chain)
	}
	for i, r := range chain[:2] {
		if r.Status != 503 || r.Action.Kind != model.ActionBackoff || r.Action.Delay != fastRetry.MaxRetryAfter ||
			!strings.Contains(r.Action.Detail, "Retry-After") || r.APICode != "Service Unavailable" {
			t.Errorf("503 record %d: %+v", i, r)
		}
		if chain[i+1].Parent != r.ID || chain[i+1].Link != model.LinkRetry || chain[i+1].Attempt != i+2 {
			t.Errorf("retry %d not linked: %+v", i, chain[i+1])
		}
	}
}

func TestBackoff503GivesUp(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(statusFault(100, 503, "", "/scenes"))
	_, err := c.ListScenes(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("err = %v", err)
	}
	recs := rec.all()
	last := recs[len(recs)-1]
	if rec.count(OpListScenes) != 4 || last.Action.Kind != model.ActionGaveUp || last.Attempt != 4 || last.ID != ae.RecordID {
		t.Errorf("last %+v (count %d)", last, rec.count(OpListScenes))
	}
}

func TestBackoff421LowersConcurrency(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.MaxConnsPerHost = 8 })
	f.setFault(statusFault(2, http.StatusMisdirectedRequest, "", "/scenes"))
	if _, err := c.ListScenes(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := c.Concurrency(); got != 2 {
		t.Errorf("concurrency after two 421 = %d, want 2", got)
	}
	n421 := 0
	for _, r := range rec.all() {
		if r.Status == 421 {
			n421++
			if r.Action.Kind != model.ActionBackoff || r.Action.Delay <= 0 || !strings.Contains(r.Action.Detail, "concurrency lowered") {
				t.Errorf("421 record %+v", r)
			}
		}
	}
	if n421 != 2 {
		t.Errorf("421 records = %d", n421)
	}
	// Slowly restored: RestoreAfter (20) successes per step.
	for range 20 {
		if _, err := c.ListScenes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Concurrency(); got != 3 {
		t.Errorf("concurrency after 20 successes = %d, want 3", got)
	}
}

func TestRedirectHopsObserved(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.URL.Path == "/2020-04-30/things/bulk" && r.URL.RawQuery == "":
			http.Redirect(w, r, "/legacy/bulk", http.StatusFound)
		case r.URL.Path == "/legacy/bulk":
			http.Redirect(w, r, "/2020-04-30/things/bulk?hop=2", http.StatusTemporaryRedirect)
		default:
			return false
		}
		return true
	})
	res, err := c.BulkSetProperties(t.Context(), []PropertyUpdate{{ProductKey: "pk", DeviceName: "d", Properties: map[string]any{"a": 1}}})
	if err != nil || len(res.Results) != 1 {
		t.Fatalf("BulkSetProperties = %+v, %v", res, err)
	}
	var chain []model.Record
	for _, r := range rec.all() {
		if r.Operation == OpBulkSetProperties {
			chain = append(chain, r)
		}
	}
	if len(chain) != 3 {
		t.Fatalf("want 3 records (2 hops + final), got %d", len(chain))
	}
	wantPaths := []string{"/2020-04-30/things/bulk", "/legacy/bulk", "/2020-04-30/things/bulk?hop=2"}
	for i, r := range chain {
		if r.Path != wantPaths[i] || r.Method != "POST" || r.BytesOut == 0 || r.Attempt != 1 {
			t.Errorf("hop %d: %+v", i, r)
		}
		if i < 2 && (r.Action.Kind != model.ActionRedirect || r.Status/100 != 3) {
			t.Errorf("hop %d action %+v", i, r.Action)
		}
		if i > 0 && (r.Parent != chain[i-1].ID || r.Link != model.LinkRedirect) {
			t.Errorf("hop %d not linked: %+v", i, r)
		}
	}
}

func TestTooManyRedirects(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == "GET" && strings.Contains(r.URL.Path, "/scenes") {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
			return true
		}
		return false
	})
	_, err := c.ListScenes(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 302 {
		t.Fatalf("err = %v", err)
	}
	recs := rec.all()
	if n := rec.count(OpListScenes); n != 6 || recs[len(recs)-1].Action.Kind != model.ActionGaveUp {
		t.Errorf("records = %d, last %+v", n, recs[len(recs)-1].Action)
	}
}

func TestFailedSetNotRetried(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(statusFault(100, 500, "", "/properties"))
	_, err := c.SetThingProperties(t.Context(), "pk", "dev", map[string]any{"a": 1})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 || ae.Operation != OpSetThingProperties {
		t.Fatalf("err = %v", err)
	}
	if n := rec.count(OpSetThingProperties); n != 1 {
		t.Errorf("Set records = %d, want 1 (no retry)", n)
	}
	for _, call := range []func() error{
		func() error { _, err := c.CallThingServices(t.Context(), "pk", "dev", nil); return err },
		func() error { _, err := c.BulkSetProperties(t.Context(), nil); return err },
		func() error { _, err := c.BulkCallServices(t.Context(), nil); return err },
		func() error { _, err := c.InvokeFunction(t.Context(), "service:a:function:b", nil); return err },
		func() error { return c.EnableScene(t.Context(), "x") },
		func() error { return c.DisableScene(t.Context(), "x") },
	} {
		f.setFault(statusFault(100, 500, "", "/"))
		before := len(rec.all())
		if err := call(); !errors.As(err, &ae) || ae.Status != 500 {
			t.Errorf("err = %v", err)
		}
		if n := len(rec.all()) - before; n != 1 {
			t.Errorf("%s: %d records, want 1", ae.Operation, n)
		}
	}
	// A read gets one retry on 500 (ReadAttempts500 = 2).
	f.setFault(statusFault(1, 500, "", "/properties"))
	if _, err := c.GetThingProperties(t.Context(), "pk", "dev", "a"); err != nil {
		t.Errorf("read after one 500: %v", err)
	}
}

func TestBodyCapTruncated(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) { cfg.MaxBodyBytes = 100 })
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/scenes") {
			io.WriteString(w, `{"Data":{"Scenes":[`+strings.Repeat(`{"Id":"x","Name":"y"},`, 100)+`{}]}}`)
			return true
		}
		return false
	})
	_, err := c.ListScenes(t.Context())
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrTruncated {
		t.Fatalf("err = %v", err)
	}
	last := rec.all()[len(rec.all())-1]
	if last.Err == nil || last.Err.Kind != model.ErrTruncated || !last.ResponseBody.Truncated || last.Status != 200 || rec.count(OpListScenes) != 1 {
		t.Errorf("record %+v", last)
	}
}

func TestMalformedBody(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/things") {
			io.WriteString(w, `{"Data":{"Things":[{"ProductKey":`)
			return true
		}
		return false
	})
	_, err := c.ListThings(t.Context(), ThingFilter{})
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrMalformed {
		t.Fatalf("err = %v", err)
	}
	if last := rec.all()[len(rec.all())-1]; last.Err == nil || last.Err.Kind != model.ErrMalformed {
		t.Errorf("record %+v", last)
	}
}

func TestDeadGatewayRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rec := &recorder{}
	c, err := New(Config{
		Gateway: "https://" + addr, User: "u", Password: "p", Observer: rec,
		Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListThings(t.Context(), ThingFilter{})
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrRefused || ne.Operation != OpCreateAuthCookie {
		t.Fatalf("err = %v", err)
	}
	recs := rec.all()
	if len(recs) != 2 || recs[0].Action.Kind != model.ActionBackoff || recs[1].Action.Kind != model.ActionGaveUp ||
		recs[1].Err.Kind != model.ErrRefused || recs[1].Status != 0 {
		t.Errorf("records %+v", recs)
	}
}

func TestStalledGatewayTimesOut(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, func(cfg *Config) {
		cfg.Timeout = 50 * time.Millisecond
		cfg.Retry.MaxAttempts = 1
	})
	release := make(chan struct{})
	defer close(release)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/scenes") {
			select {
			case <-release:
			case <-r.Context().Done():
				// A stalled gateway answers nothing: without this the
				// server would still write an implicit 200, which the
				// client may read as the attempt times out.
				panic(http.ErrAbortHandler)
			}
			return true
		}
		return false
	})
	_, err := c.ListScenes(t.Context())
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrTimeout {
		for _, r := range rec.all() {
			t.Logf("%d %s %s %d %v %+v %v", r.ID, r.Operation, r.Path, r.Status, r.Duration, r.Action, r.Err)
		}
		t.Fatalf("err = %v", err)
	}
	// The caller's own cancellation is "canceled", not a timeout.
	ctx, cancel := context.WithCancel(t.Context())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	c2, _ := newTestClient(t, f, Version2020, nil)
	_, err = c2.ListScenes(ctx)
	if !errors.As(err, &ne) || ne.Kind != model.ErrCanceled {
		t.Fatalf("cancelled: err = %v", err)
	}
}

func TestChanObserverNeverBlocks(t *testing.T) {
	o := NewChanObserver(2)
	for i := range 5 {
		o.Observe(model.Record{ID: uint64(i + 1)})
	}
	if o.Dropped() != 3 || len(o.C()) != 2 {
		t.Errorf("dropped %d, queued %d", o.Dropped(), len(o.C()))
	}
	if r := <-o.C(); r.ID != 1 {
		t.Errorf("first = %d", r.ID)
	}
}

func TestLimiterCancelWhileWaiting(t *testing.T) {
	l := newLimiter(1, 1)
	if err := l.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- l.acquire(ctx) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	l.release(true)
	if err := l.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	l.release(true)
}

func TestCancelledBeforeStartMakesNoRecord(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.ListThings(ctx, ThingFilter{})
	var ne *NetError
	if !errors.As(err, &ne) || ne.Kind != model.ErrCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("records = %d", n)
	}
}

// A gateway that sends a call back where it came from is caught at the
// first repeat, not after the redirect budget: two hops, two records.
func TestRedirectLoopStops(t *testing.T) {
	f := newFakeGW(t)
	c, rec := newTestClient(t, f, Version2020, nil)
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/scenes") {
			http.Redirect(w, r, r.URL.Path+"/again", http.StatusFound)
			return true
		}
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/scenes/again") {
			http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/again"), http.StatusTemporaryRedirect)
			return true
		}
		return false
	})
	_, err := c.ListScenes(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Message != "redirect loop" {
		t.Fatalf("err = %v, want a redirect loop", err)
	}
	recs := rec.all()
	last := recs[len(recs)-1]
	if n := rec.count(OpListScenes); n != 2 || last.Action.Kind != model.ActionGaveUp || !strings.Contains(last.Action.Detail, "loop") {
		t.Errorf("records = %d, last %+v", n, last.Action)
	}
}

// After a 421 the retry does not reuse the connection the gateway counted:
// idle connections are closed, so the next attempt dials afresh.
func TestBackoff421ClosesIdleConnections(t *testing.T) {
	f := newFakeGW(t)
	c, _ := newTestClient(t, f, Version2020, nil)
	var mu sync.Mutex
	var addrs []string
	answered := false
	f.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/scenes") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		addrs = append(addrs, r.RemoteAddr)
		if len(addrs) == 2 && !answered {
			answered = true
			w.WriteHeader(http.StatusMisdirectedRequest)
			return true
		}
		return false
	})
	for range 2 { // the first call leaves an idle connection; the second meets the 421
		if _, err := c.ListScenes(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(addrs) != 3 || addrs[0] != addrs[1] || addrs[2] == addrs[1] {
		t.Errorf("remote addresses %v: want the 421 on the reused connection and the retry on a new one", addrs)
	}
}
