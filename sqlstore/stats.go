package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"nrm"
)

// Statistics computes the statistics contract (design.md §4) for a year
// and cut-off. Every number is a SQL aggregate over the per-case facts the
// store keeps on the cases row; the few small result sets are combined in
// Go. It reveals no identifiers and is allowed for every role that sees
// statistics.
func (d *DB) Statistics(ctx context.Context, q nrm.StatsQuery) (*nrm.Stats, error) {
	q = q.Normalize()
	if q.Year < 1900 || q.Year > 2200 {
		return nil, &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("invalid reporting year %d", q.Year),
			Fields: []nrm.FieldError{{Field: "year", Rule: nrm.RuleRange, Value: strconv.Itoa(q.Year), Expected: "a year between 1900 and 2200"}}}
	}
	if q.Cutoff.Year() < q.Year {
		return nil, &nrm.Error{Code: nrm.EINVALID, Message: "The cut-off date must not be before the reporting year.",
			Fields: []nrm.FieldError{{Field: "cutoff_date", Rule: nrm.RuleDateOrder, Value: q.Cutoff.String(), Expected: fmt.Sprintf("a date in or after %d", q.Year)}}}
	}
	if r := actorOf(ctx).Role; r == nrm.RoleAuditor {
		return nil, forbidden()
	}
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.dialect.name() == "postgres"})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := &statsCalc{tx: tx, d: d.dialect, q: q, s: newStats(q)}
	c.y0 = nrm.NewDate(q.Year, 1, 1)
	c.y1 = q.YearEnd()
	c.upper = c.y1 // identified in Y and not after the cut-off
	if q.Cutoff.Before(c.upper) {
		c.upper = q.Cutoff
	}
	for _, step := range []func(context.Context) error{c.countries, c.series, c.cube, c.exploitation, c.minors, c.shelter, c.private, c.returns, c.prosecution} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("statistics: %w", err)
		}
	}
	return c.s, nil
}

type statsCalc struct {
	tx            *Tx
	d             dialect
	q             nrm.StatsQuery
	s             *nrm.Stats
	y0, y1, upper nrm.Date
	countryByCode map[string]*nrm.Country
}

// cohort is the condition "identified in Y, on or before the cut-off" on
// alias c; it takes the arguments c.y0, c.upper.
const cohort = "c.identified_on >= ? AND c.identified_on <= ?"

func zeroMap(set string) map[string]int {
	m := map[string]int{}
	for _, k := range nrm.Codes(set) {
		m[k] = 0
	}
	return m
}

func newStats(q nrm.StatsQuery) *nrm.Stats {
	s := &nrm.Stats{Year: q.Year, Cutoff: q.Cutoff}
	s.Identified.ByAuthority = zeroMap("authority")
	s.Identified.ByYearAuthority = []nrm.YearAuthority{}
	s.ByContactForm = zeroMap("contact_form")
	s.ByRegion = zeroMap("region")
	s.ByNationality = map[string]int{}
	s.NationalityRanking = []nrm.NationalityCount{}
	s.ByExploitation = zeroMap("exploitation")
	s.ByExploitationGender = map[string]map[string]int{}
	for _, f := range nrm.Codes("exploitation") {
		s.ByExploitationGender[f] = zeroMap("gender")
	}
	s.ForcedLabourSectors = zeroMap("labour_sector")
	s.ByGender = zeroMap("gender")
	s.Age.Bands = map[string]int{}
	for _, b := range nrm.AgeBands {
		s.Age.Bands[b] = 0
	}
	s.Age.ByRegion = map[string]nrm.AgeSummary{}
	s.Minors.Cases = []nrm.MinorCase{}
	s.Shelter.Buckets = map[string]int{}
	for _, b := range nrm.ShelterBuckets {
		s.Shelter.Buckets[b] = 0
	}
	s.Returns.Period = nrm.PeriodReturns{ByKind: zeroMap("exit_kind"), ByIdentificationYear: map[string]map[string]int{}}
	s.Returns.Cohort = nrm.CohortReturns{ByKind: zeroMap("exit_kind"), ByExitYear: map[string]map[string]int{}}
	return s
}

func (c *statsCalc) each(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := c.tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// countries loads the editable nationality → region mapping and seeds the
// nationality universe: every nationality identified in any year is a key.
func (c *statsCalc) countries(ctx context.Context) error {
	c.countryByCode = map[string]*nrm.Country{}
	if err := c.each(ctx, "SELECT code, name_da, name_en, region FROM countries", nil, func(r *sql.Rows) error {
		k := &nrm.Country{}
		if err := r.Scan(&k.Code, &k.NameDA, &k.NameEN, &k.Region); err != nil {
			return err
		}
		c.countryByCode[k.Code] = k
		return nil
	}); err != nil {
		return err
	}
	return c.each(ctx, "SELECT DISTINCT nationality FROM cases WHERE identified_on IS NOT NULL AND nationality IS NOT NULL", nil, func(r *sql.Rows) error {
		var n string
		if err := r.Scan(&n); err != nil {
			return err
		}
		c.s.ByNationality[n] = 0
		return nil
	})
}

func (c *statsCalc) region(nat string) string {
	if k, ok := c.countryByCode[nat]; ok {
		return string(k.Region)
	}
	return string(nrm.RegionUnknown)
}

// series is Figure 1: identifications per year and authority, all years up
// to the reporting year, each counted up to the cut-off.
func (c *statsCalc) series(ctx context.Context) error {
	byYear := map[int]*nrm.YearAuthority{}
	err := c.each(ctx, "SELECT "+c.d.year("c.identified_on")+", c.identified_authority, COUNT(*) FROM cases c WHERE c.identified_on <= ? GROUP BY 1, 2",
		[]any{c.upper}, func(r *sql.Rows) error {
			var y, n int
			var auth string
			if err := r.Scan(&y, &auth, &n); err != nil {
				return err
			}
			ya := byYear[y]
			if ya == nil {
				ya = &nrm.YearAuthority{Year: y}
				byYear[y] = ya
			}
			switch nrm.Authority(auth) {
			case nrm.AuthorityUS:
				ya.US += n
			case nrm.AuthorityCMM:
				ya.CMM += n
			}
			return nil
		})
	if err != nil {
		return err
	}
	if len(byYear) == 0 {
		return nil
	}
	lo := c.q.Year
	for y := range byYear {
		lo = min(lo, y)
	}
	for y := lo; y <= c.q.Year; y++ { // every year of the span, zero years too
		ya := byYear[y]
		if ya == nil {
			ya = &nrm.YearAuthority{Year: y}
		}
		c.s.Identified.ByYearAuthority = append(c.s.Identified.ByYearAuthority, *ya)
	}
	return nil
}

// cube counts the cohort by authority, gender, contact form, nationality
// and age in one scan; every one-way table and the age statistics are its
// margins.
func (c *statsCalc) cube(ctx context.Context) error {
	type ageAcc struct{ min, max, sum, n int }
	overall := ageAcc{min: 1 << 30, max: -1}
	byRegion := map[string]*ageAcc{}
	natCount := map[string]int{}
	err := c.each(ctx, `SELECT c.identified_authority, c.gender, c.first_contact_form, c.nationality, c.identified_age, COUNT(*)
		FROM cases c WHERE `+cohort+` GROUP BY c.identified_authority, c.gender, c.first_contact_form, c.nationality, c.identified_age`,
		[]any{c.y0, c.upper}, func(r *sql.Rows) error {
			var auth, gender string
			var form, nat sql.NullString
			var age sql.NullInt64
			var n int
			if err := r.Scan(&auth, &gender, &form, &nat, &age, &n); err != nil {
				return err
			}
			s := c.s
			s.Identified.Total += n
			s.Identified.ByAuthority[auth] += n
			s.ByGender[gender] += n
			if form.Valid {
				s.ByContactForm[form.String] += n
			} else {
				s.ByContactForm["unknown"] += n
			}
			reg := string(nrm.RegionUnknown)
			if nat.Valid {
				natCount[nat.String] += n
				reg = c.region(nat.String)
			}
			s.ByRegion[reg] += n
			if !age.Valid {
				s.Age.Unknown += n
				return nil
			}
			a := int(age.Int64)
			s.Age.Known += n
			s.Age.Bands[nrm.AgeBand(a)] += n
			ra := byRegion[reg]
			if ra == nil {
				ra = &ageAcc{min: 1 << 30, max: -1}
				byRegion[reg] = ra
			}
			for _, acc := range []*ageAcc{&overall, ra} {
				acc.min, acc.max, acc.sum, acc.n = min(acc.min, a), max(acc.max, a), acc.sum+a*n, acc.n+n
			}
			return nil
		})
	if err != nil {
		return err
	}
	if c.s.ByContactForm["unknown"] == 0 {
		delete(c.s.ByContactForm, "unknown")
	}
	for nat, n := range natCount {
		c.s.ByNationality[nat] = n
	}
	for nat, n := range c.s.ByNationality {
		row := nrm.NationalityCount{Code: nat, NameDA: nat, NameEN: nat, Region: c.region(nat), Count: n}
		if k, ok := c.countryByCode[nat]; ok {
			row.NameDA, row.NameEN = k.NameDA, k.NameEN
		}
		if n > 0 {
			c.s.NationalityRanking = append(c.s.NationalityRanking, row)
		}
	}
	nrm.SortNationalities(c.s.NationalityRanking, nrm.LangDA)
	if overall.n > 0 {
		c.s.Age.Min, c.s.Age.Max, c.s.Age.Mean = ptr(overall.min), ptr(overall.max), ptr(mean1(overall.sum, overall.n))
	}
	for _, reg := range nrm.Codes("region") {
		if ra := byRegion[reg]; ra != nil {
			c.s.Age.ByRegion[reg] = nrm.AgeSummary{Min: ptr(ra.min), Max: ptr(ra.max), Mean: ptr(mean1(ra.sum, ra.n)), Count: ra.n}
		} else {
			c.s.Age.ByRegion[reg] = nrm.AgeSummary{}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// mean1 is sum/n rounded half up to one decimal, in integer arithmetic so
// that 206/8 = 25.75 gives 25.8 exactly as the seed does.
func mean1(sum, n int) float64 {
	tenths := (20*sum + n) / (2 * n)
	if 20*sum+n < 0 {
		tenths = -((-20*sum + n) / (2 * n))
	}
	return float64(tenths) / 10
}

// exploitation counts forms × gender (a person with two forms counts once
// in each), persons with a form and with several, and forced-labour
// sectors.
func (c *statsCalc) exploitation(ctx context.Context) error {
	err := c.each(ctx, `SELECT f.form, c.gender, COUNT(*) FROM cases c JOIN assessment_forms f ON f.assessment_id = c.identified_assessment_id
		WHERE `+cohort+` GROUP BY f.form, c.gender`, []any{c.y0, c.upper}, func(r *sql.Rows) error {
		var form, gender string
		var n int
		if err := r.Scan(&form, &gender, &n); err != nil {
			return err
		}
		c.s.ByExploitation[form] += n
		if c.s.ByExploitationGender[form] == nil {
			c.s.ByExploitationGender[form] = zeroMap("gender")
		}
		c.s.ByExploitationGender[form][gender] += n
		return nil
	})
	if err != nil {
		return err
	}
	err = c.each(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN k > 1 THEN 1 ELSE 0 END), 0) FROM (
		SELECT c.id, COUNT(*) AS k FROM cases c JOIN assessment_forms f ON f.assessment_id = c.identified_assessment_id
		WHERE `+cohort+` GROUP BY c.id) t`, []any{c.y0, c.upper}, func(r *sql.Rows) error {
		return r.Scan(&c.s.ExploitationPersons, &c.s.MultiFormPersons)
	})
	if err != nil {
		return err
	}
	return c.each(ctx, `SELECT a.labour_sector, COUNT(*) FROM cases c JOIN assessments a ON a.id = c.identified_assessment_id
		WHERE `+cohort+` AND a.labour_sector <> '' GROUP BY a.labour_sector`, []any{c.y0, c.upper}, func(r *sql.Rows) error {
		var sector string
		var n int
		if err := r.Scan(&sector, &n); err != nil {
			return err
		}
		c.s.ForcedLabourSectors[sector] += n
		return nil
	})
}

// minors lists the identified persons under 18 with statistical
// attributes only.
func (c *statsCalc) minors(ctx context.Context) error {
	byID := map[int64]*nrm.MinorCase{}
	var order []int64
	err := c.each(ctx, `SELECT c.id, c.identified_age, c.gender, c.nationality, c.first_contact_form, a.labour_sector, f.form
		FROM cases c JOIN assessments a ON a.id = c.identified_assessment_id
		LEFT JOIN assessment_forms f ON f.assessment_id = a.id
		WHERE `+cohort+` AND c.identified_age < 18 ORDER BY c.identified_age, c.id, f.form`, []any{c.y0, c.upper}, func(r *sql.Rows) error {
		var id int64
		var age int
		var gender, sector string
		var nat, form, ef sql.NullString
		if err := r.Scan(&id, &age, &gender, &nat, &form, &sector, &ef); err != nil {
			return err
		}
		m := byID[id]
		if m == nil {
			m = &nrm.MinorCase{Age: age, Gender: gender, Region: c.region(nat.String), ContactForm: form.String, LabourSector: sector, Exploitation: []string{}}
			byID[id] = m
			order = append(order, id)
		}
		if ef.Valid {
			m.Exploitation = append(m.Exploitation, ef.String)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		c.s.Minors.Cases = append(c.s.Minors.Cases, *byID[id])
	}
	sort.SliceStable(c.s.Minors.Cases, func(i, j int) bool { return c.s.Minors.Cases[i].Age < c.s.Minors.Cases[j].Age })
	c.s.Minors.Count = len(c.s.Minors.Cases)
	return nil
}

// shelter sums each cohort case's crisis-shelter days over stays starting
// by 31 December (first and last day counted, open or later-ending stays
// measured to 31 December) and buckets the cases.
func (c *statsCalc) shelter(ctx context.Context) error {
	end := c.d.least("COALESCE(a.end_date, ?)", "?")
	days := c.d.daysBetween("a.start_date", end) + " + 1"
	startLimit := c.y1
	if c.q.Cutoff.Before(startLimit) {
		startLimit = c.q.Cutoff
	}
	q := `SELECT CASE WHEN t.days <= 30 THEN '<=30' WHEN t.days < 100 THEN '31-99' ELSE '>=100' END, COUNT(*), SUM(t.still), SUM(t.days) FROM (
		SELECT c.id, SUM(` + days + `) AS days,
			MAX(CASE WHEN a.end_date IS NULL OR a.end_date > ? THEN 1 ELSE 0 END) AS still
		FROM cases c JOIN accommodations a ON a.case_id = c.id
		WHERE ` + cohort + ` AND a.kind = 'crisis_shelter' AND a.start_date <= ?
		GROUP BY c.id) t GROUP BY 1`
	return c.each(ctx, q, []any{c.y1, c.y1, c.y1, c.y0, c.upper, startLimit}, func(r *sql.Rows) error {
		var bucket string
		var n, still, total int
		if err := r.Scan(&bucket, &n, &still, &total); err != nil {
			return err
		}
		c.s.Shelter.Buckets[bucket] += n
		c.s.Shelter.Count += n
		c.s.Shelter.StillAtYearEnd += still
		c.s.Shelter.TotalDays += total
		return nil
	})
}

// private counts cohort cases with a private stay, those still housed at
// year end, and those who disappeared or returned on their own by the
// cut-off.
func (c *statsCalc) private(ctx context.Context) error {
	q := `SELECT COUNT(*), COALESCE(SUM(t.still), 0),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'disappeared' AND e.date <= ?) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'self_return' AND e.date <= ?) THEN 1 ELSE 0 END), 0)
		FROM (SELECT c.id, MAX(CASE WHEN a.start_date <= ? AND (a.end_date IS NULL OR a.end_date > ?) THEN 1 ELSE 0 END) AS still
			FROM cases c JOIN accommodations a ON a.case_id = c.id
			WHERE ` + cohort + ` AND a.kind = 'private' AND a.start_date <= ? GROUP BY c.id) t`
	p := &c.s.PrivateHousing
	return c.each(ctx, q, []any{c.q.Cutoff, c.q.Cutoff, c.y1, c.y1, c.y0, c.upper, c.q.Cutoff}, func(r *sql.Rows) error {
		return r.Scan(&p.Count, &p.StillAtYearEnd, &p.Disappeared, &p.SelfReturn)
	})
}

// returns counts exits in the period view (dated in Y, any identified
// case) and the cohort view (the year's identified cases, up to the
// cut-off).
func (c *statsCalc) returns(ctx context.Context) error {
	period := c.s.Returns.Period
	err := c.each(ctx, `SELECT e.kind, `+c.d.year("c.identified_on")+`, COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
		WHERE e.date >= ? AND e.date <= ? AND c.identified_on <= ? GROUP BY 1, 2`, []any{c.y0, c.upper, c.q.Cutoff}, func(r *sql.Rows) error {
		var kind string
		var y, n int
		if err := r.Scan(&kind, &y, &n); err != nil {
			return err
		}
		period.ByKind[kind] += n
		key := strconv.Itoa(y)
		if period.ByIdentificationYear[key] == nil {
			period.ByIdentificationYear[key] = map[string]int{}
		}
		period.ByIdentificationYear[key][kind] += n
		return nil
	})
	if err != nil {
		return err
	}
	cohortR := c.s.Returns.Cohort
	return c.each(ctx, `SELECT e.kind, `+c.d.year("e.date")+`, COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
		WHERE `+cohort+` AND e.date <= ? GROUP BY 1, 2`, []any{c.y0, c.upper, c.q.Cutoff}, func(r *sql.Rows) error {
		var kind string
		var y, n int
		if err := r.Scan(&kind, &y, &n); err != nil {
			return err
		}
		cohortR.ByKind[kind] += n
		key := strconv.Itoa(y)
		if cohortR.ByExitYear[key] == nil {
			cohortR.ByExitYear[key] = map[string]int{}
		}
		cohortR.ByExitYear[key][kind] += n
		return nil
	})
}

// prosecution copies the police's row for the year.
func (c *statsCalc) prosecution(ctx context.Context) error {
	p := &c.s.Prosecution
	err := c.tx.queryRow(ctx, `SELECT cutoff_date, charges, decisions, convictions_unconditional, convictions_partly_suspended, note
		FROM prosecutions WHERE year = ?`, c.q.Year).Scan(&p.CutoffDate, &p.Charges, &p.Decisions, &p.ConvictionsUnconditional, &p.ConvictionsPartlySuspended, &p.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	p.Reported = true
	p.ConvictionsTotal = p.ConvictionsUnconditional + p.ConvictionsPartlySuspended
	if p.Note == "" {
		p.Note = nrm.DefaultProsecutionNote
	}
	return nil
}
