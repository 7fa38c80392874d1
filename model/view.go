package model

// View is the records of a Log that match a Filter, oldest first. Len and At
// are O(1); the view catches up with records appended since it was last read
// and forgets the ones that fell out of the ring.
//
// A new filtered view has examined nothing: records appended after its
// creation are examined as they are read, and the ones held at its creation
// are examined newest first, only when the caller asks (Tail for the newest
// page, then Scan in bounded slices), so that a new filter over a full ring
// shows its newest page at once and never stalls the UI. Until Complete,
// Len, At, SeqAt, Rank and IndexOfSeq describe the matches found so far:
// the older records not yet examined are simply not there yet, so indexes
// grow at the old end as the scan goes on. Callers keep their place by
// sequence number, which never changes. The zero filter's view is always
// complete.
type View struct {
	log    *Log
	filter Filter
	all    bool // the zero filter: the log itself, no index
	fixed  bool // the filter reads only what the log's slots hold
	// The matches are back, reversed, then fwd[off:]: back holds those the
	// scan found going back from the view's creation, newest first;
	// fwd those from its creation on, oldest first.
	back     []uint64
	fwd      []uint64
	off      int
	lo, hi   uint64 // [lo, hi) has been examined
	floor    uint64 // [floor, lo) has not; the records below floor are gone
	evicted  uint64 // matching records that fell out
	used     uint64 // the log's use tick when last requested
	attached bool   // fed by Append before records fall out
	lost     bool   // detached while records it never examined fell out
}

// Filter returns the view's filter.
func (v *View) Filter() Filter { return v.filter.clone() }

// Len is the number of matching records held (found so far, while the view
// is not Complete).
func (v *View) Len() int {
	if v.all {
		return v.log.Len()
	}
	v.sync()
	return v.held()
}

func (v *View) held() int { return len(v.back) + len(v.fwd) - v.off }

// At returns the i-th matching record held, 0 being the oldest, or nil when
// i is out of range, decoded afresh as by Log.At.
func (v *View) At(i int) *Record {
	if v.all {
		return v.log.At(i)
	}
	v.sync()
	if i < 0 || i >= v.held() {
		return nil
	}
	return v.log.atSeq(v.seq(i))
}

// FindError returns the index of the first matching record held, from
// index from on in direction dir (+1 newer, -1 older), whose class is an
// error (Class.IsError), or -1. It reads only the log's slots (about 3 ns
// a record) and at most budget of them (budget < 0: no limit); when the
// budget ran out first, next is where to go on from, else -1.
func (v *View) FindError(from, dir, budget int) (i, next int) {
	if dir != 1 && dir != -1 {
		return -1, -1
	}
	n := v.Len()
	for i = from; i >= 0 && i < n; i += dir {
		if budget == 0 {
			return -1, i
		}
		budget--
		var s *slot
		if v.all {
			s = v.log.slot(i)
		} else {
			s = v.log.slotSeq(v.seq(i))
		}
		if s.class().IsError() {
			return i, -1
		}
	}
	return -1, -1
}

// SeqAt returns the log sequence number of the i-th matching record held
// (i in [0, Len)).
func (v *View) SeqAt(i int) uint64 {
	if v.all {
		return v.log.oldestSeq() + uint64(i)
	}
	v.sync()
	return v.seq(i)
}

// seq is the sequence number of the i-th match held.
func (v *View) seq(i int) uint64 {
	if nb := len(v.back); i < nb {
		return v.back[nb-1-i]
	}
	return v.fwd[v.off+i-len(v.back)]
}

// OldestSeq is the sequence number of the oldest record the log holds,
// whether it matches or not (Log.OldestSeq).
func (v *View) OldestSeq() uint64 { return v.log.oldestSeq() }

// Rank returns the number of matching records held whose sequence number
// is below seq: the index where a record with seq is, or would be. It is
// O(log n).
func (v *View) Rank(seq uint64) int {
	if v.all {
		old := v.log.oldestSeq()
		switch {
		case seq <= old:
			return 0
		case seq-old >= uint64(v.log.Len()):
			return v.log.Len()
		}
		return int(seq - old)
	}
	v.sync()
	// back is in descending order: the ones below seq are its tail.
	lo, hi := 0, len(v.back)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.back[m] >= seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	below := len(v.back) - lo
	live := v.fwd[v.off:]
	lo, hi = 0, len(live)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if live[m] < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return below + lo
}

// IndexOfSeq returns the index of the held matching record with sequence
// number seq, or -1 (it fell out, does not match, or was not examined yet).
// It is O(log n).
func (v *View) IndexOfSeq(seq uint64) int {
	i := v.Rank(seq)
	if i < v.Len() && v.SeqAt(i) == seq {
		return i
	}
	return -1
}

// Evicted is the number of matching records that fell out of the ring. For
// the zero filter it is Log.Evicted. For other filters it counts from the
// view's creation, since the log does not keep what fell out before. While
// the view is attached it is exact, even before the scan is complete:
// Append examines the records about to fall out that the scan has not
// reached. It is a lower bound (Exact reports false) if the view was
// detached, because more than 16 other filtered views were requested since,
// or closed, while records it never examined fell out: those are never
// examined, nor counted.
func (v *View) Evicted() uint64 {
	if v.all {
		return v.log.Evicted()
	}
	v.sync()
	return v.evicted
}

// Exact reports whether Evicted is exact since the view's creation.
func (v *View) Exact() bool {
	if !v.all {
		v.sync()
	}
	return !v.lost
}

// Complete reports whether every record held has been examined, so that
// Len is every match held. It stays true: records appended later are
// examined as the view is read.
func (v *View) Complete() bool {
	if v.all {
		return true
	}
	v.sync()
	return v.lo <= v.floor
}

// Progress reports how many of the records held the view has examined, and
// how many it holds: total-examined are left for Scan.
func (v *View) Progress() (examined, total int) {
	if v.all {
		return v.log.Len(), v.log.Len()
	}
	v.sync()
	total = v.log.Len()
	if v.lo <= v.floor {
		return total, total
	}
	return int(v.hi - v.lo), total
}

// Scan examines at most budget of the older records not examined yet,
// newest first (budget < 0: all of them), and reports whether the view is
// now Complete. A UI calls it a slice per frame until it reports true,
// showing Progress meanwhile.
func (v *View) Scan(budget int) bool {
	if v.all {
		return true
	}
	v.sync()
	v.scanBack(budget, -1)
	return v.lo <= v.floor
}

// Tail makes the view hold the newest n matching records: it examines
// older records, newest first, until it has found n matches in all, the
// scan is complete, or it has examined budget records (budget < 0: no
// limit), and reports whether the newest n are there (or every match held
// is). It examines as few records as it can, so a new filter shows its
// first page at once; Scan does the rest later.
func (v *View) Tail(n, budget int) bool {
	if v.all {
		return true
	}
	v.sync()
	v.scanBack(budget, n)
	return v.held() >= n || v.lo <= v.floor
}

// scanBack examines records below lo, newest first, until budget is spent,
// the view holds want matches (want < 0: no such stop) or nothing is left.
func (v *View) scanBack(budget, want int) {
	l := v.log
	for v.lo > v.floor && budget != 0 && (want < 0 || v.held() < want) {
		v.lo--
		if l.match(v, v.lo) {
			v.back = append(v.back, v.lo)
		}
		budget--
	}
}

// Close stops the log from updating the view; later reads still work but
// re-scan what they missed. Closing the zero filter's view does nothing.
func (v *View) Close() {
	if !v.all && v.attached {
		v.log.release(v)
	}
}

// sync brings the view up to the log's newest record and forgets the
// matches that fell out. A detached view may find that records it never
// examined fell out meanwhile, at either end.
func (v *View) sync() {
	l := v.log
	old := l.oldestSeq()
	if v.floor < old {
		if !v.attached && v.floor < v.lo {
			v.lost = true
		}
		v.floor = old
	}
	if v.hi < old {
		if !v.attached {
			v.lost = true
		}
		v.hi = old
	}
	v.dropEvicted()
	for ; v.hi < l.total; v.hi++ {
		if l.match(v, v.hi) {
			v.fwd = append(v.fwd, v.hi)
		}
	}
}

// feed is Append telling an attached view that the records below upto are
// about to fall out: it examines those it has not, at both ends, so its
// count of evicted matches stays exact. The ones the scan never reached
// are counted at once, as they will never be held.
func (v *View) feed(upto uint64) {
	v.dropEvicted()
	l := v.log
	for s := max(v.floor, l.oldestSeq()); s < min(v.lo, upto); s++ {
		if l.match(v, s) {
			v.evicted++
		}
	}
	v.floor = max(v.floor, upto)
	for ; v.hi < upto; v.hi++ {
		if l.match(v, v.hi) {
			v.fwd = append(v.fwd, v.hi)
		}
	}
}

// dropEvicted forgets matching records that fell out, counting them, and
// compacts the index now and then so it stays within the ring's size.
func (v *View) dropEvicted() {
	old := v.log.oldestSeq()
	nb := len(v.back)
	for nb > 0 && v.back[nb-1] < old {
		nb--
	}
	v.evicted += uint64(len(v.back) - nb)
	v.back = v.back[:nb]
	if nb > 0 {
		return // fwd is newer than every match in back
	}
	start := v.off
	for v.off < len(v.fwd) && v.fwd[v.off] < old {
		v.off++
	}
	v.evicted += uint64(v.off - start)
	if v.off >= 1024 && v.off*2 >= len(v.fwd) {
		n := copy(v.fwd, v.fwd[v.off:])
		v.fwd = v.fwd[:n]
		v.off = 0
	}
}
