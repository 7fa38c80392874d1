package loadgen

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"edgetop/model"
)

// TestMix checks 10,000 records: every status class in about the shares
// the package promises, IDs and starts increasing, every secret masked,
// no header slice or string shared between two records, bodies that say
// what they are, and follow-ups that point at what they follow.
func TestMix(t *testing.T) {
	const n = 10_000
	rs := Records(42, n)
	var classes [6]int
	ops := map[string]int{}
	headerArrays := map[*model.Header]uint64{}
	paths := map[*byte]uint64{}
	byID := map[uint64]*model.Record{}
	for i := range rs {
		r := &rs[i]
		classes[r.Class()]++
		ops[r.Operation]++
		byID[r.ID] = r
		if r.ID != uint64(i+1) {
			t.Fatalf("record %d has ID %d", i, r.ID)
		}
		if i > 0 && !r.Start.After(rs[i-1].Start) {
			t.Fatalf("record %d starts at %v, not after %v", r.ID, r.Start, rs[i-1].Start)
		}
		for _, hs := range [][]model.Header{r.RequestHeaders, r.ResponseHeaders} {
			if len(hs) == 0 {
				continue
			}
			if other, ok := headerArrays[&hs[0]]; ok {
				t.Fatalf("records %d and %d share a header slice", other, r.ID)
			}
			headerArrays[&hs[0]] = r.ID
		}
		if other, ok := paths[unsafe.StringData(r.Path)]; ok {
			t.Fatalf("records %d and %d share their Path's bytes", other, r.ID)
		}
		paths[unsafe.StringData(r.Path)] = r.ID
		checkRecord(t, r)
	}
	share := func(c model.Class) float64 { return float64(classes[c]) / n }
	t.Logf("2xx %.1f%%, 3xx %.1f%%, 4xx %.1f%%, 5xx %.1f%%, net %.1f%%; ops %v",
		100*share(model.Class2xx), 100*share(model.Class3xx), 100*share(model.Class4xx),
		100*share(model.Class5xx), 100*share(model.ClassNet), ops)
	want := []struct {
		c      model.Class
		lo, hi float64
	}{
		{model.Class2xx, 0.83, 0.89},
		{model.Class3xx, 0.01, 0.03},
		{model.Class4xx, 0.045, 0.075},
		{model.Class5xx, 0.035, 0.065},
		{model.ClassNet, 0.005, 0.02},
	}
	for _, w := range want {
		if s := share(w.c); s < w.lo || s > w.hi {
			t.Errorf("%s: %.2f%% of the records, want %.1f–%.1f%%", w.c, 100*s, 100*w.lo, 100*w.hi)
		}
	}
	for _, op := range opNames {
		if ops[op] == 0 {
			t.Errorf("no %s record", op)
		}
	}
	checkFollowUps(t, rs, byID)
}

// checkRecord checks one record on its own.
func checkRecord(t *testing.T, r *model.Record) {
	t.Helper()
	for _, h := range append(append([]model.Header{}, r.RequestHeaders...), r.ResponseHeaders...) {
		switch h.Name {
		case "Cookie", "Authorization", "Set-Cookie":
			if !strings.Contains(h.Value, "******") {
				t.Fatalf("record %d: %s %q is not masked", r.ID, h.Name, h.Value)
			}
		}
	}
	if r.BytesIn != r.ResponseBody.Size || r.BytesOut != r.RequestBody.Size {
		t.Fatalf("record %d: bytes %d/%d, bodies %d/%d", r.ID, r.BytesOut, r.BytesIn, r.RequestBody.Size, r.ResponseBody.Size)
	}
	if len(r.ResponseBody.Preview) > model.BodyPreviewMax || r.ResponseBody.Truncated != (int64(len(r.ResponseBody.Preview)) < r.ResponseBody.Size) {
		t.Fatalf("record %d: preview of %d bytes, size %d, truncated %v", r.ID, len(r.ResponseBody.Preview), r.ResponseBody.Size, r.ResponseBody.Truncated)
	}
	for _, b := range []model.Body{r.RequestBody, r.ResponseBody} {
		if strings.HasPrefix(b.ContentType, "application/json") && !b.Truncated && b.Preview != "" && !json.Valid([]byte(b.Preview)) {
			t.Fatalf("record %d: invalid JSON body %q", r.ID, b.Preview)
		}
	}
	switch {
	case r.Status == 0:
		if r.Err == nil || (r.Err.Kind != model.ErrTimeout && r.Err.Kind != model.ErrReset) || len(r.ResponseHeaders) != 0 {
			t.Fatalf("record %d: no status, error %+v", r.ID, r.Err)
		}
	case r.Status >= 300 && r.Status != 429:
		if r.APICode == "" || r.APIMessage == "" || !strings.Contains(r.ResponseBody.Preview, r.APIMessage) {
			t.Fatalf("record %d: %d with Code %q, Message %q, body %q", r.ID, r.Status, r.APICode, r.APIMessage, r.ResponseBody.Preview)
		}
	}
	want := map[int]string{302: "Location", 421: "Retry-After", 429: "Retry-After", 503: "Retry-After", 405: "Allow"}[r.Status]
	if want != "" && !hasHeader(r.ResponseHeaders, want) {
		t.Fatalf("record %d: %d without %s: %v", r.ID, r.Status, want, r.ResponseHeaders)
	}
	if d := r.Duration; d < 300*time.Microsecond || d > 300*time.Millisecond && r.Status != 0 && r.Operation != "BulkActions.Watch" {
		t.Fatalf("record %d: duration %v", r.ID, d)
	}
}

// checkFollowUps checks that retries, renewals and redirect hops follow
// a record that called for them.
func checkFollowUps(t *testing.T, rs []model.Record, byID map[uint64]*model.Record) {
	t.Helper()
	links := map[model.Link]int{}
	for i := range rs {
		r := &rs[i]
		if r.Parent == 0 {
			continue
		}
		links[r.Link]++
		p := byID[r.Parent]
		if p == nil || p.ID >= r.ID {
			t.Fatalf("record %d: parent %d", r.ID, r.Parent)
		}
		switch r.Link {
		case model.LinkRetry:
			if p.Action.Kind != model.ActionBackoff || p.Action.Delay <= 0 || p.Action.Detail == "" || p.Path != r.Path || r.Attempt != p.Attempt+1 {
				t.Fatalf("retry %d of %d: %+v after %+v", r.ID, p.ID, r.Path, p.Action)
			}
		case model.LinkRedirect:
			if p.Status != 302 || p.Action.Kind != model.ActionRedirect || header(p.ResponseHeaders, "Location") != r.Path {
				t.Fatalf("hop %d of %d: %s after %d %v", r.ID, p.ID, r.Path, p.Status, p.ResponseHeaders)
			}
		case model.LinkRenewal:
			if p.Status != 401 || p.Action.Kind != model.ActionRenewed || p.Path != r.Path {
				t.Fatalf("renewal %d of %d", r.ID, p.ID)
			}
		}
	}
	for _, l := range []model.Link{model.LinkRetry, model.LinkRedirect, model.LinkRenewal} {
		if links[l] == 0 {
			t.Errorf("no %s link", l)
		}
	}
}

func header(hs []model.Header, name string) string {
	for _, h := range hs {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

func hasHeader(hs []model.Header, name string) bool { return header(hs, name) != "" }

// TestDeterministic: a seed gives the same records, in one batch or many.
func TestDeterministic(t *testing.T) {
	a := Records(7, 3000)
	g := New(7)
	b := make([]model.Record, 3000)
	for i := 0; i < len(b); i += 100 {
		g.Fill(b[i : i+100])
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave other records")
	}
	if reflect.DeepEqual(a[:100], Records(8, 100)) {
		t.Fatal("another seed gave the same records")
	}
}

// TestSetClock: with a clock, Start is its time.
func TestSetClock(t *testing.T) {
	g := New(1)
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	g.SetClock(func() time.Time { return at })
	rs := make([]model.Record, 10)
	g.Fill(rs)
	for _, r := range rs {
		if !r.Start.Equal(at) {
			t.Fatalf("record %d starts at %v", r.ID, r.Start)
		}
		if d := header(r.ResponseHeaders, "Date"); r.Status != 0 && d != "Sat, 02 Jan 2027 03:04:05 GMT" {
			t.Fatalf("record %d: Date %q", r.ID, d)
		}
	}
}

type countObs struct{ n, lastID atomic.Uint64 }

func (c *countObs) Observe(r model.Record) {
	c.n.Add(1)
	c.lastID.Store(r.ID)
}

// TestFeed: Feed keeps the rate, never above it.
func TestFeed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var obs countObs
	begin := time.Now()
	n := Feed(ctx, &obs, 20_000)
	took := time.Since(begin)
	if n != obs.n.Load() || obs.lastID.Load() != n {
		t.Fatalf("Feed says %d, the observer saw %d (last ID %d)", n, obs.n.Load(), obs.lastID.Load())
	}
	if limit := uint64(took.Seconds() * 20_000); n > limit {
		t.Fatalf("%d records in %v: faster than the rate", n, took)
	}
	if n < 1000 { // 300 ms at 20k/s is 6,000: Feed catches up, but a loaded (or -race) machine may end mid-catch-up
		t.Fatalf("%d records in %v", n, took)
	}
}
