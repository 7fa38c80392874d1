package model

// DefaultLogCapacity is the ring size edgetop uses unless a flag says
// otherwise: at about 2.5 KB of memory a record held (headers and body
// previews included, as measured with the demo's records), about 250 MB
// when full.
const DefaultLogCapacity = 100_000

// maxViews bounds the filtered views a Log keeps up to date on Append. Past
// it the least recently requested one is detached (see View.Evicted).
const maxViews = 16

// Log is a bounded ring of records, oldest first, with filtered views that
// stay right while old records fall out. Every record appended gets a
// sequence number (0, 1, 2, ...); the ring holds the last Cap() of them.
// Append is O(1) amortised and does not allocate once the ring is full.
//
// A Log is not safe for concurrent use: only the UI loop touches it.
type Log struct {
	buf     []Record // grows up to capacity, then is overwritten in place
	cap     int
	head    int    // index in buf of the oldest record held, once full
	total   uint64 // records ever appended; the next record's seq
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
	l := &Log{cap: capacity, buf: make([]Record, 0, min(capacity, 1024))}
	l.zero = &View{log: l, all: true}
	return l
}

// Append adds records at the newest end, evicting the oldest ones when the
// ring is full.
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
		if evict := len(l.buf) + len(chunk) - l.cap; evict > 0 && len(l.views) > 0 {
			// The views must see the records about to fall out first.
			upto := l.oldestSeq() + uint64(min(evict, len(l.buf)))
			for _, v := range l.views {
				v.feed(upto)
			}
		}
		for i := range chunk {
			l.push(&chunk[i])
		}
	}
}

// push stores one record, overwriting the oldest when full.
func (l *Log) push(r *Record) {
	l.total++
	if len(l.buf) < l.cap {
		if len(l.buf) == cap(l.buf) {
			l.grow()
		}
		l.buf = append(l.buf, *r)
		return
	}
	l.buf[l.head] = *r
	l.head++
	if l.head == l.cap {
		l.head = 0
	}
}

// grow doubles the backing array, never past the capacity. Pointers handed
// out earlier keep pointing at an identical copy in the old array.
func (l *Log) grow() {
	nb := make([]Record, len(l.buf), min(max(2*cap(l.buf), 16), l.cap))
	copy(nb, l.buf)
	l.buf = nb
}

// Len is the number of records held.
func (l *Log) Len() int { return len(l.buf) }

// Cap is the most records the log holds.
func (l *Log) Cap() int { return l.cap }

// Total is the number of records ever appended.
func (l *Log) Total() uint64 { return l.total }

// Evicted is the number of records that fell out of the ring.
func (l *Log) Evicted() uint64 { return l.total - uint64(len(l.buf)) }

// oldestSeq is the sequence number of the oldest record held (== total when
// empty).
func (l *Log) oldestSeq() uint64 { return l.Evicted() }

// OldestSeq is the sequence number of the oldest record held (Total when
// empty): a record with a lower one fell out.
func (l *Log) OldestSeq() uint64 { return l.oldestSeq() }

// At returns the i-th record held, 0 being the oldest, or nil when i is out
// of range. The pointer stays valid (and the record unchanged) until the
// record is evicted; records must not be modified through it.
func (l *Log) At(i int) *Record {
	if i < 0 || i >= len(l.buf) {
		return nil
	}
	j := l.head + i
	if j >= l.cap {
		j -= l.cap
	}
	return &l.buf[j]
}

// atSeq returns the record with sequence number seq, which must be held.
func (l *Log) atSeq(seq uint64) *Record { return l.At(int(seq - l.oldestSeq())) }

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
		log: l, filter: f.clone(), lo: l.total, hi: l.total, floor: l.oldestSeq(),
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
