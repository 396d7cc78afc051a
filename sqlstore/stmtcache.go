package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements for SQLite. modernc.org/sqlite has
// no statement cache of its own, so without one every call parses and
// plans its SQL anew, which was a third of the time of a case read. A
// cached *sql.Stmt is prepared once per pool connection; transactions use
// it through Tx.StmtContext, which reuses the connection's prepared copy.
// (pgx caches prepared statements itself, so PostgreSQL bypasses this.)
//
// Statements are prepared outside the caller's transaction, in the
// background: the first use of a text runs unprepared and schedules the
// preparation. Preparing inline could wait for a free pool connection
// while every connection is held by a transaction waiting for the same.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	wg      sync.WaitGroup
}

// stmtCacheMax bounds the cache: texts built from filters could otherwise
// grow it without end.
const stmtCacheMax = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for q, or nil after scheduling its
// preparation.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.stmts[q]; s != nil {
		return s
	}
	if c.closed || c.pending[q] || len(c.stmts)+len(c.pending) >= stmtCacheMax {
		return nil
	}
	c.pending[q] = true
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		s, err := c.db.PrepareContext(context.Background(), q)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, q)
		if err != nil {
			return // not cacheable (or the database is closing): run unprepared
		}
		if c.closed {
			s.Close()
			return
		}
		c.stmts[q] = s
	}()
	return nil
}

// close waits for pending preparations and closes every statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}
