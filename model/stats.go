package model

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
)

// QuantileAccuracy is the relative accuracy of Stats.Quantile.
const QuantileAccuracy = 0.01

// DefaultRateWindow is the window edgetop uses for Rate and ErrorRate.
const DefaultRateWindow = 10 * time.Second

// seriesSeconds is how many 1-second buckets Stats keeps for Series (and at
// least the rate window): ten minutes of sparkline.
const seriesSeconds = 600

// CodeCount is how many records had one HTTP status (0: no response).
type CodeCount struct {
	Code int
	N    uint64
}

// OpCount is how many records one operation produced, and how many of them
// were errors (4xx, 5xx or transport).
type OpCount struct {
	Operation string
	N, Errors uint64
}

// DeviceCount is how many records named one device ("ProductKey/
// DeviceName"), and how many of them were errors.
type DeviceCount struct {
	Device    string
	N, Errors uint64
}

// maxDevices bounds the devices Stats counts one by one (a gateway that
// names thousands cannot grow it without bound); the rest are not counted
// per device.
const maxDevices = 4096

// bucket counts the records that ended within one unix second.
type bucket struct {
	sec   int64
	n     uint64
	errs  uint64
	class [numClasses]uint64
}

// Stats aggregates every record of a session, including those the Log has
// let fall out: counts per class, code and operation, request and error
// rates over a sliding window, latency quantiles and per-class per-second
// series. Time comes only from the records (their End) and the callers'
// now; Add does not allocate in the steady state.
//
// Stats is not safe for concurrent use: only the UI loop touches it.
type Stats struct {
	window  int64 // seconds
	total   uint64
	errs    uint64
	classes [numClasses]uint64
	codes   [600]uint64
	others  map[int]uint64 // statuses outside 0..599
	opIndex map[string]int
	ops     []OpCount
	devIdx  map[string]int
	devs    []DeviceCount
	sketch  *ddsketch.DDSketch
	buckets []bucket
}

// NewStats returns empty stats whose Rate and ErrorRate look back over
// window, rounded up to whole seconds (at least one).
func NewStats(window time.Duration) *Stats {
	w := int64((window + time.Second - 1) / time.Second)
	w = max(w, 1)
	sk, err := ddsketch.NewDefaultDDSketch(QuantileAccuracy)
	if err != nil {
		panic("model: DDSketch rejected accuracy 0.01: " + err.Error()) // a constant: cannot happen
	}
	return &Stats{
		window:  w,
		opIndex: make(map[string]int),
		devIdx:  make(map[string]int),
		sketch:  sk,
		buckets: make([]bucket, max(seriesSeconds, w+1)),
	}
}

// Add counts records.
func (s *Stats) Add(batch ...Record) {
	for i := range batch {
		s.add(&batch[i])
	}
}

func (s *Stats) add(r *Record) {
	cl := r.Class()
	isErr := cl.IsError()
	s.total++
	s.classes[cl]++
	if isErr {
		s.errs++
	}
	if r.Status >= 0 && r.Status < len(s.codes) {
		s.codes[r.Status]++
	} else {
		if s.others == nil {
			s.others = make(map[int]uint64)
		}
		s.others[r.Status]++
	}
	s.addOp(r.Operation, isErr)
	if r.ProductKey != "" || r.DeviceName != "" {
		s.addDevice(r.Device(), isErr)
	}
	if r.Status != 0 {
		// Latency is that of responses: a transport error's duration is
		// its timeout or how fast it was refused, not the gateway's speed.
		_ = s.sketch.Add(float64(max(r.Duration, 0)))
	}
	s.addToBucket(r.End().Unix(), cl, isErr)
}

func (s *Stats) addOp(op string, isErr bool) {
	i, ok := s.opIndex[op]
	if !ok {
		i = len(s.ops)
		s.opIndex[op] = i
		s.ops = append(s.ops, OpCount{Operation: op})
	}
	s.ops[i].N++
	if isErr {
		s.ops[i].Errors++
	}
}

func (s *Stats) addDevice(dev string, isErr bool) {
	i, ok := s.devIdx[dev]
	if !ok {
		if len(s.devs) >= maxDevices {
			return
		}
		i = len(s.devs)
		s.devIdx[dev] = i
		s.devs = append(s.devs, DeviceCount{Device: dev})
	}
	s.devs[i].N++
	if isErr {
		s.devs[i].Errors++
	}
}

// FailingOperations returns the operations that had errors, most errors
// first (ties by name), at most n.
func (s *Stats) FailingOperations(n int) []OpCount {
	return mostFailing(s.ops, n, func(o OpCount) (uint64, string) { return o.Errors, o.Operation })
}

// FailingDevices returns the devices whose records had errors, most errors
// first (ties by name), at most n.
func (s *Stats) FailingDevices(n int) []DeviceCount {
	return mostFailing(s.devs, n, func(d DeviceCount) (uint64, string) { return d.Errors, d.Device })
}

// mostFailing returns the items with errors, most first (ties by name), at
// most n.
func mostFailing[T any](items []T, n int, key func(T) (errs uint64, name string)) []T {
	var out []T
	for _, it := range items {
		if errs, _ := key(it); errs > 0 {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b T) int {
		ea, na := key(a)
		eb, nb := key(b)
		if c := cmp.Compare(eb, ea); c != 0 {
			return c
		}
		return cmp.Compare(na, nb)
	})
	return out[:min(n, len(out))]
}

// addToBucket counts a record in its second's bucket. A record older than
// the oldest second the ring holds counts everywhere but in the series.
func (s *Stats) addToBucket(sec int64, cl Class, isErr bool) {
	b := &s.buckets[s.slot(sec)]
	if b.sec != sec {
		if b.sec > sec && b.n > 0 {
			return
		}
		*b = bucket{sec: sec}
	}
	b.n++
	b.class[cl]++
	if isErr {
		b.errs++
	}
}

// slot is the bucket index of a unix second.
func (s *Stats) slot(sec int64) int {
	n := int64(len(s.buckets))
	return int(((sec % n) + n) % n)
}

// bucketAt returns the bucket of second sec, or nil when it holds none.
func (s *Stats) bucketAt(sec int64) *bucket {
	b := &s.buckets[s.slot(sec)]
	if b.sec != sec || b.n == 0 {
		return nil
	}
	return b
}

// Total is the number of records added.
func (s *Stats) Total() uint64 { return s.total }

// Errors is the number of records that were errors (4xx, 5xx, transport).
func (s *Stats) Errors() uint64 { return s.errs }

// ClassCount is the number of records of class c.
func (s *Stats) ClassCount(c Class) uint64 {
	if c >= numClasses {
		return 0
	}
	return s.classes[c]
}

// Codes returns the count of every status seen, sorted by code.
func (s *Stats) Codes() []CodeCount {
	var out []CodeCount
	for code, n := range s.codes {
		if n > 0 {
			out = append(out, CodeCount{Code: code, N: n})
		}
	}
	for code, n := range s.others {
		out = append(out, CodeCount{Code: code, N: n})
	}
	slices.SortFunc(out, func(a, b CodeCount) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// Operations returns the count of every operation seen, most frequent first
// (ties by name).
func (s *Stats) Operations() []OpCount {
	out := slices.Clone(s.ops)
	slices.SortFunc(out, func(a, b OpCount) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return cmp.Compare(a.Operation, b.Operation)
	})
	return out
}

// Rate is requests per second over the window: the records that ended in
// the window's whole seconds before now's second, divided by its length.
// Leaving out the second in progress keeps the figure steady, at the cost
// of lagging by under a second.
func (s *Stats) Rate(now time.Time) float64 {
	n, _ := s.windowCounts(now)
	return float64(n) / float64(s.window)
}

// ErrorRate is the fraction (0..1) of the window's records (as for Rate)
// that were errors: 4xx, 5xx or transport. It is 0 for an empty window.
func (s *Stats) ErrorRate(now time.Time) float64 {
	n, errs := s.windowCounts(now)
	if n == 0 {
		return 0
	}
	return float64(errs) / float64(n)
}

// windowCounts sums the window's buckets.
func (s *Stats) windowCounts(now time.Time) (n, errs uint64) {
	end := now.Unix()
	for sec := end - s.window; sec < end; sec++ {
		if b := s.bucketAt(sec); b != nil {
			n += b.n
			errs += b.errs
		}
	}
	return n, errs
}

// Quantile returns the latency at quantile q (0..1, clamped) over every
// response of the session, within 1% relative error. Transport errors,
// which have no response, are left out. It is 0 before any response.
func (s *Stats) Quantile(q float64) time.Duration {
	if s.sketch.IsEmpty() || math.IsNaN(q) {
		return 0
	}
	v, err := s.sketch.GetValueAtQuantile(min(max(q, 0), 1))
	if err != nil {
		return 0
	}
	return time.Duration(math.Round(v))
}

// Series returns the number of records of class c that ended in each of the
// last n seconds, oldest first, the last one being now's second (still in
// progress). Seconds older than the ten minutes kept read as 0.
func (s *Stats) Series(c Class, now time.Time, n int) []uint64 {
	if n <= 0 {
		return nil
	}
	out := make([]uint64, n)
	if c >= numClasses {
		return out
	}
	end := now.Unix()
	for i := range n {
		if b := s.bucketAt(end - int64(n-1-i)); b != nil {
			out[i] = b.class[c]
		}
	}
	return out
}
