// Package failures summarises the failed exchanges of a session for
// triage: failures grouped by what failed (status, API code, operation,
// device, transport error kind), counted, with when each group was first
// and last seen, as a table to read, a filter to jump to, and plain text
// to paste into an incident note.
//
// It is pure (no clock: Text takes the time; no I/O) and, like the rest of
// model, not safe for concurrent use.
package failures

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"edgetop/model"
)

// MaxGroups bounds a Summary: a gateway sending a new API code or device
// name with every failure cannot grow it without limit. Failures of a new
// group once the Summary is full are counted in Other.
const MaxGroups = 2000

// Key is what a failure group has in common.
type Key struct {
	// Status is the HTTP status; 0 when no response came.
	Status int
	// APICode is the body's API Code, "" when there was none.
	APICode string
	// Operation is the edge API operation.
	Operation string
	// Device is "ProductKey/DeviceName", "" when the path names no device.
	Device string
	// ErrKind is the transport error's kind, "" when there was none.
	ErrKind model.ErrKind
}

// KeyOf is the key of r's group.
func KeyOf(r *model.Record) Key {
	k := Key{Status: r.Status, APICode: r.APICode, Operation: r.Operation, Device: r.Device()}
	if r.Err != nil {
		k.ErrKind = r.Err.Kind
	}
	return k
}

// Group is one group of failures.
type Group struct {
	Key
	// Count is the number of failures in the group.
	Count int
	// First and Last are the earliest and latest Start of its records.
	First, Last time.Time
	// LastID is the ID of the record that started last (the larger ID on
	// a tie): where a "jump to" goes.
	LastID uint64
}

// Match reports whether r belongs to the group: r is a failure
// (r.Class().IsError()) and has the group's key, compared exactly.
func (g Group) Match(r *model.Record) bool {
	return r.Class().IsError() && KeyOf(r) == g.Key
}

// Order is the order Groups returns.
type Order uint8

// The orders.
const (
	// ByCount puts the largest group first, then the most recently seen.
	ByCount Order = iota
	// ByRecent puts the most recently seen group first, then the largest.
	ByRecent
)

// Summary groups failures. The zero value is not usable; call New.
type Summary struct {
	// index finds a record's group without building its Device string
	// (which would allocate); byKey is consulted only for a record index
	// does not know, so that two ways of splitting one Device between
	// ProductKey and DeviceName still make one group.
	index  map[recordKey]int
	byKey  map[Key]int
	groups []Group
	total  int
	other  int
}

// recordKey is a Key with the device still in its two parts.
type recordKey struct {
	status                        int
	code, op, productKey, devName string
	kind                          model.ErrKind
}

// New returns an empty Summary.
func New() *Summary { return &Summary{index: make(map[recordKey]int), byKey: make(map[Key]int)} }

// Add counts every failure among recs (records whose Class is an error
// class: 4xx, 5xx, transport errors and unusable answers) and ignores the
// rest. It costs a map lookup per record and allocates nothing for a
// record of a known group.
func (s *Summary) Add(recs ...model.Record) {
	for i := range recs {
		r := &recs[i]
		if !r.Class().IsError() {
			continue
		}
		s.total++
		rk := recordKey{status: r.Status, code: r.APICode, op: r.Operation, productKey: r.ProductKey, devName: r.DeviceName}
		if r.Err != nil {
			rk.kind = r.Err.Kind
		}
		if j, ok := s.index[rk]; ok {
			s.groups[j].add(r)
			continue
		}
		if j, ok := s.byKey[KeyOf(r)]; ok {
			s.index[clone(rk)] = j
			s.groups[j].add(r)
			continue
		}
		if len(s.groups) >= MaxGroups {
			s.other++
			continue
		}
		rk = clone(rk)
		k := Key{Status: rk.status, APICode: rk.code, Operation: rk.op, Device: r.Device(), ErrKind: rk.kind}
		s.index[rk], s.byKey[k] = len(s.groups), len(s.groups)
		s.groups = append(s.groups, Group{Key: k, Count: 1, First: r.Start, Last: r.Start, LastID: r.ID})
	}
}

// clone copies the key's strings, so that the summary does not keep a
// record's larger buffers alive.
func clone(k recordKey) recordKey {
	k.code, k.op = strings.Clone(k.code), strings.Clone(k.op)
	k.productKey, k.devName = strings.Clone(k.productKey), strings.Clone(k.devName)
	k.kind = model.ErrKind(strings.Clone(string(k.kind)))
	return k
}

// add counts r in g.
func (g *Group) add(r *model.Record) {
	g.Count++
	if r.Start.Before(g.First) {
		g.First = r.Start
	}
	if r.Start.After(g.Last) || r.Start.Equal(g.Last) && r.ID > g.LastID {
		g.Last, g.LastID = r.Start, r.ID
	}
}

// Groups returns a sorted copy of the groups. Ties are broken by the key,
// so the order is deterministic.
func (s *Summary) Groups(o Order) []Group {
	out := slices.Clone(s.groups)
	byCount := func(a, b Group) int { return cmp.Compare(b.Count, a.Count) }
	byRecent := func(a, b Group) int {
		if c := b.Last.Compare(a.Last); c != 0 {
			return c
		}
		return cmp.Compare(b.LastID, a.LastID)
	}
	first, second := byCount, byRecent
	if o == ByRecent {
		first, second = byRecent, byCount
	}
	slices.SortFunc(out, func(a, b Group) int {
		if c := first(a, b); c != 0 {
			return c
		}
		if c := second(a, b); c != 0 {
			return c
		}
		return compareKeys(a.Key, b.Key)
	})
	return out
}

func compareKeys(a, b Key) int {
	return cmp.Or(cmp.Compare(a.Status, b.Status), strings.Compare(a.APICode, b.APICode),
		strings.Compare(a.Operation, b.Operation), strings.Compare(a.Device, b.Device),
		strings.Compare(string(a.ErrKind), string(b.ErrKind)))
}

// Len is the number of groups (at most MaxGroups).
func (s *Summary) Len() int { return len(s.groups) }

// Total is the number of failures added, Other's included.
func (s *Summary) Total() int { return s.total }

// Other is the number of failures not in any group because the Summary
// was full when their group would have been made.
func (s *Summary) Other() int { return s.other }
