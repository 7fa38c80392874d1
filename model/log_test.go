package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// rec builds a record with an ID and a status.
func rec(id uint64, status int) Record {
	return Record{ID: id, Status: status, Operation: "ListThings", Method: "GET", Path: "/2020-04-30/things"}
}

// recs builds records with IDs from..to (inclusive), status 200 for even IDs
// and 500 for odd ones.
func recs(from, to uint64) []Record {
	var out []Record
	for id := from; id <= to; id++ {
		out = append(out, rec(id, 200+300*int(id%2)))
	}
	return out
}

func ids(n int, at func(int) *Record) []uint64 {
	out := make([]uint64, 0, n)
	for i := range n {
		out = append(out, at(i).ID)
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for id := from; id <= to; id += 1 {
		out = append(out, id)
	}
	return out
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLogCapacities(t *testing.T) {
	tests := []struct {
		capacity, appended int
		wantIDs            []uint64
	}{
		{0, 5, nil},
		{-3, 2, nil},
		{1, 0, nil},
		{1, 1, []uint64{1}},
		{1, 7, []uint64{7}},
		{5, 3, seq(1, 3)},
		{5, 5, seq(1, 5)},
		{5, 6, seq(2, 6)},
		{5, 12, seq(8, 12)},
		{5, 23, seq(19, 23)},
		{2000, 5000, seq(3001, 5000)}, // grows past the first backing array, then wraps
	}
	for _, tt := range tests {
		for _, batched := range []bool{false, true} {
			l := NewLog(tt.capacity)
			if batched {
				l.Append(recs(1, uint64(tt.appended))...)
			} else {
				for _, r := range recs(1, uint64(tt.appended)) {
					l.Append(r)
				}
			}
			got := ids(l.Len(), l.At)
			held := uint64(len(tt.wantIDs))
			if !equalIDs(got, tt.wantIDs) || l.Total() != uint64(tt.appended) || l.Evicted() != uint64(tt.appended)-held {
				t.Errorf("cap %d, %d appended (batched %v): ids %v, total %d, evicted %d; want ids %v",
					tt.capacity, tt.appended, batched, got, l.Total(), l.Evicted(), tt.wantIDs)
			}
			if l.Cap() != max(tt.capacity, 0) || l.At(-1) != nil || l.At(l.Len()) != nil {
				t.Errorf("cap %d: Cap %d or out-of-range At wrong", tt.capacity, l.Cap())
			}
		}
	}
}

func TestLogRecordOwnedByCaller(t *testing.T) {
	l := NewLog(3000)
	r := rec(1, 200)
	r.Path = strings.Repeat("x", 300) // too long to intern: inline in a block
	l.Append(r)
	p := l.At(0)
	l.Append(recs(2, 30000)...) // grows the slots, fills blocks, reuses them
	if p.ID != 1 || p.Path != r.Path || l.At(0).ID != 27001 {
		t.Fatalf("the record taken first now reads ID %d path %.10q…", p.ID, p.Path)
	}
}

func TestViewZeroFilterIsTheLog(t *testing.T) {
	l := NewLog(4)
	v := l.View(Filter{})
	if v != l.View(Filter{Classes: AllClasses}) {
		t.Error("zero filters gave different views")
	}
	l.Append(recs(1, 10)...)
	if !equalIDs(ids(v.Len(), v.At), seq(7, 10)) || v.Evicted() != 6 || v.IndexOfSeq(7) != 1 || v.IndexOfSeq(2) != -1 {
		t.Errorf("zero view: ids %v evicted %d", ids(v.Len(), v.At), v.Evicted())
	}
	v.Close() // no effect
	if v.Len() != 4 {
		t.Error("closed zero view changed")
	}
}

func TestViewAfterWrap(t *testing.T) {
	l := NewLog(4)
	odd := Filter{Codes: []int{500}} // odd IDs
	early := l.View(odd)
	l.Append(recs(1, 6)...)
	late := l.View(odd) // same filter: same view
	if late != early {
		t.Fatal("equal filters gave two views")
	}
	if got := ids(early.Len(), early.At); !equalIDs(got, []uint64{3, 5}) || early.Evicted() != 1 {
		t.Errorf("after 6: ids %v, evicted %d", got, early.Evicted())
	}
	l.Append(recs(7, 20)...) // more than the capacity in one batch
	if got := ids(early.Len(), early.At); !equalIDs(got, []uint64{17, 19}) || early.Evicted() != 8 {
		t.Errorf("after 20: ids %v, evicted %d", got, early.Evicted())
	}
	if early.At(2) != nil || early.At(-1) != nil {
		t.Error("out-of-range At not nil")
	}
	if f := early.Filter(); !f.Equal(odd) {
		t.Errorf("Filter() = %+v", f)
	}
	created := NewLog(4)
	created.Append(recs(1, 6)...)
	v := created.View(odd) // created after evictions: counts only from now
	v.Scan(-1)
	created.Append(recs(7, 8)...)
	if got := ids(v.Len(), v.At); !equalIDs(got, []uint64{5, 7}) || v.Evicted() != 1 {
		t.Errorf("view created late: ids %v, evicted %d", got, v.Evicted())
	}
}

func TestViewCapacityZero(t *testing.T) {
	l := NewLog(0)
	v := l.View(Filter{Codes: []int{500}})
	l.Append(recs(1, 9)...)
	if v.Len() != 0 || v.Evicted() != 5 || v.At(0) != nil || l.View(Filter{}).Evicted() != 9 {
		t.Errorf("len %d evicted %d", v.Len(), v.Evicted())
	}
}

func TestViewDetachedAndClosed(t *testing.T) {
	l := NewLog(10)
	first := l.View(Filter{Operation: "first"})
	l.Append(Record{ID: 1, Operation: "first"})
	for i := range maxViews { // push first out of the attached views
		l.View(Filter{Codes: []int{i + 1000}})
	}
	l.Append(recs(2, 30)...)
	l.Append(Record{ID: 31, Operation: "first"})
	if got := ids(first.Len(), first.At); !equalIDs(got, []uint64{31}) || first.Exact() {
		t.Errorf("detached view: ids %v exact %v", got, first.Exact())
	}
	v := l.View(Filter{Operation: "first"}) // a fresh, attached view
	v.Scan(-1)
	if v == first || !v.Exact() || v.Len() != 1 {
		t.Errorf("re-requested view: same %v exact %v len %d", v == first, v.Exact(), v.Len())
	}
	v.Close()
	v.Close()
	l.Append(Record{ID: 32, Operation: "first"})
	if v.Len() != 2 || v.At(1).ID != 32 {
		t.Errorf("closed view read %d records", v.Len())
	}
}

func TestViewIndexOfSeq(t *testing.T) {
	l := NewLog(1000)
	l.Append(recs(1, 1500)...)
	v := l.View(Filter{Codes: []int{500}})
	v.Scan(-1)
	for i := range v.Len() {
		if got := v.IndexOfSeq(v.SeqAt(i)); got != i || v.At(i).ID%2 != 1 || v.log.slotSeq(v.SeqAt(i)).class() != Class5xx {
			t.Fatalf("IndexOfSeq(%d) = %d, want %d", v.SeqAt(i), got, i)
		}
	}
	if v.IndexOfSeq(0) != -1 || v.IndexOfSeq(1<<50) != -1 || v.IndexOfSeq(v.SeqAt(0)+1) != -1 {
		t.Error("IndexOfSeq found a record not held")
	}
}

// TestViewMatchesReference drives logs with random batches and views created
// at random times, and checks every view against a brute-force filter of
// everything ever appended.
func TestViewMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	filters := []Filter{
		{}, {Codes: []int{500}}, {Classes: ClassSet(0).With(Class2xx)}, {Query: mustQuery(t, "7")}, {Codes: []int{404}},
	}
	// tracked is a view and its reference count of matching records that
	// fell out since it was created.
	type tracked struct {
		f        Filter
		counted  uint64 // seqs below this were examined for evicted
		evicted  uint64
		zeroView bool
	}
	for _, capacity := range []int{0, 1, 2, 7, 64} {
		l := NewLog(capacity)
		var all []Record
		views := map[*View]*tracked{}
		for step := range 300 {
			if rng.IntN(5) == 0 {
				f := filters[rng.IntN(len(filters))]
				if v := l.View(f); views[v] == nil {
					views[v] = &tracked{f: f, counted: l.Evicted(), zeroView: f.IsZero()}
					v.Scan(-1)
				}
			}
			n := rng.IntN(2 * max(capacity, 3))
			batch := recs(uint64(len(all)+1), uint64(len(all)+n))
			all = append(all, batch...)
			l.Append(batch...)
			if rng.IntN(3) != 0 {
				continue // read only now and then: views catch up lazily
			}
			oldest := l.Evicted()
			for v, tv := range views {
				for ; tv.counted < oldest; tv.counted++ {
					if tv.f.Match(&all[tv.counted]) {
						tv.evicted++
					}
				}
				var want []uint64
				for _, r := range all[oldest:] {
					if tv.f.Match(&r) {
						want = append(want, r.ID)
					}
				}
				wantEvicted := tv.evicted
				if tv.zeroView {
					wantEvicted = oldest
				}
				got := ids(v.Len(), v.At)
				if !equalIDs(got, want) || v.Evicted() != wantEvicted {
					t.Fatalf("cap %d step %d filter %+v: ids %v evicted %d; want %v evicted %d",
						capacity, step, tv.f, got, v.Evicted(), want, wantEvicted)
				}
			}
		}
	}
}

// TestViewSeqs: Rank, SeqAt and IndexOfSeq agree for the zero filter and a
// filtered view, after the ring wrapped.
func TestViewSeqs(t *testing.T) {
	l := NewLog(10)
	for i := range 25 {
		st := 200
		if i%3 == 0 {
			st = 500
		}
		l.Append(Record{ID: uint64(i + 1), Status: st})
	}
	for _, f := range []Filter{{}, {Classes: ClassSet(0).With(Class5xx)}} {
		v := l.View(f)
		v.Scan(-1)
		for i := range v.Len() {
			s := v.SeqAt(i)
			if v.Rank(s) != i || v.IndexOfSeq(s) != i || v.At(i).ID != s+1 {
				t.Fatalf("filter %+v: index %d seq %d rank %d index %d id %d", f, i, s, v.Rank(s), v.IndexOfSeq(s), v.At(i).ID)
			}
		}
		if v.IndexOfSeq(3) != -1 || v.Rank(0) != 0 || v.Rank(1000) != v.Len() {
			t.Fatalf("filter %+v: evicted or past the end", f)
		}
	}
	if l.OldestSeq() != 15 {
		t.Fatalf("oldest %d", l.OldestSeq())
	}
}

// matchIDs lists the IDs of the records held with seq >= from that f
// matches: what a view that examined everything from there holds.
func matchIDs(l *Log, f Filter, from uint64) []uint64 {
	var out []uint64
	for s := max(from, l.OldestSeq()); s < l.Total(); s++ {
		if r := l.atSeq(s); f.Match(r) {
			out = append(out, r.ID)
		}
	}
	return out
}

func TestViewNewestPageFirst(t *testing.T) {
	l := NewLog(100)
	var rs []Record
	for i := range 100 {
		st := 200
		if i%10 == 3 {
			st = 500 // IDs 4, 14, ..., 94
		}
		rs = append(rs, rec(uint64(i+1), st))
	}
	l.Append(rs...)
	f := Filter{Classes: ClassSet(0).With(Class5xx)}
	v := l.View(f)
	if v.Len() != 0 || v.Complete() {
		t.Fatalf("new view: len %d complete %v", v.Len(), v.Complete())
	}
	if e, n := v.Progress(); e != 0 || n != 100 {
		t.Fatalf("progress %d/%d", e, n)
	}
	if !v.Tail(3, -1) || !equalIDs(ids(v.Len(), v.At), []uint64{74, 84, 94}) {
		t.Fatalf("tail 3: %v", ids(v.Len(), v.At))
	}
	if e, _ := v.Progress(); e != 100-73 { // from 100 back to 74: no more than needed
		t.Fatalf("tail 3 examined %d", e)
	}
	if v.Tail(2, -1); v.Len() != 3 {
		t.Fatal("a smaller tail examined more")
	}
	if v.Tail(5, 4) || v.Len() != 3 {
		t.Fatal("tail with a budget of 4 found another match ten records back")
	}
	if l.View(f) != v {
		t.Fatal("an equal filter gave a new view")
	}
	l.Append(rec(101, 500), rec(102, 200)) // evicts IDs 1 and 2, never examined
	if got := ids(v.Len(), v.At); !equalIDs(got, []uint64{74, 84, 94, 101}) || v.Evicted() != 0 || !v.Exact() {
		t.Fatalf("after append: %v evicted %d", got, v.Evicted())
	}
	if v.IndexOfSeq(100) != 3 || v.IndexOfSeq(73) != 0 || v.Rank(0) != 0 || v.IndexOfSeq(3) != -1 {
		t.Fatal("seqs wrong while incomplete")
	}
	if v.Scan(10) || v.Len() != 5 {
		t.Fatalf("scan 10: complete %v len %d", v.Complete(), v.Len())
	}
	l.Append(recs(200, 207)...) // evicts IDs 3..10: 4 matched, unexamined
	if v.Evicted() != 1 || !v.Exact() {
		t.Fatalf("unexamined match fell out: evicted %d exact %v", v.Evicted(), v.Exact())
	}
	if !v.Scan(-1) || !equalIDs(ids(v.Len(), v.At), matchIDs(l, f, 0)) {
		t.Fatalf("complete: %v want %v", ids(v.Len(), v.At), matchIDs(l, f, 0))
	}
	if e, n := v.Progress(); e != n || n != 100 {
		t.Fatalf("complete progress %d/%d", e, n)
	}
	z := l.View(Filter{})
	if !z.Complete() || !z.Scan(0) || !z.Tail(1000, 0) {
		t.Fatal("the zero view is not complete")
	}
	if e, n := z.Progress(); e != 100 || n != 100 {
		t.Fatalf("zero view progress %d/%d", e, n)
	}
}

func TestViewIncompleteSmallCapacities(t *testing.T) {
	f := Filter{Codes: []int{500}}
	l0 := NewLog(0)
	l0.Append(recs(1, 3)...)
	v := l0.View(f)
	l0.Append(recs(4, 9)...)
	if !v.Complete() || v.Len() != 0 || v.Evicted() != 3 || v.Tail(1, -1) != true {
		t.Fatalf("cap 0: complete %v len %d evicted %d", v.Complete(), v.Len(), v.Evicted())
	}
	l1 := NewLog(1)
	l1.Append(rec(1, 500))
	v = l1.View(f)
	if v.Complete() || v.Len() != 0 {
		t.Fatal("cap 1: new view already complete")
	}
	l1.Append(rec(2, 200)) // the unexamined match falls out
	if !v.Complete() || v.Len() != 0 || v.Evicted() != 1 || !v.Exact() {
		t.Fatalf("cap 1: complete %v len %d evicted %d", v.Complete(), v.Len(), v.Evicted())
	}
	l1.Append(rec(3, 500))
	w := l1.View(Filter{Codes: []int{500}, Operation: "ListThings"})
	if !w.Tail(1, -1) || w.Len() != 1 || w.At(0).ID != 3 {
		t.Fatal("cap 1: tail")
	}
}

func TestViewIncompleteDetached(t *testing.T) {
	l := NewLog(10)
	l.Append(recs(1, 10)...)
	f := Filter{Codes: []int{500}}
	v := l.View(f)
	v.Tail(2, -1) // IDs 9 and 7, the newest odd ones
	v.Close()
	l.Append(recs(11, 13)...) // IDs 1..3 fall out, never examined
	if v.Exact() || !equalIDs(ids(v.Len(), v.At), []uint64{7, 9, 11, 13}) {
		t.Fatalf("detached: exact %v ids %v", v.Exact(), ids(v.Len(), v.At))
	}
	if !v.Scan(-1) || !equalIDs(ids(v.Len(), v.At), matchIDs(l, f, 0)) {
		t.Fatal("detached view does not complete")
	}
	if w := l.View(f); w == v || w.Len() != 0 || !w.Exact() {
		t.Fatal("a closed view was handed out again")
	}
}

// TestViewIncrementalMatchesReference drives logs with random appends,
// views created at random times, and Scan and Tail slices, closing and
// detaching views now and then, and checks every view against a
// brute-force filter of the ring: what it holds is every match from where
// its scan has reached, its evicted count is exact while it is attached,
// and a finished scan holds every match.
func TestViewIncrementalMatchesReference(t *testing.T) {
	filters := []Filter{
		{},
		{Classes: ClassSet(0).With(Class5xx)},
		{Query: mustQuery(t, "404 or op:Set*")},
		{Query: mustQuery(t, "not 2xx")},
		{Codes: []int{0}},
		{Query: mustQuery(t, "/set/ 500")},
	}
	statuses := []int{200, 200, 404, 500, 0}
	ops := []string{"ListThings", "SetThingProperties"}
	type tracked struct {
		f        Filter
		floor    uint64 // the oldest seq held at creation: it counts from there
		detached bool
	}
	incomplete, early := 0, 0
	for seed := range uint64(150) {
		rng := rand.New(rand.NewPCG(seed, 99))
		capacity := []int{0, 1, 2, 3, 7, 64}[seed%6]
		l := NewLog(capacity)
		big := seed%4 == 3 // big records, falling out by bytes too
		if big {
			l.budget = rng.IntN(3) * blockSize
		}
		views := map[*View]*tracked{}
		var pool []*View
		var all []Record // everything appended: all[seq]
		for step := range 120 {
			switch rng.IntN(8) {
			case 0, 1:
				f := filters[rng.IntN(len(filters))]
				if v := l.View(f); views[v] == nil {
					views[v] = &tracked{f: f, floor: l.OldestSeq()}
					pool = append(pool, v)
				}
			case 2:
				if len(pool) > 0 {
					pool[rng.IntN(len(pool))].Scan(rng.IntN(2*capacity+2) - 1)
				}
			case 3:
				if len(pool) > 0 {
					v := pool[rng.IntN(len(pool))]
					before, n := v.Len(), rng.IntN(4)
					v.Tail(n, -1)
					if !v.Complete() && v.Len() != max(before, n) {
						t.Fatalf("seed %d step %d: tail %d from %d holds %d", seed, step, n, before, v.Len())
					}
				}
			case 4:
				if len(pool) > 0 && rng.IntN(4) == 0 {
					v := pool[rng.IntN(len(pool))]
					v.Close()
					views[v].detached = !v.all
				}
				if rng.IntN(8) == 0 { // more views than the log keeps attached
					for i := range maxViews {
						l.View(Filter{Codes: []int{1000 + i}}).Close()
					}
					for v, tv := range views {
						tv.detached = tv.detached || !v.all && !v.attached
					}
				}
			default:
				batch := make([]Record, rng.IntN(2*capacity+3))
				for i := range batch {
					batch[i] = Record{ID: l.Total() + uint64(i) + 1, Status: statuses[rng.IntN(len(statuses))], Operation: ops[rng.IntN(2)]}
					if big { // header values never seen again: in the blocks, 1-3 KB a record
						for range 3 {
							b := make([]byte, HeaderValueMax/2+rng.IntN(HeaderValueMax/2))
							for k := range b {
								b[k] = byte('a' + rng.IntN(26))
							}
							batch[i].ResponseHeaders = append(batch[i].ResponseHeaders, Header{Name: "X-Pad", Value: string(b)})
						}
					}
				}
				all = append(all, batch...)
				l.Append(batch...)
				if l.Len() < min(l.Cap(), len(all)) {
					early++ // records fell out by bytes
				}
			}
			for v, tv := range views {
				var evicted uint64
				for i := tv.floor; i < l.OldestSeq(); i++ {
					if tv.f.Match(&all[i]) {
						evicted++
					}
				}
				if !v.all && v.lo > v.floor {
					incomplete++
				}
				checkView(t, seed, step, l, v, tv.f, evicted, tv.detached)
			}
		}
		for v, tv := range views {
			if !v.Scan(-1) || !equalIDs(ids(v.Len(), v.At), matchIDs(l, tv.f, 0)) {
				t.Fatalf("seed %d: finished scan of %+v holds %v", seed, tv.f, ids(v.Len(), v.At))
			}
		}
	}
	if incomplete < 1000 || early < 300 {
		t.Fatalf("only %d checks of incomplete views, %d appends past the byte budget: the test lost its point", incomplete, early)
	}
}

// checkView compares one view with the brute-force filter of the ring.
func checkView(t *testing.T, seed uint64, step int, l *Log, v *View, f Filter, evicted uint64, detached bool) {
	t.Helper()
	n := v.Len()
	from := l.OldestSeq()
	if !v.Complete() {
		from = v.lo
		if v.lo <= l.OldestSeq() || v.all {
			t.Fatalf("seed %d step %d: incomplete with lo %d at oldest %d", seed, step, v.lo, l.OldestSeq())
		}
	}
	got, want := ids(n, v.At), matchIDs(l, f, from)
	if !equalIDs(got, want) {
		t.Fatalf("seed %d step %d cap %d filter %+v: holds %v, want %v (from seq %d)", seed, step, l.Cap(), f, got, want, from)
	}
	for i := range n {
		if s := v.SeqAt(i); v.Rank(s) != i || v.IndexOfSeq(s) != i || v.At(i).ID != s+1 {
			t.Fatalf("seed %d step %d: index %d seq %d rank %d", seed, step, i, s, v.Rank(s))
		}
	}
	if e, total := v.Progress(); total != l.Len() || e > total || v.Complete() != (e == total) {
		t.Fatalf("seed %d step %d: progress %d/%d complete %v", seed, step, e, total, v.Complete())
	}
	switch {
	case v.all:
		evicted = l.Evicted()
	case detached && !v.Exact():
		if v.Evicted() > evicted {
			t.Fatalf("seed %d step %d: detached view counts %d evicted, more than %d", seed, step, v.Evicted(), evicted)
		}
		return
	}
	if v.Evicted() != evicted || !v.Exact() && !detached {
		t.Fatalf("seed %d step %d cap %d filter %+v: evicted %d exact %v, want %d", seed, step, l.Cap(), f, v.Evicted(), v.Exact(), evicted)
	}
}

// TestAppendFullRingDoesNotAllocate: with filtered views attached (one of
// them still scanning), appending to a full ring allocates nothing.
func TestAppendFullRingDoesNotAllocate(t *testing.T) {
	for _, capacity := range []int{0, 100} {
		l := NewLog(capacity)
		l.Append(recs(1, 100)...)
		done := l.View(Filter{Query: mustQuery(t, "500 or /x/")})
		done.Scan(-1)
		l.View(Filter{Classes: ClassSet(0).With(Class5xx)}).Tail(1, -1)
		r := rec(1000, 500)
		if n := testing.AllocsPerRun(200, func() { l.Append(r) }); n != 0 {
			t.Errorf("cap %d: Append allocates %v times", capacity, n)
		}
	}
}
