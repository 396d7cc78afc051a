package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"nrm"
)

// statsComputations counts computations, for tests of the cache.
var statsComputations atomic.Int64

// The statistics cache. Statistics over a million cases take most of a
// second; the dashboard, the API and every report download ask for the
// same few years again and again while the data rarely change. So results
// are kept, as their JSON, under the data version of the snapshot they
// were computed from (migration 00005: every change to the data the
// statistics read moves it, in any process). A request first reads the
// current version: an entry computed at that version or later is the
// answer; otherwise the statistics are computed again. Concurrent requests
// for the same query wait for one computation instead of each starting
// their own.

// statsCacheMax bounds the number of cached queries (year, cut-off).
const statsCacheMax = 16

type statsEntry struct {
	// minVersion is a lower bound of the version the entry is computed
	// at: the version its requester had read, raised to the version of
	// the computation's snapshot once it is done.
	minVersion int64
	json       []byte
	err        error
	done       chan struct{}
	used       uint64
}

type statsCache struct {
	mu      sync.Mutex
	entries map[nrm.StatsQuery]*statsEntry
	tick    uint64
}

// StatisticsJSON returns the statistics of q as JSON (the statistics
// contract), from the cache when the data have not changed since they
// were computed. The bytes are shared: callers must not modify them.
func (d *DB) StatisticsJSON(ctx context.Context, q nrm.StatsQuery) ([]byte, error) {
	q, err := checkStatsQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	v, err := d.dataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	c := &d.statsCache
	c.mu.Lock()
	c.tick++
	e := c.entries[q]
	if e == nil || e.minVersion < v || e.failed() {
		e = &statsEntry{minVersion: v, done: make(chan struct{})}
		if c.entries == nil {
			c.entries = map[nrm.StatsQuery]*statsEntry{}
		}
		c.evictLocked()
		c.entries[q] = e
		// The computation outlives a requester that gives up: others
		// may be waiting for it.
		go e.compute(context.WithoutCancel(ctx), d, q)
	}
	e.used = c.tick
	c.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return e.json, nil
}

func (e *statsEntry) compute(ctx context.Context, d *DB, q nrm.StatsQuery) {
	defer close(e.done)
	statsComputations.Add(1)
	s, v, err := d.computeStatistics(ctx, q)
	if err == nil {
		e.json, err = json.Marshal(s)
	}
	e.err = err
	if err == nil && v > e.minVersion {
		d.statsCache.mu.Lock()
		e.minVersion = v
		d.statsCache.mu.Unlock()
	}
}

// failed reports whether a finished computation failed; such entries are
// computed again.
func (e *statsEntry) failed() bool {
	select {
	case <-e.done:
		return e.err != nil
	default:
		return false
	}
}

// evictLocked makes room for one entry by dropping the least recently
// used finished one.
func (c *statsCache) evictLocked() {
	if len(c.entries) < statsCacheMax {
		return
	}
	var oldest nrm.StatsQuery
	var found *statsEntry
	for q, e := range c.entries {
		select {
		case <-e.done:
		default:
			continue // in progress: others wait for it
		}
		if found == nil || e.used < found.used {
			oldest, found = q, e
		}
	}
	if found != nil {
		delete(c.entries, oldest)
	}
}
