package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"nrm"
)

// The bulk writer stores the new cases of an import (design.md §9: a
// 1,000,000-case bundle in under 20 s). Statement count, not row count,
// dominates a row-at-a-time import, so new cases are collected in batches
// and written with a few large statements per batch: prepared multi-row
// INSERTs on SQLite, COPY on PostgreSQL. Ids are allocated up front, so
// that children and the per-case summary columns go out in the same pass,
// and each batch is audited with one chained entry naming its id range.
//
// The caller's goroutine checks each case, allocates its ids and turns it
// into rows; a goroutine of its own executes the statements, so that the
// two halves of the work use both cores. The import transaction is only
// ever used by one goroutine at a time: sync waits for the writer to go
// idle before the caller touches the transaction again.

// Cases per batch; variables so that tests can make batches small. On
// PostgreSQL each batch is one COPY per table, and each COPY has a fixed
// cost at both ends of the connection: with 2,000 cases a batch, both
// sides waited on each other a fifth of the time (1,000,000 cases,
// 3 pairs: 8,000 took 0.72 of the time; peak memory 177 MB instead of
// 139, with the rows of queued batches given up, below).
var (
	bulkBatchSQLite   = 500
	bulkBatchPostgres = 8000
)

const (
	// sqliteMaxParams is SQLite's limit on host parameters per statement
	// (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
	sqliteMaxParams = 32766
	// bulkChunkRows bounds the rows of one SQLite statement.
	bulkChunkRows = 1000
	// pgIDBlock is how many ids the PostgreSQL allocator draws at once.
	pgIDBlock = 4096
)

// bulkTable is one table the bulk writer fills; tables with an id column
// have it first.
type bulkTable struct {
	name  string
	cols  []string
	index int
	hasID bool
}

var (
	tCases = &bulkTable{name: "cases", cols: append([]string{"id", "ref", "owner_org", "gender", "birth_year", "nationality",
		"residence_status", "identifiers", "key_id", "content_hash", "version", "created_at", "updated_at"}, summaryColumns...)}
	tShares      = &bulkTable{name: "case_shares", cols: []string{"case_id", "org"}}
	tContacts    = &bulkTable{name: "contacts", cols: []string{"id", "case_id", "date", "form", "org", "place"}}
	tAssessments = &bulkTable{name: "assessments", cols: []string{"id", "case_id", "date", "authority", "outcome", "labour_sector",
		"exploitation_country", "override_reason", "labour_setting"}}
	tForms      = &bulkTable{name: "assessment_forms", cols: []string{"assessment_id", "form"}}
	tReflection = &bulkTable{name: "reflection_periods", cols: []string{"id", "case_id", "start_date", "end_date", "kind", "reason", "decided_by"}}
	tStays      = &bulkTable{name: "accommodations", cols: []string{"id", "case_id", "kind", "provider", "start_date", "end_date"}}
	tOffers     = &bulkTable{name: "offers", cols: []string{"id", "case_id", "kind", "offered_on", "accepted"}}
	tExits      = &bulkTable{name: "exits", cols: []string{"id", "case_id", "date", "kind"}}
	tBlind      = &bulkTable{name: "person_index", cols: []string{"case_id", "kind", "hmac", "key_id"}}

	// bulkTables lists parents before children: PostgreSQL checks foreign
	// keys at the end of each statement.
	bulkTables = []*bulkTable{tCases, tShares, tContacts, tAssessments, tForms, tReflection, tStays, tOffers, tExits, tBlind}
)

func init() {
	if len(bulkTables) != len(bulkBatch{}.rows) {
		panic("sqlstore: bulkBatch.rows must have one slot per bulk table")
	}
	for i, t := range bulkTables {
		t.index, t.hasID = i, t.cols[0] == "id"
	}
}

// newCase is a validated, normalised case for the bulk writer.
type newCase struct {
	c      *nrm.Case
	hash   string
	sealed []byte
	keyID  any
}

// bulkBatch is the rows of up to batchSize new cases: per table, the
// values of each row one after the other.
type bulkBatch struct {
	n           int
	first, last int64
	rows        [10][]any
	// copy is, on PostgreSQL, each table's rows in COPY's binary format,
	// encoded on the caller's goroutine (bulk_pg.go); rows is then empty.
	copy [10][]byte
}

// bulkSink executes the rows of a batch.
type bulkSink interface {
	write(ctx context.Context, b *bulkBatch) error
	// flush writes every row still buffered, so that the transaction
	// sees them.
	flush(ctx context.Context) error
	close()
}

// idAllocator hands out ids on the caller's goroutine.
type idAllocator interface {
	next(ctx context.Context, t *bulkTable) (int64, error)
	// release is called before the caller inserts rows with
	// engine-assigned ids: the engine's counters must then be past every
	// id handed out, and the allocator's own counters read again.
	release(ctx context.Context) error
}

// bulkWriter collects new cases and writes them in batches.
type bulkWriter struct {
	tx        *Tx
	sink      bulkSink
	ids       idAllocator
	conv      func(any) any
	batchSize int
	cur       *bulkBatch
	free      chan *bulkBatch

	started bool
	work    chan *bulkBatch // nil is a barrier: flush and acknowledge
	acks    chan error
	wg      sync.WaitGroup
	aborted atomic.Bool
	mu      sync.Mutex
	err     error
	// blind hashes the person search index of new cases (search.go).
	blind *blindHasher
	box   boxer
	// encode, when set, turns a batch's rows into what the sink writes,
	// on the caller's goroutine before the batch is handed over.
	encode func(*bulkBatch) error
	// spare, after encode, holds the emptied rows of the batch handed
	// over, for the next batch to fill: only the batch being filled needs
	// room for rows, and the queued batches (each with rows for 8,000
	// cases) would keep theirs. Used on the caller's goroutine only.
	spare [10][]any
}

// boxer turns the repeated values of new cases — dates, codes, names of
// organisations — into driver values once each, instead of allocating a
// string and its interface for every row: an import writes some fifty
// values a case, and allocating them cost a tenth of its time.
// Used on the caller's goroutine only.
type boxer struct {
	conv  func(any) any
	stamp any // the import's timestamp
	dates map[nrm.Date]any
	texts map[string]any
}

// newBoxer returns the boxer of conv, the sink's conversion, and of the
// import's timestamp now.
func newBoxer(conv func(any) any, now time.Time) boxer {
	return boxer{conv: conv, stamp: conv(now), dates: map[nrm.Date]any{}, texts: map[string]any{}}
}

// boxLimit bounds each of the boxer's maps: free text that does not
// repeat is boxed row by row once a map is full.
const boxLimit = 1 << 14

func (x *boxer) date(d nrm.Date) any { return boxOnce(x.dates, d, x.conv) }

func (x *boxer) text(s string) any { return boxOnce(x.texts, s, x.conv) }

// boxOnce returns the driver value of k from m, converting and keeping it
// on first sight while m has room.
func boxOnce[K comparable](m map[K]any, k K, conv func(any) any) any {
	if v, ok := m[k]; ok {
		return v
	}
	v := conv(k)
	if len(m) < boxLimit {
		m[k] = v
	}
	return v
}

// textOrNull is text, and NULL for the empty string.
func (x *boxer) textOrNull(s string) any {
	if s == "" {
		return nil
	}
	return x.text(s)
}

// newBulkWriter returns the bulk writer of the import transaction tx on
// conn. locked says that tx holds the bulk tables exclusively (a first
// import, import_indexes.go).
func newBulkWriter(ctx context.Context, tx *Tx, conn *sql.Conn, locked bool) (*bulkWriter, error) {
	b := &bulkWriter{tx: tx, free: make(chan *bulkBatch, 4)}
	if tx.db.dialect.name() == "postgres" {
		seqs, err := newSeqAllocator(ctx, tx)
		if err != nil {
			return nil, err
		}
		b.ids = seqs
		if locked {
			// Setting a sequence takes the right to update it, which the
			// tables' owner has.
			var may bool
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(bool_and(has_sequence_privilege(s, 'UPDATE')), false) FROM unnest($1::text[]) s",
				seqs.names()).Scan(&may); err != nil {
				return nil, err
			}
			if may {
				b.ids = &lockedAllocator{seqs: seqs}
			}
		}
		enc, err := newCopyEncoder(ctx, tx)
		if err != nil {
			return nil, err
		}
		b.sink, b.conv, b.encode, b.batchSize = newCopySink(conn), copyArg, enc.encode, bulkBatchPostgres
		b.box = newBoxer(b.conv, tx.now)
		return b, nil
	}
	// Each table's rows go out in chunks of their own size, children
	// possibly before their parents: the import runs with foreign-key
	// enforcement off (importPragmas).
	sink, err := newInsertSink(ctx, tx, conn)
	if err != nil {
		return nil, err
	}
	b.ids, b.sink, b.conv, b.batchSize = &maxAllocator{tx: tx}, sink, sink.arg, bulkBatchSQLite
	b.box = newBoxer(b.conv, tx.now)
	return b, nil
}

func (b *bulkWriter) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *bulkWriter) fail(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
}

// add allocates the ids of a new case, sets them on it and queues its
// rows. The case must not be changed afterwards.
func (b *bulkWriter) add(ctx context.Context, n *newCase) error {
	if err := b.failed(); err != nil {
		return err
	}
	if b.cur == nil {
		select {
		case b.cur = <-b.free:
		default:
			b.cur = &bulkBatch{}
		}
		if b.encode != nil {
			b.cur.rows, b.spare = b.spare, [10][]any{}
		}
	}
	if err := b.rows(ctx, b.cur, n); err != nil {
		return err
	}
	if b.cur.n >= b.batchSize {
		return b.send(ctx)
	}
	return nil
}

// rows appends the rows of one case to the batch.
func (b *bulkWriter) rows(ctx context.Context, bt *bulkBatch, n *newCase) error {
	c := n.c
	now := b.tx.now
	x := &b.box
	var err error
	id := func(t *bulkTable) int64 {
		if err != nil {
			return 0
		}
		var v int64
		v, err = b.ids.next(ctx, t)
		return v
	}
	c.ID, c.Version, c.CreatedAt, c.UpdatedAt = id(tCases), 1, now, now
	for i := range c.Contacts {
		c.Contacts[i].ID = id(tContacts)
	}
	for i := range c.Assessments {
		c.Assessments[i].ID = id(tAssessments)
	}
	for i := range c.ReflectionPeriods {
		c.ReflectionPeriods[i].ID = id(tReflection)
	}
	for i := range c.Accommodations {
		c.Accommodations[i].ID = id(tStays)
	}
	for i := range c.Offers {
		c.Offers[i].ID = id(tOffers)
	}
	for i := range c.Exits {
		c.Exits[i].ID = id(tExits)
	}
	if err != nil {
		return fmt.Errorf("allocate ids: %w", err)
	}
	if bt.n == 0 || c.ID < bt.first {
		bt.first = c.ID
	}
	bt.last = max(bt.last, c.ID)
	bt.n++

	put := func(t *bulkTable, vals ...any) {
		for _, v := range vals {
			bt.rows[t.index] = append(bt.rows[t.index], b.conv(v))
		}
	}
	cid := any(c.ID)
	put(tCases, cid, c.Ref, x.text(c.OwnerOrg), x.text(string(c.Gender)), nullInt(c.BirthYear), x.textOrNull(c.Nationality),
		x.text(string(c.ResidenceStatus)), n.sealed, n.keyID, n.hash, c.Version, x.stamp, x.stamp)
	from := len(bt.rows[tCases.index])
	bt.rows[tCases.index] = appendSummary(bt.rows[tCases.index], c, x.date)
	for i, v := range bt.rows[tCases.index][from:] {
		bt.rows[tCases.index][from+i] = b.conv(v)
	}
	for _, o := range c.SharedWith {
		put(tShares, cid, x.text(o))
	}
	for _, ct := range c.Contacts {
		put(tContacts, ct.ID, cid, x.date(ct.Date), x.text(string(ct.Form)), x.text(ct.Org), x.text(ct.Place))
	}
	for _, a := range c.Assessments {
		aid := any(a.ID)
		put(tAssessments, aid, cid, x.date(a.Date), x.text(string(a.Authority)), x.text(string(a.Outcome)), x.text(string(a.LabourSector)),
			x.text(a.ExploitationCountry), x.text(a.OverrideReason), x.text(string(a.LabourSetting)))
		for _, f := range a.Exploitation {
			put(tForms, aid, x.text(string(f)))
		}
	}
	for _, p := range c.ReflectionPeriods {
		put(tReflection, p.ID, cid, x.date(p.Start), x.date(p.End), x.text(string(p.Kind)), x.text(p.Reason), x.text(p.DecidedBy))
	}
	for _, a := range c.Accommodations {
		put(tStays, a.ID, cid, x.text(string(a.Kind)), x.text(a.Provider), x.date(a.Start), x.date(a.End))
	}
	for _, o := range c.Offers {
		var acc any
		if o.Accepted != nil {
			acc = *o.Accepted
		}
		put(tOffers, o.ID, cid, x.text(string(o.Kind)), x.date(o.Offered), acc)
	}
	for _, e := range c.Exits {
		put(tExits, e.ID, cid, x.date(e.Date), x.text(string(e.Kind)))
	}
	if b.blind == nil {
		b.blind = newBlindHasher(b.tx.db.sealer)
	}
	put(tBlind, b.blind.personIndexRows(c.ID, c.Identifiers)...)
	return nil
}

// send hands the current batch to the writer goroutine.
func (b *bulkWriter) send(ctx context.Context) error {
	if !b.started {
		b.started = true
		b.work, b.acks = make(chan *bulkBatch, 2), make(chan error)
		b.wg.Add(1)
		go b.run(ctx)
	}
	bt := b.cur
	b.cur = nil
	if b.encode != nil {
		if err := b.encode(bt); err != nil {
			return err
		}
		b.spare, bt.rows = bt.rows, [10][]any{}
	}
	select {
	case b.work <- bt:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *bulkWriter) run(ctx context.Context) {
	defer b.wg.Done()
	for bt := range b.work {
		if bt == nil {
			err := b.failed()
			if err == nil && !b.aborted.Load() {
				if err = b.sink.flush(ctx); err != nil {
					b.fail(err)
				}
			}
			b.acks <- err
			continue
		}
		if b.aborted.Load() || b.failed() != nil {
			continue // drain, so that senders never block
		}
		if err := b.write(ctx, bt); err != nil {
			b.fail(err)
		}
	}
}

func (b *bulkWriter) write(ctx context.Context, bt *bulkBatch) error {
	if err := b.sink.write(ctx, bt); err != nil {
		return err
	}
	if err := b.tx.audit(ctx, "case.import", "case", fmt.Sprintf("%d-%d", bt.first, bt.last), fmt.Sprintf("created %d cases", bt.n)); err != nil {
		return err
	}
	// Recycle the batch; its values are garbage now, its slices are not.
	for i := range bt.rows {
		clear(bt.rows[i])
		bt.rows[i] = bt.rows[i][:0]
		bt.copy[i] = bt.copy[i][:0]
	}
	bt.n, bt.first, bt.last = 0, 0, 0
	select {
	case b.free <- bt:
	default:
	}
	return nil
}

// sync writes everything queued and returns when the transaction holds
// it; afterwards the caller may use the transaction directly.
func (b *bulkWriter) sync(ctx context.Context) error {
	if b.cur != nil && b.cur.n > 0 {
		if err := b.send(ctx); err != nil {
			return err
		}
	}
	if !b.started {
		return b.failed()
	}
	select {
	case b.work <- nil:
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-b.acks
	// The caller may now insert rows with engine-assigned ids.
	if rerr := b.ids.release(ctx); err == nil {
		err = rerr
	}
	return err
}

// close writes everything queued and stops the writer goroutine.
func (b *bulkWriter) close(ctx context.Context) error {
	err := b.sync(ctx)
	b.stop()
	return err
}

// abort stops the writer goroutine without writing what is queued; the
// caller rolls the transaction back.
func (b *bulkWriter) abort() {
	b.aborted.Store(true)
	b.stop()
}

func (b *bulkWriter) stop() {
	if b.started {
		close(b.work)
		b.wg.Wait()
		b.started = false
	}
	b.sink.close()
}

// maxAllocator counts up from the largest id of each table. The import
// transaction holds SQLite's write lock from BEGIN IMMEDIATE on, so no
// other writer can take an id meanwhile; the counters are read again
// whenever the caller has inserted rows itself.
type maxAllocator struct {
	tx    *Tx
	ids   [10]int64
	valid bool
}

func (a *maxAllocator) release(context.Context) error {
	a.valid = false
	return nil
}

func (a *maxAllocator) next(ctx context.Context, t *bulkTable) (int64, error) {
	if !a.valid {
		for _, u := range bulkTables {
			if u.hasID {
				if err := a.tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+u.name).Scan(&a.ids[u.index]); err != nil {
					return 0, err
				}
			}
		}
		a.valid = true
	}
	id := a.ids[t.index]
	a.ids[t.index]++
	return id, nil
}

// seqAllocator draws ids from PostgreSQL's identity sequences in blocks,
// on a connection of the pool: sequences are not transactional, and
// concurrent writers drawing from them never collide with the import.
type seqAllocator struct {
	db    *DB
	seqs  [10]string
	block [10][]int64
}

func newSeqAllocator(ctx context.Context, tx *Tx) (*seqAllocator, error) {
	a := &seqAllocator{db: tx.db}
	for _, t := range bulkTables {
		if t.hasID {
			if err := tx.QueryRowContext(ctx, "SELECT pg_get_serial_sequence($1, 'id')", t.name).Scan(&a.seqs[t.index]); err != nil {
				return nil, fmt.Errorf("sequence of %s: %w", t.name, err)
			}
		}
	}
	return a, nil
}

func (a *seqAllocator) release(context.Context) error { return nil }

// names lists the sequences of the tables with ids.
func (a *seqAllocator) names() []string {
	var out []string
	for _, t := range bulkTables {
		if t.hasID {
			out = append(out, a.seqs[t.index])
		}
	}
	return out
}

func (a *seqAllocator) next(ctx context.Context, t *bulkTable) (int64, error) {
	blk := a.block[t.index]
	if len(blk) == 0 {
		rows, err := a.db.db.QueryContext(ctx, "SELECT nextval($1::regclass) FROM generate_series(1, $2::int)", a.seqs[t.index], pgIDBlock)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, err
			}
			blk = append(blk, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	a.block[t.index] = blk[1:]
	return blk[0], nil
}

// lockedAllocator counts ids up from one drawn from each table's
// sequence, while the import transaction holds the tables exclusively (a
// first import locks them against every other session until the commit,
// import_indexes.go): nobody else can insert into them meanwhile, so
// nobody else needs their sequences. Drawing each id from the sequence
// cost PostgreSQL a fifth of a core through a large import.
//
// The first release sets each sequence past the ids handed out (setval
// is not undone by a rollback, which leaves only a gap), so that rows the
// engine numbers continue after them; from then on ids are drawn from the
// sequences (seqAllocator), and a bundle of many cases the bulk writer
// cannot hold costs no round trips per case for it.
type lockedAllocator struct {
	seqs     *seqAllocator
	released bool
	counters [10]int64 // the next id to hand out; 0: none drawn yet
}

func (a *lockedAllocator) next(ctx context.Context, t *bulkTable) (int64, error) {
	if a.released {
		return a.seqs.next(ctx, t)
	}
	i := t.index
	if a.counters[i] == 0 {
		if err := a.seqs.db.db.QueryRowContext(ctx, "SELECT nextval($1::regclass)", a.seqs.seqs[i]).Scan(&a.counters[i]); err != nil {
			return 0, err
		}
	}
	a.counters[i]++
	return a.counters[i] - 1, nil
}

func (a *lockedAllocator) release(ctx context.Context) error {
	if a.released {
		return nil
	}
	a.released = true
	for i, next := range a.counters {
		if next == 0 {
			continue
		}
		// GREATEST with a fresh value: never move a sequence back.
		if _, err := a.seqs.db.db.ExecContext(ctx, "SELECT setval($1::regclass, GREATEST($2::bigint, nextval($1::regclass)))", a.seqs.seqs[i], next-1); err != nil {
			return fmt.Errorf("sequence of %s: %w", bulkTables[i].name, err)
		}
	}
	return nil
}
