package model

// View is the records of a Log that match a Filter, oldest first. Len and At
// are O(1); the view catches up with records appended since it was last read
// and forgets the ones that fell out of the ring.
type View struct {
	log      *Log
	filter   Filter
	all      bool     // the zero filter: the log itself, no index
	seqs     []uint64 // sequence numbers of matching records, oldest first
	off      int      // seqs[off:] is live
	next     uint64   // the next sequence number to examine
	evicted  uint64   // matching records that fell out
	used     uint64   // the log's use tick when last requested
	attached bool     // fed by Append before records fall out
	lost     bool     // detached long enough to miss records
}

// Filter returns the view's filter.
func (v *View) Filter() Filter { return v.filter.clone() }

// Len is the number of matching records held.
func (v *View) Len() int {
	if v.all {
		return v.log.Len()
	}
	v.sync()
	return len(v.seqs) - v.off
}

// At returns the i-th matching record held, 0 being the oldest, or nil when
// i is out of range. The pointer is valid as for Log.At.
func (v *View) At(i int) *Record {
	if v.all {
		return v.log.At(i)
	}
	v.sync()
	if i < 0 || i >= len(v.seqs)-v.off {
		return nil
	}
	return v.log.atSeq(v.seqs[v.off+i])
}

// SeqAt returns the log sequence number of the i-th matching record held
// (i in [0, Len)).
func (v *View) SeqAt(i int) uint64 {
	if v.all {
		return v.log.oldestSeq() + uint64(i)
	}
	v.sync()
	return v.seqs[v.off+i]
}

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
	live := v.seqs[v.off:]
	lo, hi := 0, len(live)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if live[m] < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// IndexOfSeq returns the index of the held matching record with sequence
// number seq, or -1 (it fell out, or does not match). It is O(log n).
func (v *View) IndexOfSeq(seq uint64) int {
	i := v.Rank(seq)
	if i < v.Len() && v.SeqAt(i) == seq {
		return i
	}
	return -1
}

// Evicted is the number of matching records that fell out of the ring. For
// the zero filter it is Log.Evicted. For other filters it counts from the
// view's creation, since the log does not keep what fell out before; it is a
// lower bound (Exact reports false) if the view was detached, because more
// than 16 other filtered views were requested since, or closed, while
// records it never examined fell out.
func (v *View) Evicted() uint64 {
	if v.all {
		return v.log.Evicted()
	}
	v.sync()
	return v.evicted
}

// Exact reports whether Evicted is exact since the view's creation.
func (v *View) Exact() bool { return !v.lost }

// IndexOfID returns the index of the held matching record with the given
// ID, or -1. Records are in append order, which is nearly ID order, so it
// looks near where a binary search lands first, then everywhere.
func (v *View) IndexOfID(id uint64) int {
	n := v.Len()
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.At(m).ID < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	const near = 256
	for d := 0; d <= near; d++ {
		if i := lo + d; i < n && v.At(i).ID == id {
			return i
		}
		if i := lo - d - 1; i >= 0 && i < n && v.At(i).ID == id {
			return i
		}
	}
	for i := range n {
		if v.At(i).ID == id {
			return i
		}
	}
	return -1
}

// Close stops the log from updating the view; later reads still work but
// re-scan what they missed. Closing the zero filter's view does nothing.
func (v *View) Close() {
	if !v.all && v.attached {
		v.log.release(v)
	}
}

// sync brings the view up to the log's newest record.
func (v *View) sync() {
	l := v.log
	if !v.attached && v.next < l.oldestSeq() {
		v.lost = true
	}
	v.catchUp(l.total)
	v.dropEvicted()
}

// catchUp examines the held records with sequence numbers below upto that
// the view has not seen, and first forgets those that fell out.
func (v *View) catchUp(upto uint64) {
	v.dropEvicted()
	l := v.log
	if old := l.oldestSeq(); v.next < old {
		v.next = old // records the view never saw: only while detached
	}
	for ; v.next < upto; v.next++ {
		if v.filter.Match(l.atSeq(v.next)) {
			v.seqs = append(v.seqs, v.next)
		}
	}
}

// dropEvicted forgets matching records that fell out, counting them, and
// compacts the index now and then so it stays within the ring's size.
func (v *View) dropEvicted() {
	old := v.log.oldestSeq()
	start := v.off
	for v.off < len(v.seqs) && v.seqs[v.off] < old {
		v.off++
	}
	v.evicted += uint64(v.off - start)
	if v.off >= 1024 && v.off*2 >= len(v.seqs) {
		n := copy(v.seqs, v.seqs[v.off:])
		v.seqs = v.seqs[:n]
		v.off = 0
	}
}
