package edgeclient

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// backoffDelay is exponential backoff with full jitter: a uniformly random
// delay in [0, min(max, base·2^retry)], at least 1ms so that a backoff is
// always visible in the record. retry is 0 for the first retry.
func backoffDelay(p *RetryPolicy, retry int) time.Duration {
	ceil := p.MaxDelay
	if retry < 30 {
		if d := p.BaseDelay << uint(retry); d > 0 && d < ceil {
			ceil = d
		}
	}
	d := time.Duration(rand.Int64N(int64(ceil) + 1))
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// limiter is an adaptive semaphore on concurrent requests: it starts at the
// connection cap, is halved on every 421 and grows back by one after
// restoreAfter successful requests in a row.
type limiter struct {
	mu           sync.Mutex
	limit, max   int
	inUse        int
	ok           int
	restoreAfter int
	waiters      []chan struct{}
}

func newLimiter(max, restoreAfter int) *limiter {
	return &limiter{limit: max, max: max, restoreAfter: restoreAfter}
}

// acquire takes a slot, waiting while the limit is reached.
func (l *limiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.inUse < l.limit && len(l.waiters) == 0 {
		l.inUse++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, w := range l.waiters {
			if w == ch {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				return ctx.Err()
			}
		}
		// Granted while giving up: hand the slot on.
		l.inUse--
		l.grantLocked()
		return ctx.Err()
	}
}

// release gives a slot back; ok says whether the request went well (not a
// 421), which slowly restores a lowered limit.
func (l *limiter) release(ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inUse--
	if ok && l.limit < l.max {
		l.ok++
		if l.ok >= l.restoreAfter {
			l.ok = 0
			l.limit++
		}
	}
	l.grantLocked()
}

// halve lowers the limit after a 421 and returns the new limit.
func (l *limiter) halve() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = max(1, l.limit/2)
	l.ok = 0
	return l.limit
}

// current is the limit now.
func (l *limiter) current() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

func (l *limiter) grantLocked() {
	for len(l.waiters) > 0 && l.inUse < l.limit {
		ch := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.inUse++
		close(ch)
	}
}
