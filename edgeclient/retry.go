package edgeclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// backoffDelay is exponential backoff with full jitter: a uniformly random
// delay in [0, min(MaxDelay, BaseDelay·2^retry)], never below MinDelay.
// retry is 0 for the first retry.
func backoffDelay(p *RetryPolicy, retry int) time.Duration {
	ceil := p.MaxDelay
	if retry >= 0 && retry < 30 {
		if d := p.BaseDelay << uint(retry); d > 0 && d < ceil {
			ceil = d
		}
	}
	return p.bound(time.Duration(rand.Int64N(int64(ceil) + 1)))
}

// streamDelay is the wait before a stream's retry-th reconnect in a row:
// "equal jitter", half to all of StreamBaseDelay·2^retry, at most
// StreamMaxDelay, never under MinDelay.
func streamDelay(p *RetryPolicy, retry int) time.Duration {
	c := p.StreamMaxDelay
	if retry >= 0 && retry < 30 {
		if d := p.StreamBaseDelay << uint(retry); d > 0 && d < c {
			c = d
		}
	}
	return max(c/2+time.Duration(rand.Int64N(int64(c/2)+1)), p.MinDelay)
}

// bound applies the floor and the cap to a computed delay: no retry loop
// waits less than MinDelay, none longer than MaxRetryAfter (the longest
// wait the policy ever honours).
func (p *RetryPolicy) bound(d time.Duration) time.Duration {
	return min(max(d, p.MinDelay), max(p.MaxRetryAfter, p.MinDelay))
}

// retryDelay is the wait before retrying an answer that carried
// Retry-After: what the header asks, but never less than the backoff the
// policy computes for this retry (so "Retry-After: 0" cannot make a loop
// spin) and never more than MaxRetryAfter. ok is false when the header is
// absent or unusable.
func retryDelay(p *RetryPolicy, h http.Header, now time.Time, retry int) (time.Duration, bool) {
	ra, ok := ParseRetryAfter(h.Get("Retry-After"), now, p.MaxRetryAfter)
	if !ok {
		return 0, false
	}
	return p.bound(max(ra, backoffDelay(p, retry))), true
}

// maxRetryAfterSeconds bounds the seconds form before it is multiplied
// out, so that no value can overflow time.Duration (about 292 years).
const maxRetryAfterSeconds = int64(1<<63-1) / int64(time.Second)

// ParseRetryAfter parses a Retry-After value, delay-seconds ("120") or an
// HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"), into a wait from now of at
// most limit. A date in the past is 0. ok is false for anything else: an
// empty, negative, fractional or malformed value. It never overflows.
func ParseRetryAfter(v string, now time.Time, limit time.Duration) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, false
		}
		if err != nil || s > maxRetryAfterSeconds {
			return max(limit, 0), true
		}
		return min(time.Duration(s)*time.Second, max(limit, 0)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), max(limit, 0)), true
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
