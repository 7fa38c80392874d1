package model

import "sync/atomic"

// Records is a sequence of records read by index: a Slice, or a Snapshot
// of a Log's view. At's record is the caller's to keep.
type Records interface {
	Len() int
	At(i int) *Record
}

// Slice is a []Record as Records.
type Slice []Record

// Len is len(s).
func (s Slice) Len() int { return len(s) }

// At is &s[i].
func (s Slice) At(i int) *Record { return &s[i] }

// Snapshot is a frozen copy of some records of a Log, to be read from
// another goroutine while the log goes on (an export of a view of ten
// million records, off the UI loop, without decoding them all at once).
// Taking one copies each record's slot (48 bytes) and the table of
// interned strings, never a record's bytes: the log's blocks are shared,
// and the log does not reuse a block while a snapshot is held. Release it
// when done. A Snapshot is safe for one goroutine at a time.
type Snapshot struct {
	slots  []slot
	blocks [][]byte // by serial, from first
	first  uint32
	tab    interner // strs only
	pk     *packer  // zones only
	pins   *atomic.Int32
	done   atomic.Bool
}

// Snapshot copies the first n matching records held (n < 0 or past Len:
// all of them) at once. It is taken on the log's goroutine; a view not
// Complete snapshots what it found so far. For a big view, take it in
// steps (SnapshotSteps): copying ten million slots at once would hold the
// loop up for a quarter of a second.
func (v *View) Snapshot(n int) *Snapshot {
	b := v.SnapshotSteps(n)
	b.Step(-1)
	return b.Snapshot()
}

// SnapshotBuilder takes a Snapshot in steps, between which the log goes on:
// the records are those held when it started, copied oldest first, so that
// one that falls out before it is copied is only missed when the ring
// turns over faster than the copy goes (Lost counts those).
type SnapshotBuilder struct {
	v         *View
	s         *Snapshot
	want      int
	next, end uint64 // the next sequence number to copy; one past the last
}

// SnapshotSteps starts a snapshot of the first n matching records held
// (n < 0 or past Len: all of them); Step copies them. The log's blocks are
// not reused from now until the snapshot (or the builder, if it is never
// finished) is released.
func (v *View) SnapshotSteps(n int) *SnapshotBuilder {
	l := v.log
	if total := v.Len(); n < 0 || n > total {
		n = total
	}
	s := &Snapshot{slots: make([]slot, 0, n), pins: &l.pins}
	if len(l.blocks) > 0 {
		s.first = l.blocks[0].serial
		s.blocks = make([][]byte, len(l.blocks))
		for i, b := range l.blocks {
			s.blocks[i] = b.data
		}
	}
	// The ids of the records held now keep their strings until these
	// records fall out (a sweep frees only what no record held uses).
	s.tab.strs = append([]string(nil), l.pk.tab.strs...)
	s.pk = &packer{zones: append(l.pk.zones[:0:0], l.pk.zones...)}
	l.pins.Add(1)
	b := &SnapshotBuilder{v: v, s: s, want: n}
	if n > 0 {
		b.next, b.end = v.SeqAt(0), v.SeqAt(n-1)+1
	}
	return b
}

// Step copies at most budget more records (budget < 0: all that are
// left) and reports whether the snapshot is complete.
func (b *SnapshotBuilder) Step(budget int) bool {
	v, l := b.v, b.v.log
	for budget != 0 && b.next < b.end {
		i := v.Rank(b.next) // the first match held at or after next
		if i >= v.Len() {
			b.next = b.end
			break
		}
		seq := v.SeqAt(i)
		if seq >= b.end {
			b.next = b.end
			break
		}
		b.s.slots = append(b.s.slots, *l.slotSeq(seq))
		b.next = seq + 1
		budget--
		// The rest of a run of matches without a new Rank each.
		for ; budget != 0 && b.next < b.end; budget-- {
			i++
			if i >= v.Len() {
				b.next = b.end
				break
			}
			if seq = v.SeqAt(i); seq >= b.end {
				b.next = b.end
				break
			}
			b.s.slots = append(b.s.slots, *l.slotSeq(seq))
			b.next = seq + 1
		}
	}
	return b.next >= b.end
}

// Progress is how many records have been copied, of how many wanted.
func (b *SnapshotBuilder) Progress() (done, total int) { return len(b.s.slots), b.want }

// Lost is how many of the records wanted fell out of the ring before they
// were copied (only a finished snapshot's count is final).
func (b *SnapshotBuilder) Lost() int { return b.want - len(b.s.slots) }

// Snapshot is the snapshot, once Step reported it complete.
func (b *SnapshotBuilder) Snapshot() *Snapshot { return b.s }

// Len is the number of records in the snapshot.
func (s *Snapshot) Len() int { return len(s.slots) }

// At decodes the i-th record afresh.
func (s *Snapshot) At(i int) *Record {
	sl := &s.slots[i]
	r := new(Record)
	r.ID, r.Start, r.Duration, r.Status = sl.id, s.pk.start(sl), durationOf(sl), int(sl.status)
	u := unpacker{b: s.blocks[sl.blk-s.first][sl.off:], tab: &s.tab, copy: true}
	u.head(r, sl, new(TransportError))
	u.rest(r)
	return r
}

// Release lets the log reuse its blocks again; the snapshot is not read
// after. Releasing twice is a no-op.
func (s *Snapshot) Release() {
	if s.done.CompareAndSwap(false, true) {
		s.pins.Add(-1)
	}
}
