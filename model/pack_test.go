package model

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// oddRecords are records of every shape a Log must give back exactly:
// varied ones, hostile text, zones, zero and far times, errors, Date
// headers that do and do not read back, bodies alike and unlike.
func oddRecords(rng *rand.Rand, n int) []Record {
	zones := []*time.Location{time.UTC, time.Local, time.FixedZone("X", 5*3600+1800), time.FixedZone("", -7*3600)}
	texts := []string{
		"", "ok", "\x1b[31mred\x1b[0m", "\u202eevil\u202c", "\xff\xfe bad utf-8", "\u009b31m", strings.Repeat("long ", 80),
		"token=ab******", "日本語のメッセージ",
	}
	bodies := []string{
		`{"Data":{"Properties":{"Brightness":80,"Color":"white"},"Timestamp":1796126066535}}`,
		`{"Data":{"Properties":{"Brightness":81,"Color":"white"},"Timestamp":1796126066999}}`,
		`{"Code":"InvalidParameter","Message":"bad"}`, strings.Repeat("z", BodyPreviewMax), "", "\x00\x01 binary",
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	out := make([]Record, n)
	for i := range out {
		start := time.Unix(1796126066+int64(i), int64(rng.IntN(1e9))).In(zones[rng.IntN(len(zones))])
		switch rng.IntN(20) {
		case 0:
			start = time.Time{}
		case 1:
			start = time.Date(9999, 12, 31, 23, 59, 59, 999, time.UTC)
		}
		r := Record{
			ID: rng.Uint64N(1 << 40), Start: start, Duration: time.Duration(rng.Int64N(1 << 40)),
			Gateway: "https://127.0.0.1:" + strconv.Itoa(9000+rng.IntN(3)), APIVersion: pick([]string{"2020-04-30", "2019-09-30"}),
			Operation: pick([]string{"ListThings", "GetThingProperties", "Unknown"}), Method: pick([]string{"GET", "POST"}),
			Path:       "/2020-04-30/things/pk/dev" + strconv.Itoa(rng.IntN(5)) + "/properties" + pick(texts),
			ProductKey: pick([]string{"", "pk"}), DeviceName: pick(texts), Status: pick2(rng, []int{0, 200, 421, 503, 1 << 40, -5}),
			APICode: pick(texts), APIMessage: pick(texts), BytesOut: rng.Int64N(1<<20) - 1, BytesIn: rng.Int64N(1 << 33),
			Attempt: rng.IntN(5), HeadersCut: rng.IntN(3) * 100, Parent: rng.Uint64N(3), Link: Link(pick([]string{"", "retry", "renewal"})),
			Action:       Action{Kind: ActionKind(pick([]string{"", "backoff"})), Delay: time.Duration(rng.Int64N(1 << 35)), Detail: pick(texts)},
			RequestBody:  Body{ContentType: pick([]string{"", "application/json"}), Preview: pick(bodies), Size: rng.Int64N(9000) - 1, Truncated: rng.IntN(2) == 0},
			ResponseBody: Body{ContentType: pick(texts), Preview: pick(bodies) + pick(texts), Size: rng.Int64N(9000), Truncated: rng.IntN(3) == 0},
		}
		if rng.IntN(4) == 0 {
			r.Err = &TransportError{Kind: ErrKind(pick([]string{"", "timeout"})), Text: pick(texts)}
		}
		for range rng.IntN(6) {
			h := Header{Name: pick([]string{"Content-Type", "Date", "Server", "X-Id", pick(texts)}), Value: pick(texts)}
			if h.Name == "Date" {
				h.Value = pick([]string{
					start.UTC().Format(httpDate), start.Add(-3 * time.Second).UTC().Format(httpDate),
					"Tue, 1 Dec 2026 11:54:26 GMT", "Mon, 01 Dec 2026 11:54:26 GMT", h.Value,
				})
			}
			if h.Name == "X-Id" {
				h.Value = strconv.FormatUint(rng.Uint64(), 36) // never repeats
			}
			r.RequestHeaders = append(r.RequestHeaders, h)
			r.ResponseHeaders = append(r.ResponseHeaders, Header{Name: h.Value, Value: h.Name})
		}
		out[i] = r
	}
	return out
}

func pick2(rng *rand.Rand, xs []int) int { return xs[rng.IntN(len(xs))] }

// sameRecord compares a record given back with the one appended: the same
// instant in the same zone, the same fields (an empty header list and none
// are the same).
func sameRecord(t *testing.T, got *Record, want Record) {
	t.Helper()
	g := *got
	if !g.Start.Equal(want.Start) || g.Start.Location().String() != want.Start.Location().String() {
		t.Fatalf("record %d: start %v, want %v", want.ID, g.Start, want.Start)
	}
	g.Start, want.Start = time.Time{}, time.Time{}
	if len(want.RequestHeaders) == 0 {
		want.RequestHeaders = nil
	}
	if len(want.ResponseHeaders) == 0 {
		want.ResponseHeaders = nil
	}
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("record %d given back differs:\n got %+v\nwant %+v", want.ID, g, want)
	}
}

// TestLogGivesBackWhatItWasGiven: every record held reads back exactly as
// appended, while blocks fill, are reused and interned strings are swept.
func TestLogGivesBackWhatItWasGiven(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	all := oddRecords(rng, 30_000)
	l := NewLog(700)
	for i := 0; i < len(all); {
		n := min(1+rng.IntN(300), len(all)-i)
		l.Append(all[i : i+n]...)
		i += n
		held := all[i-l.Len() : i]
		for j := range held {
			if j%7 == 0 || j == len(held)-1 {
				sameRecord(t, l.At(j), held[j])
			}
			if c := l.slot(j).class(); c != held[j].Class() {
				t.Fatalf("record %d: class from its slot %v, want %v", held[j].ID, c, held[j].Class())
			}
		}
	}
	for j := range l.Len() {
		sameRecord(t, l.At(j), all[len(all)-l.Len()+j])
	}
	if len(l.blocks) > 1+700*(2*BodyPreviewMax+4000)/blockSize {
		t.Errorf("%d blocks held for 700 records", len(l.blocks))
	}
}

// TestLogInternTableStaysBounded: strings that never repeat are not
// interned, and what only evicted records used is freed.
func TestLogInternTableStaysBounded(t *testing.T) {
	l := NewLog(1000)
	rs := make([]Record, 1000)
	for round := range 100 {
		for i := range rs {
			n := round*len(rs) + i
			rs[i] = Record{
				ID: uint64(n), Path: "/things/dev" + strconv.Itoa(n), // unique
				Operation:    "Op" + strconv.Itoa(n/2000), // repeats, then changes
				ResponseBody: Body{Preview: `{"n":` + strconv.Itoa(n) + `,"pad":"` + strings.Repeat("p", 100) + `"}`},
			}
		}
		l.Append(rs...)
	}
	if n := len(l.pk.tab.ids); n > 50 {
		t.Errorf("%d strings interned, want only the operations and bases in use", n)
	}
	sameRecord(t, l.At(999), rs[999])
}

// TestFixedOnlyFiltersMatchLikeFull: a filter matched from the slots alone
// agrees with one that decodes everything.
func TestFixedOnlyFiltersMatchLikeFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	all := oddRecords(rng, 3000)
	l := NewLog(5000)
	l.budget = math.MaxInt // big records: all of them held
	l.Append(all...)
	for _, q := range []string{"5xx", "err", "421 or >1s", "not 2xx and >=400", "since:2026-12-01T00:00:00Z"} {
		f := Filter{Query: mustQuery(t, q)}
		if !f.fixedOnly() {
			t.Fatalf("%q: not fixed-only", q)
		}
		v := l.View(f)
		v.Scan(-1)
		want := 0
		for i := range all {
			if f.Match(&all[i]) {
				want++
			}
		}
		if v.Len() != want {
			t.Errorf("%q: %d matches, want %d", q, v.Len(), want)
		}
	}
	if (&Filter{Query: mustQuery(t, "5xx and op:List*")}).fixedOnly() {
		t.Error("a field query counted as fixed-only")
	}
}

// TestSnapshotReadsWhileTheLogGoesOn: a snapshot read on another goroutine
// gives back exactly its records while the log evicts them all and reuses
// its blocks (under -race, this is also the proof that the two share
// nothing they write).
func TestSnapshotReadsWhileTheLogGoesOn(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	all := oddRecords(rng, 20_000)
	l := NewLog(2000)
	l.budget = math.MaxInt // big records: all of them held
	l.Append(all[:2000]...)
	v := l.View(Filter{Query: mustQuery(t, "not 2xx")})
	v.Scan(-1)
	snap := v.Snapshot(-1)
	var want []Record
	for i := range all[:2000] {
		if v.filter.Match(&all[i]) {
			want = append(want, all[i])
		}
	}
	if snap.Len() != len(want) || snap.Len() == 0 {
		t.Fatalf("snapshot of %d records, want %d", snap.Len(), len(want))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range snap.Len() {
			sameRecord(t, snap.At(i), want[i])
		}
	}()
	for i := 2000; i < len(all); i += 100 {
		l.Append(all[i : i+100]...)
	}
	<-done
	snap.Release()
	snap.Release()
	if l.pins.Load() != 0 {
		t.Fatalf("%d pins after release", l.pins.Load())
	}
	l.Append(all[:5000]...)
	if len(l.spare) == 0 {
		t.Error("no block reused once the snapshot was released")
	}
	all5 := l.View(Filter{}).Snapshot(3)
	defer all5.Release()
	if all5.Len() != 3 || all5.At(2).ID != all[3002].ID {
		t.Errorf("first 3 of the log: %d records", all5.Len())
	}
}

// TestSnapshotInStepsWhileTheRingTurns: a snapshot taken in steps holds
// the records held when it began, in order, each exactly; those that fell
// out before their step are counted as lost, never replaced by newer ones.
func TestSnapshotInStepsWhileTheRingTurns(t *testing.T) {
	for _, tc := range []struct {
		name     string
		f        Filter
		step     int
		wantLost bool
	}{
		{"all, copy faster than eviction", Filter{}, 300, false},
		{"all, eviction faster", Filter{}, 50, true},
		{"filtered", Filter{Query: mustQuery(t, "not 2xx")}, 200, false},
		{"filtered, eviction faster", Filter{Query: mustQuery(t, "not 2xx")}, 30, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 8))
			all := oddRecords(rng, 12_000)
			l := NewLog(1000)
			l.Append(all[:1000]...)
			v := l.View(tc.f)
			v.Scan(-1)
			b := v.SnapshotSteps(-1)
			_, want := b.Progress()
			next := 1000
			for !b.Step(tc.step) {
				l.Append(all[next : next+100]...)
				next += 100
			}
			snap := b.Snapshot()
			defer snap.Release()
			if (b.Lost() > 0) != tc.wantLost || snap.Len()+b.Lost() != want {
				t.Fatalf("copied %d, lost %d, of %d", snap.Len(), b.Lost(), want)
			}
			// The copied ones are among those wanted, in order, each exact.
			var held []Record
			for i := range all[:1000] {
				if tc.f.Match(&all[i]) {
					held = append(held, all[i])
				}
			}
			j := 0
			for i := range snap.Len() {
				r := snap.At(i)
				for j < len(held) && held[j].ID != r.ID {
					j++
				}
				if j == len(held) {
					t.Fatalf("copied record %d is not one wanted, or out of order", r.ID)
				}
				sameRecord(t, r, held[j])
			}
		})
	}
}

// TestBodiesOfUnknownDevicesAreStoredWhole: a record whose device is not
// interned (seen once) has no base to differ from, in either direction,
// and reads back exactly.
func TestBodiesOfUnknownDevicesAreStoredWhole(t *testing.T) {
	l := NewLog(100)
	var rs []Record
	for i := range 50 {
		rs = append(rs, Record{
			ID: uint64(i), Operation: "GetThingProperties", ProductKey: "pk", DeviceName: "dev" + strconv.Itoa(i),
			RequestBody:  Body{Preview: `{"ask":` + strconv.Itoa(i) + `}`},
			ResponseBody: Body{Preview: `{"Data":{"n":` + strconv.Itoa(i) + `}}`},
		})
	}
	l.Append(rs...)
	if len(l.pk.bases) != 0 {
		t.Errorf("%d body bases kept for devices never interned", len(l.pk.bases))
	}
	for i := range rs {
		sameRecord(t, l.At(i), rs[i])
	}
}

// bigRecords are records as big as the client keeps them: a request and
// a response body of BodyPreviewMax bytes that are like nothing before,
// and HeadersMax of response headers. IDs follow from id0.
func bigRecords(rng *rand.Rand, id0, n int) []Record {
	text := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	out := make([]Record, n)
	for i := range out {
		r := Record{
			ID: uint64(id0 + i + 1), Start: time.Unix(1796126066+int64(i), 0).UTC(), Operation: "GetThingProperties",
			Method: "GET", Path: "/2020-04-30/things/pk/" + text(12) + "/properties", Status: []int{200, 503}[rng.IntN(2)],
			RequestBody:  Body{Preview: text(BodyPreviewMax), Size: BodyPreviewMax},
			ResponseBody: Body{Preview: text(BodyPreviewMax), Size: BodyPreviewMax},
		}
		for range HeadersMax / HeaderValueMax {
			r.ResponseHeaders = append(r.ResponseHeaders, Header{Name: "X-" + text(6), Value: text(HeaderValueMax - 16)})
		}
		out[i] = r
	}
	return out
}

// TestRingBoundedByBytes: records as big as the client keeps fall out
// before the ring is full, so its blocks stay within the budget; those
// held read back exactly, the newest is held, a view counts what fell out
// exactly; ordinary records still fill the ring to its capacity.
func TestRingBoundedByBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const capacity = 1000
	l := NewLog(capacity)
	f := Filter{Classes: ClassSet(0).With(Class5xx)}
	v := l.View(f)
	v.Tail(1, -1)
	var all []Record
	for range 30 {
		batch := bigRecords(rng, len(all), 1+rng.IntN(150))
		all = append(all, batch...)
		l.Append(batch...)
		if l.bytes > l.budget && len(l.blocks) > 1 {
			t.Fatalf("%d bytes held, over the budget of %d", l.bytes, l.budget)
		}
		if got := l.At(l.Len() - 1); got == nil || got.ID != all[len(all)-1].ID {
			t.Fatal("the newest record is not held")
		}
	}
	if l.Len() > capacity/4 || l.Len() == 0 {
		t.Fatalf("a ring of %d holds %d records of 12 KB: not bounded by bytes", capacity, l.Len())
	}
	oldest := int(l.OldestSeq())
	if l.Evicted() != uint64(oldest) || l.Total() != uint64(len(all)) {
		t.Fatalf("evicted %d, oldest %d, total %d of %d", l.Evicted(), oldest, l.Total(), len(all))
	}
	for i := range l.Len() {
		sameRecord(t, l.At(i), all[oldest+i])
	}
	v.Scan(-1)
	var gone, held uint64
	for i := range all {
		if f.Match(&all[i]) {
			if i < oldest {
				gone++
			} else {
				held++
			}
		}
	}
	if v.Evicted() != gone || uint64(v.Len()) != held || !v.Exact() {
		t.Fatalf("view: %d held, %d evicted (exact %v), want %d, %d", v.Len(), v.Evicted(), v.Exact(), held, gone)
	}
	small := NewLog(capacity)
	small.Append(recs(1, 3*capacity)...)
	if small.Len() != capacity {
		t.Fatalf("ordinary records: %d held, want the capacity", small.Len())
	}
}
