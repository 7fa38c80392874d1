package edgeclient

import (
	"sync/atomic"

	"edgetop/model"
)

// Observer receives one model.Record per HTTP exchange. Observe is called
// from the goroutine making the call and must never block; records arrive
// with every secret already masked.
type Observer interface {
	Observe(model.Record)
}

// ObserverFunc adapts a function to Observer. The function must not block.
type ObserverFunc func(model.Record)

// Observe calls f(r).
func (f ObserverFunc) Observe(r model.Record) { f(r) }

// ChanObserver puts records on a bounded channel and counts the records it
// had to drop because the channel was full. It is safe for concurrent use.
type ChanObserver struct {
	ch      chan model.Record
	dropped atomic.Uint64
}

// NewChanObserver returns a ChanObserver whose channel holds size records
// (at least 1).
func NewChanObserver(size int) *ChanObserver {
	if size < 1 {
		size = 1
	}
	return &ChanObserver{ch: make(chan model.Record, size)}
}

// Observe sends r without blocking; when the channel is full r is dropped
// and counted.
func (o *ChanObserver) Observe(r model.Record) {
	select {
	case o.ch <- r:
	default:
		o.dropped.Add(1)
	}
}

// C is the channel records arrive on. It is never closed.
func (o *ChanObserver) C() <-chan model.Record { return o.ch }

// Dropped is the number of records dropped so far.
func (o *ChanObserver) Dropped() uint64 { return o.dropped.Load() }

// Sequence numbers records. Clients that report to one observer share one
// (Config.Sequence) so that every record ID is unique; the zero value starts
// at 1 and is safe for concurrent use.
type Sequence struct{ n atomic.Uint64 }

// Next returns the next ID.
func (s *Sequence) Next() uint64 { return s.n.Add(1) }

// nopObserver is used when Config.Observer is nil.
type nopObserver struct{}

func (nopObserver) Observe(model.Record) {}
