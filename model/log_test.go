package model

import (
	"math/rand/v2"
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

func TestLogPointerStaysValidUntilEvicted(t *testing.T) {
	l := NewLog(3000)
	l.Append(rec(1, 200))
	p := l.At(0)
	l.Append(recs(2, 3000)...) // grows the backing array several times
	if p.ID != 1 || l.At(0).ID != 1 {
		t.Fatalf("pointer now sees ID %d", p.ID)
	}
}

func TestViewZeroFilterIsTheLog(t *testing.T) {
	l := NewLog(4)
	v := l.View(Filter{})
	if v != l.View(Filter{Classes: AllClasses}) {
		t.Error("zero filters gave different views")
	}
	l.Append(recs(1, 10)...)
	if !equalIDs(ids(v.Len(), v.At), seq(7, 10)) || v.Evicted() != 6 || v.IndexOfID(8) != 1 || v.IndexOfID(3) != -1 {
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
	first := l.View(Filter{Text: "first"})
	l.Append(Record{ID: 1, Operation: "first"})
	for i := range maxViews { // push first out of the attached views
		l.View(Filter{Codes: []int{i + 1000}})
	}
	l.Append(recs(2, 30)...)
	l.Append(Record{ID: 31, Operation: "first"})
	if got := ids(first.Len(), first.At); !equalIDs(got, []uint64{31}) || first.Exact() {
		t.Errorf("detached view: ids %v exact %v", got, first.Exact())
	}
	v := l.View(Filter{Text: "first"}) // a fresh, attached view
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

func TestViewIndexOfID(t *testing.T) {
	l := NewLog(1000)
	rng := rand.New(rand.NewPCG(1, 2))
	// IDs nearly in order, as concurrent exchanges end out of order.
	var rs []Record
	for i := range 1500 {
		rs = append(rs, rec(uint64(i+1), 500))
	}
	for i := range rs {
		j := min(i+rng.IntN(8), len(rs)-1)
		rs[i], rs[j] = rs[j], rs[i]
	}
	rs[1200].ID = 1 << 40 // one far out of order
	l.Append(rs...)
	v := l.View(Filter{Codes: []int{500}})
	for i := range v.Len() {
		if got := v.IndexOfID(v.At(i).ID); got != i {
			t.Fatalf("IndexOfID(%d) = %d, want %d", v.At(i).ID, got, i)
		}
	}
	if v.IndexOfID(rs[0].ID) != -1 || v.IndexOfID(1<<50) != -1 {
		t.Error("IndexOfID found a record not held")
	}
}

// TestViewMatchesReference drives logs with random batches and views created
// at random times, and checks every view against a brute-force filter of
// everything ever appended.
func TestViewMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	filters := []Filter{
		{}, {Codes: []int{500}}, {Classes: ClassSet(0).With(Class2xx)}, {Text: "7"}, {Codes: []int{404}},
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
