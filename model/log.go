package model

import (
	"math"
	"sync/atomic"
	"time"
	"unsafe"
)

// DefaultLogCapacity is the ring size edgetop uses unless a flag says
// otherwise: a record held costs about 250 bytes of live heap and 300 of
// resident memory (packed: see pack.go; BENCHMARKS.md has the measurement
// with varied records as the client makes them), so about 30 MB when full.
const DefaultLogCapacity = 100_000

// RecordMemory is a generous figure of the memory a record held costs,
// headers and body previews included (the measured mean is below half of
// it): what a bound on the ring's size is computed with. A Log also holds
// its records to it: past Cap() × RecordMemory of packed bytes, slots
// included (byteBudget; a gateway sending the biggest answers edgetop
// keeps), the oldest fall out before the ring is full, so a ring's memory
// is bounded whatever it is sent: that, four spare blocks, the table of
// interned strings (at most 8 MB) and, while an export reads a snapshot,
// the blocks it pins.
const RecordMemory = 600

// maxViews bounds the filtered views a Log keeps up to date on Append. Past
// it the least recently requested one is detached (see View.Evicted).
const maxViews = 16

// Log is a bounded ring of records, oldest first, with filtered views that
// stay right while old records fall out. Every record appended gets a
// sequence number (0, 1, 2, ...); the ring holds the last Cap() of them,
// fewer when they are big (see RecordMemory).
// Records are held packed (pack.go): Append is O(1) amortised and, once the
// ring is full, allocates nothing but the strings it interns.
//
// A Log is not safe for concurrent use: only the UI loop touches it.
type Log struct {
	slots   []slot // a ring, grown up to capacity; the n held from head on
	cap     int
	head    int    // index in slots of the oldest record held
	n       int    // records held
	total   uint64 // records ever appended; the next record's seq
	pk      *packer
	blocks  []*block // oldest first, by serial
	bytes   int      // the blocks' size
	budget  int      // the most bytes the blocks hold before records fall out early
	spare   []*block
	serial  uint32       // the next block's
	swept   uint64       // the oldest sequence number at the last sweep
	pins    atomic.Int32 // snapshots held: no block is reused meanwhile
	scratch Record       // what the filters read, decoded in place
	scrErr  TransportError
	views   []*View
	zero    *View // the shared view of the zero filter
	useTick uint64
}

// NewLog returns an empty log holding at most capacity records; a capacity
// below 1 holds nothing and counts every record as evicted.
func NewLog(capacity int) *Log {
	if capacity < 0 {
		capacity = 0
	}
	l := &Log{cap: capacity, budget: byteBudget(capacity), pk: newPacker()}
	l.zero = &View{log: l, all: true}
	return l
}

// byteBudget is the packed bytes a ring of capacity records holds at
// most: RecordMemory a record, less its slot (the slots are apart), and
// two blocks of slack (the one being filled, the one falling out), so a
// small ring of ordinary records never loses one early.
func byteBudget(capacity int) int {
	per := RecordMemory - int(unsafe.Sizeof(slot{}))
	if capacity > (math.MaxInt-2*blockSize)/per {
		return math.MaxInt
	}
	return capacity*per + 2*blockSize
}

// Append adds records at the newest end, evicting the oldest ones when the
// ring is full. The log keeps copies: the records may be reused after.
func (l *Log) Append(batch ...Record) {
	if l.cap == 0 {
		for i := range batch {
			for _, v := range l.views {
				if v.filter.Match(&batch[i]) {
					v.evicted++
				}
			}
		}
		l.total += uint64(len(batch))
		return
	}
	for len(batch) > 0 {
		chunk := batch[:min(len(batch), l.cap)]
		batch = batch[len(chunk):]
		if evict := l.n + len(chunk) - l.cap; evict > 0 {
			l.feedViews(l.oldestSeq() + uint64(min(evict, l.n)))
		}
		for i := range chunk {
			l.push(&chunk[i])
		}
		l.freeBlocks()
		l.fitBudget()
	}
}

// fitBudget lets the records of the oldest blocks fall out while the
// blocks are past the budget (never the newest block's: the newest record
// always stays).
func (l *Log) fitBudget() {
	k, over := 0, l.bytes-l.budget
	for ; over > 0 && k < len(l.blocks)-1; k++ {
		over -= cap(l.blocks[k].data)
	}
	if k == 0 {
		return
	}
	upto := l.blocks[k-1].last + 1
	l.feedViews(upto)
	drop := int(upto - l.oldestSeq())
	l.head, l.n = l.index(drop), l.n-drop
	l.freeBlocks()
}

// feedViews has the views see the records below upto, about to fall out.
func (l *Log) feedViews(upto uint64) {
	for _, v := range l.views {
		v.feed(upto)
	}
}

// push stores one record, overwriting the oldest when full.
func (l *Log) push(r *Record) {
	var s slot
	l.pk.pack(r, l.total, &s)
	b := l.room(len(l.pk.buf))
	s.blk, s.off = b.serial, uint32(len(b.data))
	b.data = append(b.data, l.pk.buf...)
	b.last = l.total
	l.total++
	if l.n == len(l.slots) && len(l.slots) < l.cap {
		l.grow()
	}
	if l.n == len(l.slots) { // full: the oldest falls out
		l.slots[l.head] = s
		l.head = l.index(1)
		return
	}
	l.slots[l.index(l.n)] = s
	l.n++
}

// index is the index in slots of the i-th record held.
func (l *Log) index(i int) int {
	j := l.head + i
	if j >= len(l.slots) {
		j -= len(l.slots)
	}
	return j
}

// room returns the block to append n bytes to: the newest, or a new one
// (a spare when there is one).
func (l *Log) room(n int) *block {
	if k := len(l.blocks); k > 0 {
		if b := l.blocks[k-1]; len(b.data)+n <= cap(b.data) {
			return b
		}
	}
	var b *block
	if k := len(l.spare); k > 0 && n <= blockSize {
		b = l.spare[k-1]
		l.spare = l.spare[:k-1]
		b.data = b.data[:0]
	} else {
		b = &block{data: make([]byte, 0, max(blockSize, n))}
	}
	b.serial = l.serial
	l.serial++
	l.blocks = append(l.blocks, b)
	l.bytes += cap(b.data)
	return b
}

// freeBlocks frees the blocks whose records all fell out, and now and then
// the interned strings no record held uses.
func (l *Log) freeBlocks() {
	old := l.oldestSeq()
	k := 0
	for k < len(l.blocks)-1 && l.blocks[k].last < old {
		b := l.blocks[k]
		if cap(b.data) == blockSize && len(l.spare) < spareBlocks && l.pins.Load() == 0 {
			l.spare = append(l.spare, b)
		}
		l.bytes -= cap(b.data)
		l.blocks[k] = nil
		k++
	}
	if k > 0 {
		n := copy(l.blocks, l.blocks[k:])
		clear(l.blocks[n:])
		l.blocks = l.blocks[:n]
	}
	// (by the records held: fewer than Cap() when they are big)
	if gone, held := old-l.swept, uint64(max(l.n, 1)); gone >= held || gone >= held/8 && l.pk.tab.crowded() {
		l.pk.tab.sweep(old)
		for k, b := range l.pk.bases {
			if !l.pk.tab.holds(b.id, b.s) {
				delete(l.pk.bases, k)
			}
		}
		l.swept = old
	}
}

// grow doubles the slots, never past the capacity: the ring is full, the
// records are put in order at the start.
func (l *Log) grow() {
	ns := make([]slot, min(max(2*len(l.slots), 16), l.cap))
	n := copy(ns, l.slots[l.head:])
	copy(ns[n:], l.slots[:l.head])
	l.slots, l.head = ns, 0
}

// Len is the number of records held.
func (l *Log) Len() int { return l.n }

// Cap is the most records the log holds.
func (l *Log) Cap() int { return l.cap }

// Total is the number of records ever appended.
func (l *Log) Total() uint64 { return l.total }

// Evicted is the number of records that fell out of the ring.
func (l *Log) Evicted() uint64 { return l.total - uint64(l.n) }

// oldestSeq is the sequence number of the oldest record held (== total when
// empty).
func (l *Log) oldestSeq() uint64 { return l.Evicted() }

// OldestSeq is the sequence number of the oldest record held (Total when
// empty): a record with a lower one fell out.
func (l *Log) OldestSeq() uint64 { return l.oldestSeq() }

// At returns the i-th record held, 0 being the oldest, or nil when i is out
// of range. It is decoded afresh: the caller owns it, and it stays valid
// after the record fell out.
func (l *Log) At(i int) *Record {
	if i < 0 || i >= l.n {
		return nil
	}
	r := new(Record)
	l.decode(l.slot(i), r)
	return r
}

// class is the record's Class (Record.Class) from its slot alone.
func (s *slot) class() Class {
	c := ClassOf(int(s.status))
	if s.flags&flagErr != 0 && !c.IsError() {
		return ClassNet
	}
	return c
}

// slot is the i-th record's slot.
func (l *Log) slot(i int) *slot { return &l.slots[l.index(i)] }

// slotSeq is the slot of the record with sequence number seq, which must
// be held.
func (l *Log) slotSeq(seq uint64) *slot { return l.slot(int(seq - l.oldestSeq())) }

// atSeq returns the record with sequence number seq, which must be held.
func (l *Log) atSeq(seq uint64) *Record { return l.At(int(seq - l.oldestSeq())) }

// bytesOf is the packed variable part of s (and what follows it).
func (l *Log) bytesOf(s *slot) []byte {
	b := l.blocks[s.blk-l.blocks[0].serial]
	return b.data[s.off:]
}

// fixed sets r's fields held in s.
func (l *Log) fixed(s *slot, r *Record) {
	r.ID, r.Start, r.Duration, r.Status = s.id, l.pk.start(s), durationOf(s), int(s.status)
}

func durationOf(s *slot) time.Duration { return time.Duration(s.dur) }

// decode fills r with the whole record held in s, its strings its own.
func (l *Log) decode(s *slot, r *Record) {
	l.fixed(s, r)
	u := unpacker{b: l.bytesOf(s), tab: &l.pk.tab, copy: true}
	u.head(r, s, new(TransportError))
	u.rest(r)
}

// match reports whether the record with sequence number seq (held) passes
// v's filter, decoding only what it reads into the scratch record.
func (l *Log) match(v *View, seq uint64) bool {
	s, r := l.slotSeq(seq), &l.scratch
	l.fixed(s, r)
	if v.fixed {
		r.Err = nil
		if s.flags&flagErr != 0 {
			r.Err = &l.scrErr
		}
	} else {
		u := unpacker{b: l.bytesOf(s), tab: &l.pk.tab}
		u.head(r, s, &l.scrErr)
	}
	return v.filter.Match(r)
}

// View returns a view of the records matching f. Views are cheap to keep:
// the view of the zero filter needs no index at all, and asking again for
// an equal filter returns the same view (as far as it has got). A new
// filtered view examines nothing at once: the caller asks for its newest
// page (View.Tail) and has the older records examined in slices
// (View.Scan); records appended later are examined as the view is read,
// and Append feeds it the records about to fall out so its counts stay
// exact.
func (l *Log) View(f Filter) *View {
	if f.IsZero() {
		return l.zero
	}
	l.useTick++
	for _, v := range l.views {
		if v.filter.Equal(f) {
			v.used = l.useTick
			return v
		}
	}
	v := &View{
		log: l, filter: f.clone(), fixed: f.fixedOnly(), lo: l.total, hi: l.total, floor: l.oldestSeq(),
		used: l.useTick, attached: true,
	}
	l.views = append(l.views, v)
	if len(l.views) > maxViews {
		l.detachLRU()
	}
	return v
}

// detachLRU stops updating the least recently requested view.
func (l *Log) detachLRU() {
	lru := 0
	for i, v := range l.views {
		if v.used < l.views[lru].used {
			lru = i
		}
	}
	l.views[lru].attached = false
	l.views = append(l.views[:lru], l.views[lru+1:]...)
}

// release stops updating v (View.Close).
func (l *Log) release(v *View) {
	for i, w := range l.views {
		if w == v {
			l.views = append(l.views[:i], l.views[i+1:]...)
			v.attached = false
			return
		}
	}
}
