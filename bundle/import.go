package bundle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nrm"
)

// Options configures an import.
type Options struct {
	// KnownOrgs and KnownCountries, when set, restrict organisation and
	// nationality codes to registered ones.
	KnownOrgs      map[string]bool
	KnownCountries map[string]bool
	// Today bounds dates from above; zero means the current date.
	Today nrm.Date
	// Prosecutions are the police's rows already held, by year: a bundle
	// row that would change one is refused unless ReplaceProsecutions
	// (the police report those figures; a generated or older bundle must
	// not overwrite them silently).
	Prosecutions        map[int]nrm.Prosecution
	ReplaceProsecutions bool
	// Progress, if set, is called as cases are written. total is -1 while
	// the number of cases is not known yet (the import reads the bundle
	// once); the last call has done == total.
	Progress func(done, total int)
}

// The side tables (accommodations, exits) are read before cases.csv and
// kept in memory until their case comes: compactly, since a bundle may
// hold a million cases. Every reference gets a small number; rows of one
// reference are chained in file order.

type accRow struct {
	line, next int32
	a          nrm.Accommodation
}

type exitRow struct {
	line, next int32
	e          nrm.Exit
}

// refInfo is what the check knows about one case reference.
type refInfo struct {
	caseLine            int32 // line in cases.csv; 0 until seen
	firstAcc, lastAcc   int32 // 1-based indexes into checked.accs; 0 none
	firstExit, lastExit int32
}

type checked struct {
	refs   map[string]int32 // reference → index into info
	info   []refInfo
	accs   []accRow
	exits  []exitRow
	pros   []*nrm.Prosecution
	ncases int
	intern map[string]string
	// extras holds the optional files' rows; nil when the bundle has none.
	extras *extras
}

// extra returns the optional files' rows of a reference, nil if none.
func (ck *checked) extra(ref string) *extra {
	if ck.extras == nil {
		return nil
	}
	return ck.extras.byRef[ref]
}

// attach appends the accommodations and exits of c's reference to c.
func (ck *checked) attach(c *nrm.Case) {
	in := ck.info[ck.refs[c.Ref]]
	for i := in.firstAcc; i != 0; i = ck.accs[i-1].next {
		c.Accommodations = append(c.Accommodations, ck.accs[i-1].a)
	}
	for i := in.firstExit; i != 0; i = ck.exits[i-1].next {
		c.Exits = append(c.Exits, ck.exits[i-1].e)
	}
}

// ref returns the number of a reference, giving it one on first sight.
func (ck *checked) ref(r string) int32 {
	if i, ok := ck.refs[r]; ok {
		return i
	}
	i := int32(len(ck.info))
	ck.refs[strings.Clone(r)] = i // the cell shares memory with its whole line
	ck.info = append(ck.info, refInfo{})
	return i
}

// str returns one shared copy of a repeated cell (codes, providers).
func (ck *checked) str(s string) string {
	if v, ok := ck.intern[s]; ok {
		return v
	}
	if len(ck.intern) >= 1<<16 { // free text after all: stop interning
		return strings.Clone(s)
	}
	v := strings.Clone(s)
	ck.intern[v] = v
	return v
}

func (ck *checked) addAcc(ref string, line int, a nrm.Accommodation) {
	in := &ck.info[ck.ref(ref)]
	ck.accs = append(ck.accs, accRow{line: int32(line), a: a})
	n := int32(len(ck.accs))
	if in.lastAcc == 0 {
		in.firstAcc = n
	} else {
		ck.accs[in.lastAcc-1].next = n
	}
	in.lastAcc = n
}

func (ck *checked) addExit(ref string, line int, e nrm.Exit) {
	in := &ck.info[ck.ref(ref)]
	ck.exits = append(ck.exits, exitRow{line: int32(line), e: e})
	n := int32(len(ck.exits))
	if in.lastExit == 0 {
		in.firstExit = n
	} else {
		ck.exits[in.lastExit-1].next = n
	}
	in.lastExit = n
}

// Check reads the whole bundle and returns every problem as *Errors
// without writing anything.
func Check(src Source, opt Options) error {
	_, err := check(src, opt, nil)
	return err
}

// Import checks the bundle and writes it through imp in one transaction
// that commits only if the bundle is clean. Re-importing the same bundle
// changes nothing; a changed row updates its case.
//
// A bundle of the classic files whose accommodations and exits list their
// rows in the order of cases.csv — as export and gen write them — is
// streamed (stream.go): memory stays the same whatever its size. Any
// other bundle, and any bundle with a problem, is checked whole first
// (importChecked), which lists every problem.
func Import(ctx context.Context, src Source, imp nrm.Importer, opt Options) (nrm.ImportResult, error) {
	if opt.Today.IsZero() {
		opt.Today = nrm.DateOf(time.Now())
	}
	if streamable(src) {
		res, err := importStream(ctx, src, imp, opt)
		if !errors.Is(err, errNotStreamable) {
			observeStream(true)
			return res, err
		}
	}
	observeStream(false)
	return importChecked(ctx, src, imp, opt)
}

// item is a checked case on its way to the writer.
type item struct {
	file  string
	line  int
	c     *nrm.Case
	parts nrm.BundleParts
	whole bool // assembled from the optional files too
}

// handOver is how many cases go to the writer at a time.
const handOver = 64

// putCases writes the cases handed over until the channel closes. After a
// failed write it calls stop, so that the reader ends, and drains the
// channel.
func putCases(ctx context.Context, w nrm.ImportWriter, cases <-chan []item, stop func(), opt Options) (done int, err error) {
	for batch := range cases {
		for _, it := range batch {
			if err != nil {
				break // drain, so that the reader finishes
			}
			if it.whole {
				err = w.PutRecord(ctx, it.c, it.parts)
			} else {
				err = w.PutCase(ctx, it.c)
			}
			if err != nil {
				err = fmt.Errorf("%s line %d: %w", it.file, it.line, err)
				stop()
				break
			}
			done++
			if opt.Progress != nil && done%1000 == 0 {
				opt.Progress(done, -1)
			}
		}
	}
	return done, err
}

// importChecked reads the whole bundle once: each case row is checked
// and, as long as no problem has been found anywhere, written; the first
// problem stops the writing, the check goes on to list every problem,
// and the transaction is rolled back.
//
// Reading and checking run on a goroutine of their own, handing clean
// cases over in small batches, so that a large bundle is checked while the
// previous rows are being stored.
func importChecked(ctx context.Context, src Source, imp nrm.Importer, opt Options) (nrm.ImportResult, error) {
	return imp.Import(ctx, func(w nrm.ImportWriter) error {
		cases := make(chan []item, 4)
		var stop atomic.Bool
		var ck *checked
		var cerr error
		go func() {
			defer close(cases)
			var batch []item
			ck, cerr = check(src, opt, func(r *record, c *nrm.Case, ck *checked) error {
				if stop.Load() {
					return errStopped
				}
				it := item{file: r.file, line: r.line, c: c}
				if x := ck.extra(c.Ref); x != nil {
					it.parts, it.whole = x.parts, true // assembled, stays and exits included
				} else {
					ck.attach(c)
				}
				if batch == nil {
					batch = make([]item, 0, handOver)
				}
				if batch = append(batch, it); len(batch) == handOver {
					cases <- batch
					batch = nil
				}
				return nil
			})
			if cerr == nil && len(batch) > 0 {
				cases <- batch
			}
		}()
		done, werr := putCases(ctx, w, cases, func() { stop.Store(true) }, opt)
		if werr != nil {
			return werr
		}
		if cerr != nil {
			return cerr
		}
		return finish(ctx, w, done, ck.pros, opt)
	})
}

// finish reports the last progress and writes the prosecution rows.
func finish(ctx context.Context, w nrm.ImportWriter, done int, pros []*nrm.Prosecution, opt Options) error {
	if opt.Progress != nil {
		opt.Progress(done, done)
	}
	for _, p := range pros {
		if err := w.PutProsecution(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// errStopped ends the check when writing has failed.
var errStopped = errors.New("bundle: import stopped")

// check reads and checks every table. If write is set, it is called for
// every case row while no problem has been found; an error from it stops
// the check and is returned as it is.
func check(src Source, opt Options, write func(r *record, c *nrm.Case, ck *checked) error) (*checked, error) {
	if opt.Today.IsZero() {
		opt.Today = nrm.DateOf(time.Now())
	}
	errs := &Errors{}
	ck := &checked{refs: map[string]int32{}, intern: map[string]string{}}
	accLabel, exitLabel := src.Label(FileAccommodations), src.Label(FileExits)

	// Sizes first: a bundle too large as a whole is not read at all, a
	// file too large (or packed like a zip bomb) is reported and skipped.
	ts := &tables{src: src, skip: map[string]bool{}}
	if p, ok := src.(interface {
		precheck() (map[string]RowError, *RowError)
	}); ok {
		files, whole := p.precheck()
		if whole != nil {
			errs.add(*whole)
			return nil, errs
		}
		for name, e := range files {
			errs.add(e)
			ts.skip[name] = true
		}
	}

	// The two side tables are parsed at the same time, each into a list
	// and errors of its own (a second core: about a second per million
	// cases), then linked to their references in file order.
	type accIn struct {
		ref  string
		line int
		a    nrm.Accommodation
	}
	type exitIn struct {
		ref  string
		line int
		e    nrm.Exit
	}
	var (
		accs              chunks[accIn]
		exits             chunks[exitIn]
		accErrs, exitErrs Errors
		accOK, exitOK     bool
		wg                sync.WaitGroup
	)
	readAccs := func() {
		accOK = ts.read(FileAccommodations, &accErrs, false, func(r *record) {
			if r.broken {
				return
			}
			p := &parser{errs: &accErrs, r: r}
			ref, a := parseAccommodation(p, opt)
			if !p.bad {
				accs.add(accIn{ref: strings.Clone(ref), line: r.line, a: a})
			}
		})
	}
	if c, ok := src.(interface{ concurrent() bool }); ok && c.concurrent() {
		wg.Add(1)
		go func() { defer wg.Done(); readAccs() }()
	} else {
		readAccs()
	}
	exitOK = ts.read(FileExits, &exitErrs, false, func(r *record) {
		if r.broken {
			return
		}
		p := &parser{errs: &exitErrs, r: r}
		ref, e := parseExit(p, opt)
		if !p.bad {
			exits.add(exitIn{ref: strings.Clone(ref), line: r.line, e: e})
		}
	})
	wg.Wait()
	// A file that could not be read whole adds nothing to the cases: the
	// rows read before its fault would only give misleading errors.
	if !accOK {
		accs = chunks[accIn]{}
	}
	if !exitOK {
		exits = chunks[exitIn]{}
	}
	for _, list := range []*Errors{&accErrs, &exitErrs} {
		for _, e := range list.List {
			errs.add(e)
		}
		if list.Truncated {
			errs.Truncated = true
		}
	}
	ck.accs = make([]accRow, 0, accs.n)
	accs.each(func(r *accIn) {
		r.a.Kind, r.a.Provider = nrm.AccommodationKind(ck.str(string(r.a.Kind))), ck.str(r.a.Provider)
		ck.addAcc(r.ref, r.line, r.a)
	})
	accs = chunks[accIn]{}
	ck.exits = make([]exitRow, 0, exits.n)
	exits.each(func(r *exitIn) {
		r.e.Kind = nrm.ExitKind(ck.str(string(r.e.Kind)))
		ck.addExit(r.ref, r.line, r.e)
	})
	exits = chunks[exitIn]{}
	ck.pros = readProsecutions(ts, opt, errs)

	xs := readExtras(ts, opt, errs)
	ck.extras = xs
	as := &assembler{errs: errs, xs: xs, opt: opt}

	var werr error
	casesOK := ts.read(FileCases, errs, true, func(r *record) {
		if werr != nil {
			return
		}
		if r.broken {
			// Reported already; its reference still exists for the
			// rows of other files.
			if ref := r.get("case_ref"); ref != "" {
				if in := &ck.info[ck.ref(ref)]; in.caseLine == 0 {
					in.caseLine = int32(r.line)
				}
			}
			return
		}
		p := &parser{errs: errs, r: r}
		c := parseCase(p, opt)
		var in *refInfo
		if c.Ref != "" {
			in = &ck.info[ck.ref(c.Ref)]
			if in.caseLine != 0 {
				p.fail("case_ref", nrm.RuleDuplicate, c.Ref, fmt.Sprintf("a unique case_ref (also on line %d)", in.caseLine))
				return
			}
			in.caseLine = int32(r.line)
		}
		ck.ncases++
		if p.bad {
			return
		}
		before := len(errs.List)
		// With an optional file not read whole, a case's record is
		// incomplete: the rules across its parts wait until the file can
		// be read, so that what is missing is not reported as wrong.
		incomplete := xs != nil && len(xs.broken) > 0
		x := ck.extra(c.Ref)
		if x != nil {
			ck.attach(c)
			if !incomplete {
				as.assemble(r, c, x)
			}
		}
		if err := c.Validate(opt.Today); err != nil && !incomplete && len(errs.List) == before {
			for _, f := range nrm.FieldErrors(err) {
				col := f.Field
				if col == "contact_date" {
					col = "first_contact_date"
				}
				if x != nil && (col == "exit_date" || col == "exit_kind") {
					continue // exits.csv's rows have their own errors
				}
				p.fail(col, f.Rule, f.Value, f.Expected)
			}
		}
		// Cross-file rules: nothing ends before the person was first met.
		if first, ok := c.FirstContact(); ok && in != nil {
			for i := in.firstExit; i != 0; i = ck.exits[i-1].next {
				e := &ck.exits[i-1]
				if e.e.Date.Before(first.Date) {
					errs.add(RowError{File: exitLabel, Line: int(e.line), FieldError: nrm.FieldError{Field: "date", Rule: nrm.RuleDateOrder,
						Value: e.e.Date.String(), Expected: "on or after the first contact " + first.Date.String() + " (" + r.file + " line " + fmt.Sprint(r.line) + ")"}})
				}
			}
		}
		if write != nil && !errs.any() {
			werr = write(r, c, ck)
		}
	})
	if werr != nil {
		return nil, werr
	}
	// References to cases are checked only against a cases.csv read
	// whole: rows pointing into a file that is not are not reported.
	if casesOK && xs != nil {
		xs.unknownRefs(ck, errs)
	}
	for ref, i := range ck.refs {
		in := ck.info[i]
		if !casesOK || in.caseLine != 0 {
			continue
		}
		for j := in.firstAcc; j != 0; j = ck.accs[j-1].next {
			errs.add(RowError{File: accLabel, Line: int(ck.accs[j-1].line), FieldError: nrm.FieldError{Field: "case_ref", Rule: nrm.RuleUnknownReference, Value: ref, Expected: "a case_ref of cases.csv"}})
		}
		for j := in.firstExit; j != 0; j = ck.exits[j-1].next {
			errs.add(RowError{File: exitLabel, Line: int(ck.exits[j-1].line), FieldError: nrm.FieldError{Field: "case_ref", Rule: nrm.RuleUnknownReference, Value: ref, Expected: "a case_ref of cases.csv"}})
		}
	}
	if errs.any() {
		sortErrors(errs.List)
		return nil, errs
	}
	return ck, nil
}

// readProsecutions reads prosecutions.csv: one row per year, and a year
// held already not replaced unless asked.
func readProsecutions(ts *tables, opt Options, errs *Errors) []*nrm.Prosecution {
	var pros []*nrm.Prosecution
	years := map[int]int{}
	ts.read(FileProsecutions, errs, false, func(r *record) {
		if r.broken {
			return
		}
		p := &parser{errs: errs, r: r}
		pr := &nrm.Prosecution{Year: p.int("year", true, 1990, 2200), Cutoff: p.date("cutoff_date", false),
			Charges: p.int("charges", true, 0, 1e9), Decisions: p.int("decisions", true, 0, 1e9),
			ConvictionsUnconditional:   p.int("convictions_unconditional", true, 0, 1e9),
			ConvictionsPartlySuspended: p.int("convictions_partly_suspended", true, 0, 1e9)}
		if p.bad {
			return
		}
		if prev, dup := years[pr.Year]; dup {
			p.fail("year", nrm.RuleDuplicate, fmt.Sprint(pr.Year), fmt.Sprintf("one row per year (also on line %d)", prev))
			return
		}
		years[pr.Year] = r.line
		if err := pr.Validate(); err != nil {
			for _, f := range nrm.FieldErrors(err) {
				p.fail(f.Field, f.Rule, f.Value, f.Expected)
			}
			return
		}
		if old, ok := opt.Prosecutions[pr.Year]; ok && !opt.ReplaceProsecutions && prosecutionChanged(old, *pr) {
			errs.add(RowError{File: r.file, Line: r.line, FieldError: nrm.FieldError{Field: "year", Value: fmt.Sprint(pr.Year)},
				Detail: fmt.Sprintf("would replace the police's figures for %d held already (charges %d → %d, decisions %d → %d, convictions %d → %d); import with --replace-prosecutions to replace them",
					pr.Year, old.Charges, pr.Charges, old.Decisions, pr.Decisions, old.ConvictionsUnconditional+old.ConvictionsPartlySuspended, pr.ConvictionsUnconditional+pr.ConvictionsPartlySuspended),
				DetailDA: fmt.Sprintf("ville erstatte politiets tal for %d, som allerede findes (sigtelser %d → %d, afgørelser %d → %d, domme %d → %d); importér med --replace-prosecutions for at erstatte dem",
					pr.Year, old.Charges, pr.Charges, old.Decisions, pr.Decisions, old.ConvictionsUnconditional+old.ConvictionsPartlySuspended, pr.ConvictionsUnconditional+pr.ConvictionsPartlySuspended)})
			return
		}
		pros = append(pros, pr)
	})

	return pros
}

// parseAccommodation reads an accommodations.csv row, recording cell errors.
func parseAccommodation(p *parser, opt Options) (ref string, a nrm.Accommodation) {
	ref = p.ref("case_ref")
	a = nrm.Accommodation{Kind: nrm.AccommodationKind(p.code("kind", "accommodation_kind", true)), Provider: p.text("provider", 200),
		Start: p.date("start_date", true), End: p.date("end_date", false)}
	if !a.End.IsZero() && !a.Start.IsZero() && a.End.Before(a.Start) {
		p.fail("end_date", nrm.RuleDateOrder, a.End.String(), "on or after start_date "+a.Start.String())
	}
	if a.Start.After(opt.Today) {
		p.fail("start_date", nrm.RuleRange, a.Start.String(), "a date not in the future")
	}
	return ref, a
}

// parseExit reads an exits.csv row, recording cell errors.
func parseExit(p *parser, opt Options) (ref string, e nrm.Exit) {
	ref = p.ref("case_ref")
	e = nrm.Exit{Date: p.date("date", true), Kind: nrm.ExitKind(p.code("kind", "exit_kind", true))}
	if e.Date.After(opt.Today) {
		p.fail("date", nrm.RuleRange, e.Date.String(), "a date not in the future")
	}
	return ref, e
}

// parseCase builds a case from a cases.csv row, recording cell errors.
func parseCase(p *parser, opt Options) *nrm.Case {
	c := &nrm.Case{
		Ref:             p.ref("case_ref"),
		OwnerOrg:        p.org("owner_org", true, opt.KnownOrgs),
		Gender:          nrm.Gender(p.code("gender", "gender", false)),
		BirthYear:       p.int("birth_year", false, 1880, opt.Today.Year()),
		Nationality:     p.country("nationality", opt.KnownCountries),
		ResidenceStatus: nrm.ResidenceStatus(p.code("residence_status", "residence_status", false)),
	}
	c.Identifiers.BirthDate = p.date("birth_date", false)
	if c.Gender == "" {
		c.Gender = nrm.GenderUnknown
	}
	if c.ResidenceStatus == "" {
		c.ResidenceStatus = nrm.ResidenceUnknown
	}
	if c.BirthYear == 0 && !c.Identifiers.BirthDate.IsZero() {
		c.BirthYear = c.Identifiers.BirthDate.Year()
	}
	cdate, cform, corg := p.r.get("first_contact_date"), p.r.get("contact_form"), p.r.get("contact_org")
	if cdate != "" || cform != "" || corg != "" {
		c.Contacts = []nrm.Contact{{Date: p.date("first_contact_date", true), Form: nrm.ContactForm(p.code("contact_form", "contact_form", true)),
			Org: p.org("contact_org", false, opt.KnownOrgs)}}
	}
	adate, aauth, aout := p.r.get("assessment_date"), p.r.get("assessment_authority"), p.r.get("assessment_outcome")
	ex, sector, country := p.r.get("exploitation"), p.r.get("labour_sector"), p.r.get("exploitation_country")
	if adate != "" || aauth != "" || aout != "" {
		a := nrm.Assessment{Date: p.date("assessment_date", true), Authority: nrm.Authority(p.code("assessment_authority", "authority", true)),
			Outcome:      nrm.Outcome(p.code("assessment_outcome", "assessment_outcome", true)),
			LabourSector: nrm.LabourSector(p.code("labour_sector", "labour_sector", false)), ExploitationCountry: p.country("exploitation_country", nil),
			LabourSetting: nrm.LabourSetting(p.code("labour_setting", "labour_setting", false))}
		for _, f := range strings.Split(ex, ";") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if !nrm.ValidCode("exploitation", f) {
				p.fail("exploitation", nrm.RuleOneOf, f, "codes separated by ';' from: "+nrm.ExpectedCodes("exploitation"))
				continue
			}
			a.Exploitation = append(a.Exploitation, nrm.ExploitationForm(f))
		}
		c.Assessments = []nrm.Assessment{a}
	} else if ex != "" || sector != "" || country != "" || p.r.get("labour_setting") != "" {
		p.fail("assessment_date", nrm.RuleRequired, "", "an assessment (date, authority, outcome) when exploitation is given")
	}
	return c
}

// chunks is an append-only list in blocks of fixed size: growing it never
// copies what it holds (a million rows of a side table did, twice over).
type chunks[T any] struct {
	blocks [][]T
	n      int
}

const chunkSize = 8192

func (c *chunks[T]) add(v T) {
	if c.n%chunkSize == 0 {
		c.blocks = append(c.blocks, make([]T, 0, chunkSize))
	}
	b := &c.blocks[len(c.blocks)-1]
	*b = append(*b, v)
	c.n++
}

func (c *chunks[T]) each(fn func(*T)) {
	for _, b := range c.blocks {
		for i := range b {
			fn(&b[i])
		}
	}
}

// prosecutionChanged reports whether a bundle's row for a year differs
// from the one held (the note is not compared: an empty one means the
// default).
func prosecutionChanged(old, new nrm.Prosecution) bool {
	return old.Cutoff != new.Cutoff || old.Charges != new.Charges || old.Decisions != new.Decisions ||
		old.ConvictionsUnconditional != new.ConvictionsUnconditional || old.ConvictionsPartlySuspended != new.ConvictionsPartlySuspended
}
