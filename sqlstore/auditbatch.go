package sqlstore

import (
	"context"
	"errors"
	"sync"
)

// Read audits in groups. Every case read appends an audit entry before
// the case is shown, and the entries of a chain are written one after the
// other. As one transaction per read, the entries formed a queue of short
// write transactions in which any pause of the one at the head (a commit,
// a descheduled goroutine) held up all the others: this was most of the
// case page's latency tail at 1,000 reads a second. Reads therefore hand
// their entries to one writer goroutine, which writes whatever has
// queued up in one transaction, and each read waits until the
// transaction holding its entry has committed. A read is never shown
// unless its entry is stored; changes keep their audit entry in their own
// transaction.

// auditBatchMax bounds the entries of one transaction.
const auditBatchMax = 256

type auditRequest struct {
	ctx                              context.Context // the reader's actor
	action, entity, entityID, detail string
	done                             chan error
}

type auditBatcher struct {
	once, closeOnce sync.Once
	queue           chan *auditRequest
	stop            chan struct{} // closed by DB.Close
	ended           chan struct{} // closed when the writer has stopped
}

var errAuditClosed = errors.New("audit: the database is closing")

// auditRead appends a read's audit entry through the batch writer and
// waits until it is committed.
func (d *DB) auditRead(ctx context.Context, action, entity, entityID, detail string) error {
	b := &d.auditBatch
	b.once.Do(func() {
		b.queue = make(chan *auditRequest, 4*auditBatchMax)
		b.stop, b.ended = make(chan struct{}), make(chan struct{})
		go d.auditWriter()
	})
	if b.queue == nil {
		return errAuditClosed // closed before the first read
	}
	r := &auditRequest{ctx: context.WithoutCancel(ctx), action: action, entity: entity, entityID: entityID, detail: detail, done: make(chan error, 1)}
	select {
	case b.queue <- r:
	case <-b.stop:
		return errAuditClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-b.ended:
		select {
		case err := <-r.done:
			return err
		default:
			return errAuditClosed
		}
	case <-ctx.Done():
		// The entry may still be written: an audited read that was not
		// shown is on the safe side.
		return ctx.Err()
	}
}

// auditWriter writes queued read entries, as many per transaction as have
// queued up, until the database closes.
func (d *DB) auditWriter() {
	b := &d.auditBatch
	defer close(b.ended)
	batch := make([]*auditRequest, 0, auditBatchMax)
	for {
		select {
		case r := <-b.queue:
			batch = append(batch[:0], r)
		case <-b.stop:
			// Write what was queued before the close.
			for {
				select {
				case r := <-b.queue:
					d.writeAuditBatch([]*auditRequest{r})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < auditBatchMax {
			select {
			case r := <-b.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		d.writeAuditBatch(batch)
	}
}

// writeAuditBatch appends the entries in one transaction and tells each
// reader the outcome.
func (d *DB) writeAuditBatch(batch []*auditRequest) {
	err := d.inTx(context.Background(), func(tx *Tx) error { return tx.auditEach(batch) })
	for _, r := range batch {
		r.done <- err
	}
}

// closeAudit stops the batch writer after it has written what was queued.
func (d *DB) closeAudit() {
	b := &d.auditBatch
	b.once.Do(func() {}) // no writer starts after this
	b.closeOnce.Do(func() {
		if b.stop != nil {
			close(b.stop)
			<-b.ended
		}
	})
}
