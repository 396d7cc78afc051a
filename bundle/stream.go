package bundle

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"nrm"
)

// The streamed import: cases.csv is read once, and the rows of
// accommodations.csv and exits.csv are read beside it, each on a goroutine
// of its own, and joined to their case as its row comes (a merge by the
// order of the files). Nothing is kept but a few batches of rows, so the
// memory of an import does not grow with the bundle. References must come
// in increasing order (bytewise, as export and gen write them): a repeated
// one is then the previous one, and no set of references is needed.
//
// The merge holds only for the files export and gen write: the classic
// files alone, each side row following the order of its case in
// cases.csv. Whatever does not fit — a side row whose case has passed or
// never comes, a row with a problem, a write the store refuses — ends the
// stream with errNotStreamable; the transaction is rolled back and the
// bundle goes the checked way (importChecked), which reads it whole and
// lists every problem. A bundle that is only out of order is imported all
// the same, at the checked way's cost in memory.

// errNotStreamable ends a streamed import that the checked import must
// do instead.
var errNotStreamable = errors.New("bundle: not streamable")

// streamGap is how many cases in a row may pass without a side row while
// that file still has rows: an ordered bundle's cases without stays or
// exits come in short runs, and a longer one means the side file follows
// another order, which is found sooner this way than at its end.
const streamGap = 50000

// streamObserver, when set (by tests), learns which way each import went.
var streamObserver func(streamed bool)

func observeStream(streamed bool) {
	if streamObserver != nil {
		streamObserver(streamed)
	}
}

// streamable reports whether src holds only the classic files, within
// their limits, in a source whose files can be read at the same time.
func streamable(src Source) bool {
	c, ok := src.(interface{ concurrent() bool })
	if !ok || !c.concurrent() {
		return false
	}
	if p, ok := src.(interface {
		precheck() (map[string]RowError, *RowError)
	}); ok {
		if files, whole := p.precheck(); whole != nil || len(files) > 0 {
			return false
		}
	}
	for _, f := range recordFiles {
		t, ok, err := src.Open(f)
		if err != nil {
			return false
		}
		if ok {
			t.Close()
			return false
		}
	}
	return true
}

// sideRow is a row of accommodations.csv or exits.csv.
type sideRow struct {
	ref  string
	acc  nrm.Accommodation
	exit nrm.Exit
}

// sideStream hands over the rows of one side file in file order.
type sideStream struct {
	ch    chan []sideRow
	batch []sideRow
	i     int
	eof   bool
	// bad is set when a row has a problem or the file cannot be read
	// whole; it is read after the file's end.
	bad atomic.Bool
}

const sideBatch = 512

// startSide reads table name on a goroutine of its own, parsing each row
// with parse, until the end or until quit is closed.
func startSide(ts *tables, name string, quit <-chan struct{}, wg *sync.WaitGroup, parse func(p *parser, in *interner) (string, sideRow)) *sideStream {
	s := &sideStream{ch: make(chan []sideRow, 8)}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(s.ch)
		var errs Errors
		in := newInterner()
		batch := make([]sideRow, 0, sideBatch)
		stopped := false
		ok := ts.read(name, &errs, false, func(r *record) {
			if stopped || s.bad.Load() {
				return
			}
			if r.broken {
				s.bad.Store(true)
				return
			}
			p := &parser{errs: &errs, r: r}
			ref, row := parse(p, in)
			if p.bad {
				s.bad.Store(true)
				return
			}
			row.ref = ref
			if batch = append(batch, row); len(batch) == sideBatch {
				select {
				case s.ch <- batch:
				case <-quit:
					stopped = true
				}
				batch = make([]sideRow, 0, sideBatch)
			}
		})
		if !ok || errs.any() {
			s.bad.Store(true)
		}
		if len(batch) > 0 && !stopped {
			select {
			case s.ch <- batch:
			case <-quit:
			}
		}
	}()
	return s
}

// head returns the next row without taking it; nil at the end.
func (s *sideStream) head() *sideRow {
	for !s.eof && s.i == len(s.batch) {
		b, ok := <-s.ch
		if !ok {
			s.eof = true
			break
		}
		s.batch, s.i = b, 0
	}
	if s.eof {
		return nil
	}
	return &s.batch[s.i]
}

func (s *sideStream) next() { s.i++ }

// interner keeps one copy of repeated cells (codes, providers), up to a
// bound: beyond it, a cell is free text after all.
type interner struct{ m map[string]string }

func newInterner() *interner { return &interner{m: map[string]string{}} }

func (in *interner) str(s string) string {
	if v, ok := in.m[s]; ok {
		return v
	}
	if len(in.m) >= 1<<12 {
		return s
	}
	in.m[s] = s
	return s
}

// importStream imports src by the merge described above.
func importStream(ctx context.Context, src Source, imp nrm.Importer, opt Options) (nrm.ImportResult, error) {
	res, err := imp.Import(ctx, func(w nrm.ImportWriter) error {
		errs := &Errors{}
		ts := &tables{src: src, skip: map[string]bool{}}
		pros := readProsecutions(ts, opt, errs)
		if errs.any() {
			return errNotStreamable
		}
		quit := make(chan struct{})
		var quitOnce sync.Once
		stop := func() { quitOnce.Do(func() { close(quit) }) }
		var wg sync.WaitGroup
		defer wg.Wait()
		defer stop()
		accs := startSide(ts, FileAccommodations, quit, &wg, func(p *parser, in *interner) (string, sideRow) {
			ref, a := parseAccommodation(p, opt)
			a.Kind, a.Provider = nrm.AccommodationKind(in.str(string(a.Kind))), in.str(a.Provider)
			return ref, sideRow{acc: a}
		})
		exits := startSide(ts, FileExits, quit, &wg, func(p *parser, in *interner) (string, sideRow) {
			ref, e := parseExit(p, opt)
			e.Kind = nrm.ExitKind(in.str(string(e.Kind)))
			return ref, sideRow{exit: e}
		})

		cases := make(chan []item, 4)
		var misfit atomic.Bool // the bundle does not stream: go the checked way
		go func() {
			defer close(cases)
			var batch []item
			m := &merge{accs: accs, exits: exits}
			ok := ts.read(FileCases, errs, true, func(r *record) {
				if misfit.Load() {
					return
				}
				c, fits := m.join(r, errs, opt)
				if !fits {
					misfit.Store(true)
					return
				}
				if batch == nil {
					batch = make([]item, 0, handOver)
				}
				if batch = append(batch, item{file: r.file, line: r.line, c: c}); len(batch) == handOver {
					select {
					case cases <- batch:
					case <-quit:
						misfit.Store(true)
					}
					batch = nil
				}
			})
			// Every side row must have found its case.
			if !ok || accs.head() != nil || exits.head() != nil || accs.bad.Load() || exits.bad.Load() {
				misfit.Store(true)
			}
			if !misfit.Load() && len(batch) > 0 {
				select {
				case cases <- batch:
				case <-quit:
				}
			}
		}()
		done, werr := putCases(ctx, w, cases, stop, opt)
		stop()
		if err := ctx.Err(); err != nil {
			return err
		}
		if werr != nil || misfit.Load() {
			return errNotStreamable
		}
		return finish(ctx, w, done, pros, opt)
	})
	if errors.Is(err, errNotStreamable) {
		return nrm.ImportResult{}, errNotStreamable
	}
	return res, err
}

// merge joins each cases.csv row to the side rows that follow it.
type merge struct {
	accs, exits *sideStream
	prev        string // the reference of the row before
	// gaps counts, per side file, the cases since one had a row there.
	gapAcc, gapExit int
}

// take hands the rows at the head of s that belong to ref to add, and
// returns the gap counted on from gap; ok is false when the gap has grown
// past streamGap while s still has rows.
func take(s *sideStream, ref string, gap int, add func(*sideRow)) (next int, ok bool) {
	gap++
	for h := s.head(); h != nil && h.ref == ref; h = s.head() {
		add(h)
		s.next()
		gap = 0
	}
	return gap, gap <= streamGap || s.head() == nil
}

// join parses a cases.csv row and joins the side rows that follow it in
// their files; fits is false when the row has a problem or the side
// files do not follow cases.csv.
func (m *merge) join(r *record, errs *Errors, opt Options) (c *nrm.Case, fits bool) {
	if r.broken {
		return nil, false
	}
	p := &parser{errs: errs, r: r}
	c = parseCase(p, opt)
	if p.bad || c.Ref <= m.prev {
		return nil, false
	}
	m.prev = c.Ref
	var accOK, exitOK bool
	m.gapAcc, accOK = take(m.accs, c.Ref, m.gapAcc, func(h *sideRow) { c.Accommodations = append(c.Accommodations, h.acc) })
	m.gapExit, exitOK = take(m.exits, c.Ref, m.gapExit, func(h *sideRow) { c.Exits = append(c.Exits, h.exit) })
	if !accOK || !exitOK {
		return nil, false
	}
	if c.Validate(opt.Today) != nil {
		return nil, false
	}
	if first, ok := c.FirstContact(); ok {
		for _, e := range c.Exits {
			if e.Date.Before(first.Date) {
				return nil, false
			}
		}
	}
	return c, true
}
