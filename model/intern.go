package model

import (
	"strings"
	"unsafe"
)

// The interner's bounds: a string longer than maxInternLen is never
// interned (a body base may be up to maxBaseLen); the table holds at most
// maxInterned strings and internBudget bytes. Past them strings are stored
// inline, which costs room, never correctness.
const (
	maxInternLen = 256
	maxBaseLen   = BodyPreviewMax
	maxInterned  = 1<<16 - 1
	internBudget = 8 << 20
)

// interner maps repeated strings to small ids. Each id remembers the newest
// record that uses it, so sweep can free the ids no record held uses any
// more, and a long session does not fill the table with what fell out.
type interner struct {
	ids  map[string]uint16
	strs []string // by id; id 0 is never used, a freed id holds ""
	last []uint64 // by id: the newest sequence number using it
	free []uint16
	size int // bytes held
}

func newInterner() interner {
	return interner{ids: make(map[string]uint16), strs: []string{""}, last: []uint64{0}}
}

// lookup returns s's id when it is interned, marking it used by seq.
func (t *interner) lookup(s string, seq uint64) (uint16, bool) {
	id, ok := t.ids[s]
	if ok {
		t.last[id] = seq
	}
	return id, ok
}

// add interns a copy of s (or finds it), used by seq; false when the table
// is full.
func (t *interner) add(s string, seq uint64) (uint16, bool) {
	if id, ok := t.lookup(s, seq); ok {
		return id, true
	}
	id, ok := t.store(s, seq)
	if ok {
		t.ids[t.strs[id]] = id
	}
	return id, ok
}

// addBase stores a copy of a body base, used by seq, under an id of its
// own: bases are found by their key, never by their text, so they stay
// out of the map (hashing a 4 KB body for nothing).
func (t *interner) addBase(s string, seq uint64) (uint16, bool) { return t.store(s, seq) }

// store gives a copy of s an id.
func (t *interner) store(s string, seq uint64) (uint16, bool) {
	if t.size+len(s) > internBudget {
		return 0, false
	}
	var id uint16
	switch n := len(t.free); {
	case n > 0:
		id = t.free[n-1]
		t.free = t.free[:n-1]
	case len(t.strs) <= maxInterned:
		id = uint16(len(t.strs))
		t.strs = append(t.strs, "")
		t.last = append(t.last, 0)
	default:
		return 0, false
	}
	t.strs[id], t.last[id] = strings.Clone(s), seq
	t.size += len(s)
	return id, true
}

// get is the string with the given id ("" for one out of range).
func (t *interner) get(id uint16) string {
	if int(id) < len(t.strs) {
		return t.strs[id]
	}
	return ""
}

// use marks id used by seq.
func (t *interner) use(id uint16, seq uint64) { t.last[id] = seq }

// holds reports whether id still holds the very string s (not an equal
// one interned after s was freed).
func (t *interner) holds(id uint16, s string) bool {
	if int(id) >= len(t.strs) {
		return false
	}
	cur := t.strs[id]
	return len(cur) == len(s) && unsafe.StringData(cur) == unsafe.StringData(s)
}

// crowded reports whether the table is near one of its bounds.
func (t *interner) crowded() bool {
	return t.size > internBudget/2 || len(t.strs)-len(t.free) > maxInterned/2
}

// sweep frees every id whose newest user is older than oldest.
func (t *interner) sweep(oldest uint64) {
	for id := 1; id < len(t.strs); id++ {
		if s := t.strs[id]; s != "" && t.last[id] < oldest {
			if t.ids[s] == uint16(id) {
				delete(t.ids, s)
			}
			t.size -= len(s)
			t.strs[id] = ""
			t.free = append(t.free, uint16(id))
		}
	}
}
