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
// all of them). It is taken on the log's goroutine; a view not Complete
// snapshots what it found so far.
func (v *View) Snapshot(n int) *Snapshot {
	l := v.log
	if total := v.Len(); n < 0 || n > total {
		n = total
	}
	s := &Snapshot{slots: make([]slot, n), pins: &l.pins}
	for i := range n {
		if v.all {
			s.slots[i] = *l.slot(i)
		} else {
			s.slots[i] = *l.slotSeq(v.seq(i))
		}
	}
	if len(l.blocks) > 0 {
		s.first = l.blocks[0].serial
		s.blocks = make([][]byte, len(l.blocks))
		for i, b := range l.blocks {
			s.blocks[i] = b.data
		}
	}
	s.tab.strs = append([]string(nil), l.pk.tab.strs...)
	s.pk = &packer{zones: append(l.pk.zones[:0:0], l.pk.zones...)}
	l.pins.Add(1)
	return s
}

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
