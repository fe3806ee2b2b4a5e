package workflow

import (
	"sync"
	"time"

	"skillbook/clock"
)

// limiter is a token bucket per key (a user id): burst tries at once, then
// one more every per. It lives in this process's memory, so it limits one
// server; several servers behind a balancer each allow as much (enough to
// keep a flood off one server's CPU and writer, which is what it is for).
type limiter struct {
	clock clock.Clock
	burst int
	per   time.Duration

	mu      sync.Mutex
	buckets map[string]bucket
}

// bucket is a key's tokens as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// limiterKeys bounds the keys kept before full buckets are forgotten (a
// full bucket is the same as none).
const limiterKeys = 10000

func newLimiter(clk clock.Clock, burst int, per time.Duration) *limiter {
	return &limiter{clock: clk, burst: burst, per: per, buckets: map[string]bucket{}}
}

// allow takes a token of key's bucket; when there is none it reports how
// long until there is.
func (l *limiter) allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, seen := l.buckets[key]
	if !seen {
		if len(l.buckets) >= limiterKeys {
			l.forgetFull(now)
		}
		b = bucket{tokens: float64(l.burst), at: now}
	}
	b = l.refill(b, now)
	if b.tokens < 1 {
		l.buckets[key] = b
		return false, time.Duration((1 - b.tokens) * float64(l.per))
	}
	b.tokens--
	l.buckets[key] = b
	return true, 0
}

// refill adds the tokens earned since b.at, up to burst.
func (l *limiter) refill(b bucket, now time.Time) bucket {
	if now.After(b.at) {
		b.tokens = min(float64(l.burst), b.tokens+float64(now.Sub(b.at))/float64(l.per))
		b.at = now
	}
	return b
}

// forgetFull drops the buckets that have refilled.
func (l *limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		if l.refill(b, now).tokens >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}
