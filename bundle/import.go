package bundle

import (
	"context"
	"fmt"
	"strings"
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
	// Progress, if set, is called as cases are written.
	Progress func(done, total int)
}

type accRow struct {
	line int
	a    nrm.Accommodation
}

type exitRow struct {
	line int
	e    nrm.Exit
}

type checked struct {
	accs   map[string][]accRow
	exits  map[string][]exitRow
	pros   []*nrm.Prosecution
	ncases int
}

// Check reads the whole bundle and returns every problem as *Errors
// without writing anything.
func Check(src Source, opt Options) error {
	_, err := check(src, opt)
	return err
}

// Import checks the bundle and, only if it is clean, writes it through imp
// in one transaction. Re-importing the same bundle changes nothing; a
// changed row updates its case.
func Import(ctx context.Context, src Source, imp nrm.Importer, opt Options) (nrm.ImportResult, error) {
	if opt.Today.IsZero() {
		opt.Today = nrm.DateOf(time.Now())
	}
	ck, err := check(src, opt)
	if err != nil {
		return nrm.ImportResult{}, err
	}
	return imp.Import(ctx, func(w nrm.ImportWriter) error {
		errs := &Errors{}
		done := 0
		var werr error
		err := readTable(src, FileCases, errs, true, func(r *record) {
			if werr != nil {
				return
			}
			p := &parser{errs: errs, r: r}
			c := parseCase(p, opt)
			for _, a := range ck.accs[c.Ref] {
				c.Accommodations = append(c.Accommodations, a.a)
			}
			for _, e := range ck.exits[c.Ref] {
				c.Exits = append(c.Exits, e.e)
			}
			if err := w.PutCase(ctx, c); err != nil {
				werr = fmt.Errorf("%s line %d: %w", r.file, r.line, err)
				return
			}
			done++
			if opt.Progress != nil && (done%1000 == 0 || done == ck.ncases) {
				opt.Progress(done, ck.ncases)
			}
		})
		if err != nil {
			return err
		}
		if werr != nil {
			return werr
		}
		if errs.any() { // the file changed between the passes
			return errs
		}
		for _, p := range ck.pros {
			if err := w.PutProsecution(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func check(src Source, opt Options) (*checked, error) {
	if opt.Today.IsZero() {
		opt.Today = nrm.DateOf(time.Now())
	}
	errs := &Errors{}
	ck := &checked{accs: map[string][]accRow{}, exits: map[string][]exitRow{}}
	accLabel, exitLabel := src.Label(FileAccommodations), src.Label(FileExits)

	if err := readTable(src, FileAccommodations, errs, false, func(r *record) {
		p := &parser{errs: errs, r: r}
		ref := p.ref("case_ref")
		a := nrm.Accommodation{Kind: nrm.AccommodationKind(p.code("kind", "accommodation_kind", true)), Provider: p.text("provider", 200),
			Start: p.date("start_date", true), End: p.date("end_date", false)}
		if !a.End.IsZero() && !a.Start.IsZero() && a.End.Before(a.Start) {
			p.fail("end_date", nrm.RuleDateOrder, a.End.String(), "on or after start_date "+a.Start.String())
		}
		if a.Start.After(opt.Today) {
			p.fail("start_date", nrm.RuleRange, a.Start.String(), "a date not in the future")
		}
		if !p.bad {
			ck.accs[ref] = append(ck.accs[ref], accRow{r.line, a})
		}
	}); err != nil {
		return nil, err
	}
	if err := readTable(src, FileExits, errs, false, func(r *record) {
		p := &parser{errs: errs, r: r}
		ref := p.ref("case_ref")
		e := nrm.Exit{Date: p.date("date", true), Kind: nrm.ExitKind(p.code("kind", "exit_kind", true))}
		if e.Date.After(opt.Today) {
			p.fail("date", nrm.RuleRange, e.Date.String(), "a date not in the future")
		}
		if !p.bad {
			ck.exits[ref] = append(ck.exits[ref], exitRow{r.line, e})
		}
	}); err != nil {
		return nil, err
	}
	years := map[int]int{}
	if err := readTable(src, FileProsecutions, errs, false, func(r *record) {
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
		ck.pros = append(ck.pros, pr)
	}); err != nil {
		return nil, err
	}

	refs := map[string]int{}
	if err := readTable(src, FileCases, errs, true, func(r *record) {
		p := &parser{errs: errs, r: r}
		c := parseCase(p, opt)
		if c.Ref != "" {
			if prev, dup := refs[c.Ref]; dup {
				p.fail("case_ref", nrm.RuleDuplicate, c.Ref, fmt.Sprintf("a unique case_ref (also on line %d)", prev))
				return
			}
			refs[c.Ref] = r.line
		}
		ck.ncases++
		if p.bad {
			return
		}
		if err := c.Validate(opt.Today); err != nil {
			for _, f := range nrm.FieldErrors(err) {
				col := f.Field
				if col == "contact_date" {
					col = "first_contact_date"
				}
				p.fail(col, f.Rule, f.Value, f.Expected)
			}
		}
		// Cross-file rules: nothing ends before the person was first met.
		if first, ok := c.FirstContact(); ok {
			for _, e := range ck.exits[c.Ref] {
				if e.e.Date.Before(first.Date) {
					errs.add(RowError{File: exitLabel, Line: e.line, FieldError: nrm.FieldError{Field: "date", Rule: nrm.RuleDateOrder,
						Value: e.e.Date.String(), Expected: "on or after the first contact " + first.Date.String() + " (" + r.file + " line " + fmt.Sprint(r.line) + ")"}})
				}
			}
		}
	}); err != nil {
		return nil, err
	}
	for ref, rows := range ck.accs {
		if _, ok := refs[ref]; !ok {
			for _, a := range rows {
				errs.add(RowError{File: accLabel, Line: a.line, FieldError: nrm.FieldError{Field: "case_ref", Rule: nrm.RuleUnknownReference, Value: ref, Expected: "a case_ref of cases.csv"}})
			}
		}
	}
	for ref, rows := range ck.exits {
		if _, ok := refs[ref]; !ok {
			for _, e := range rows {
				errs.add(RowError{File: exitLabel, Line: e.line, FieldError: nrm.FieldError{Field: "case_ref", Rule: nrm.RuleUnknownReference, Value: ref, Expected: "a case_ref of cases.csv"}})
			}
		}
	}
	if errs.any() {
		sortErrors(errs.List)
		return nil, errs
	}
	return ck, nil
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
			LabourSector: nrm.LabourSector(p.code("labour_sector", "labour_sector", false)), ExploitationCountry: p.country("exploitation_country", nil)}
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
	} else if ex != "" || sector != "" || country != "" {
		p.fail("assessment_date", nrm.RuleRequired, "", "an assessment (date, authority, outcome) when exploitation is given")
	}
	return c
}
