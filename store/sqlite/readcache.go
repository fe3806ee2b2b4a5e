package sqlite

import (
	"sync"
	"sync/atomic"
)

// readCache keeps what reads derive from tables that every dashboard
// reads and only admins write (assignments, checklists). Each entry
// carries the generation it was read at; a write to those tables bumps the
// generation once it has committed (invalidate), so nothing read before
// that write is served after it, and an entry read while it ran is never
// served at all. Only this process writes the database (the directory
// lock), so nothing changes behind the cache. The zero value is ready.
type readCache[K comparable, V any] struct {
	gen atomic.Uint64
	m   sync.Map // K → readEntry[V]
}

type readEntry[V any] struct {
	gen uint64
	v   V
}

// generation is the generation to put what is read next under: take it
// before reading the database.
func (c *readCache[K, V]) generation() uint64 { return c.gen.Load() }

// get returns k's value if it was read in the current generation.
func (c *readCache[K, V]) get(k K) (V, bool) {
	if e, ok := c.m.Load(k); ok {
		if e := e.(readEntry[V]); e.gen == c.gen.Load() {
			return e.v, true
		}
	}
	var zero V
	return zero, false
}

// put keeps v, read in generation gen, under k.
func (c *readCache[K, V]) put(k K, gen uint64, v V) { c.m.Store(k, readEntry[V]{gen: gen, v: v}) }

// invalidate drops everything read so far; call it after a write to the
// tables the cache derives from has committed (or failed).
func (c *readCache[K, V]) invalidate() {
	c.gen.Add(1)
	c.m.Clear()
}
