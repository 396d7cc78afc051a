package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"

	"nrm"
)

// Statistics computes the statistics contract (design.md §4) for a year
// and cut-off. Every number is a SQL aggregate over the per-case facts the
// store keeps on the cases row; the few small result sets are combined in
// Go. It reveals no identifiers and is allowed for every role that sees
// statistics. Results are cached until the data change (statscache.go);
// each call gets its own copy.
func (d *DB) Statistics(ctx context.Context, q nrm.StatsQuery) (*nrm.Stats, error) {
	b, err := d.StatisticsJSON(ctx, q)
	if err != nil {
		return nil, err
	}
	s := &nrm.Stats{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	return s, nil
}

// ComputeStatistics computes the statistics without the cache, for
// benchmarks and for checking the cache.
func (d *DB) ComputeStatistics(ctx context.Context, q nrm.StatsQuery) (*nrm.Stats, error) {
	q, err := checkStatsQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	s, _, err := d.computeStatistics(ctx, q)
	return s, err
}

// checkStatsQuery normalises and checks a statistics query and the
// caller's right to statistics.
func checkStatsQuery(ctx context.Context, q nrm.StatsQuery) (nrm.StatsQuery, error) {
	q, err := normalizeStatsQuery(q)
	if err != nil {
		return q, err
	}
	a := actorOf(ctx)
	if a.Role == nrm.RoleAuditor {
		return q, forbidden()
	}
	// An organisation's own cases exactly: for those who may read them
	// case by case anyway.
	if q.Org != "" && a.Role != nrm.RoleAdmin && (!readsCases(a) || a.Org != q.Org) {
		return q, forbidden()
	}
	return q, nil
}

// normalizeStatsQuery fills the default cut-off and checks the year and
// the cut-off.
func normalizeStatsQuery(q nrm.StatsQuery) (nrm.StatsQuery, error) {
	q = q.Normalize()
	if q.Year < 1900 || q.Year > 2200 {
		return q, &nrm.Error{Code: nrm.EINVALID, Message: fmt.Sprintf("invalid reporting year %d", q.Year),
			Fields: []nrm.FieldError{{Field: "year", Rule: nrm.RuleRange, Value: strconv.Itoa(q.Year), Expected: "a year between 1900 and 2200"}}}
	}
	if q.Cutoff.Year() < q.Year {
		return q, &nrm.Error{Code: nrm.EINVALID, Message: "The cut-off date must not be before the reporting year.",
			Fields: []nrm.FieldError{{Field: "cutoff_date", Rule: nrm.RuleDateOrder, Value: q.Cutoff.String(), Expected: fmt.Sprintf("a date in or after %d", q.Year)}}}
	}
	return q, nil
}

// computeStatistics computes the statistics of a checked query and the
// data version of the snapshot they were computed from.
func (d *DB) computeStatistics(ctx context.Context, q nrm.StatsQuery) (*nrm.Stats, int64, error) {
	txs, release, err := d.statsTxs(ctx, StatsConns)
	if err != nil {
		return nil, 0, err
	}
	defer release()
	version, err := txs[0].dataVersion(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("statistics: %w", err)
	}
	c := &statsCalc{d: d.dialect, q: q, s: newStats(q)}
	c.s.Organisation = q.Org
	c.y0 = nrm.NewDate(q.Year, 1, 1)
	c.y1 = q.YearEnd()
	c.upper = c.y1 // identified in Y and not after the cut-off
	if q.Cutoff.Before(c.upper) {
		c.upper = q.Cutoff
	}
	if err := c.countries(ctx, txs[0]); err != nil {
		return nil, 0, fmt.Errorf("statistics: %w", err)
	}
	// Two groups of about equal cost over 1,000,000 cases; each step
	// writes its own part of the result.
	groups := [][]func(context.Context, *Tx) error{
		{c.cube, c.minors, c.returns, c.mechanism, c.prosecution},
		{c.series, c.exploitation, c.housing},
	}
	errs := make([]error, len(groups))
	run := func(i int, tx *Tx) {
		for _, step := range groups[i] {
			if err := step(ctx, tx); err != nil {
				errs[i] = fmt.Errorf("statistics: %w", err)
				return
			}
		}
	}
	if len(txs) < len(groups) {
		for i := range groups {
			run(i, txs[0])
		}
	} else {
		var wg sync.WaitGroup
		for i := range groups {
			wg.Add(1)
			go func() { defer wg.Done(); run(i, txs[i]) }()
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, 0, err
		}
	}
	c.decisionSummary()
	return c.s, version, nil
}

// StatsConns is how many connections (cores) one Statistics call uses;
// 1 runs every query in one transaction, one after the other.
var StatsConns = 2

// statsTxs opens up to n read-only transactions that see the same
// snapshot, so that the statistics can be computed on several cores and
// still describe one state of the data. PostgreSQL shares the snapshot
// (pg_export_snapshot); SQLite cannot, so its transactions are checked to
// have started at the same audit-chain head — every write of the tables
// statistics read appends an audit entry in its transaction — and, if a
// write came in between, the computation falls back to one transaction.
func (d *DB) statsTxs(ctx context.Context, n int) ([]*Tx, func(), error) {
	var conns []*sql.Conn
	var txs []*Tx
	release := func() {
		for _, tx := range txs {
			tx.Rollback()
		}
		for _, c := range conns {
			c.Close()
		}
	}
	pg := d.dialect.name() == "postgres"
	opts := &sql.TxOptions{ReadOnly: true} // SQLite: a deferred BEGIN, not the write lock
	if pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	var head, snapshot string
	for i := 0; i < max(n, 1); i++ {
		conn, err := d.db.Conn(ctx)
		if err != nil {
			if i > 0 {
				break // fewer connections, fewer cores
			}
			return nil, release, err
		}
		conns = append(conns, conn)
		stx, err := conn.BeginTx(ctx, opts)
		if err != nil {
			return nil, release, fmt.Errorf("begin: %w", err)
		}
		tx := &Tx{Tx: stx, db: d, now: d.Now()}
		txs = append(txs, tx)
		if pg {
			// JIT compilation cost more than it saved on every query
			// here (0.07 s of 0.4 s for the housing query).
			if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
				return nil, release, err
			}
			if i == 0 {
				err = tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot)
			} else {
				_, err = tx.ExecContext(ctx, "SET TRANSACTION SNAPSHOT '"+strings.ReplaceAll(snapshot, "'", "")+"'")
			}
			if err != nil {
				return nil, release, err
			}
			continue
		}
		var h string
		if err := tx.QueryRowContext(ctx, "SELECT seq || ':' || hash FROM audit_head WHERE id = 1").Scan(&h); err != nil {
			return nil, release, err
		}
		if i == 0 {
			head = h
		} else if h != head {
			tx.Rollback()
			txs = txs[:i]
			break
		}
	}
	return txs, release, nil
}

// scope is the condition on the cases alias a that restricts the
// statistics to the cases the query's organisation may read (" AND …"
// with its arguments, to be put last in a WHERE clause), or nothing for
// the whole country.
func (c *statsCalc) scope(a string) (string, []any) {
	if c.q.Org == "" {
		return "", nil
	}
	org := c.q.Org
	return ` AND (` + a + `.owner_org = ? OR EXISTS (SELECT 1 FROM case_shares s WHERE s.case_id = ` + a + `.id AND s.org = ?)
		OR ` + a + `.id IN (SELECT r.case_id FROM referrals r WHERE r.to_org = ? AND r.status = 'accepted' AND r.access_revoked_on IS NULL))`,
		[]any{org, org, org}
}

// scopeCase is scope for a table with a case_id column (alias t).
func (c *statsCalc) scopeCase(t string) (string, []any) {
	cond, args := c.scope("c")
	if cond == "" {
		return "", nil
	}
	return " AND " + t + ".case_id IN (SELECT c.id FROM cases c WHERE 1=1" + cond + ")", args
}

type statsCalc struct {
	d             dialect
	q             nrm.StatsQuery
	s             *nrm.Stats
	y0, y1, upper nrm.Date
	countryByCode map[string]*nrm.Country

	// days is the histogram of days from first contact to first final
	// decision, by authority, which two steps fill (stats_mechanism.go)
	// and decisionSummary turns into the decision_days key.
	daysMu sync.Mutex
	days   map[string]map[int]int
}

// cohort is the condition "identified in Y, on or before the cut-off" on
// alias c; it takes the arguments c.y0, c.upper.
const cohort = "c.identified_on >= ? AND c.identified_on <= ?"

// cohortOrder is the key order of the cases_cohort index (migration
// 00004): a GROUP BY that starts with it streams on SQLite.
const cohortOrder = "c.identified_on, c.identified_authority, c.gender, c.first_contact_form, c.nationality, c.identified_age, c.identified_assessment_id"

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
	s.FormsByGender = map[string]nrm.FormCount{}
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
	s.Referrals.ByPurpose = zeroMap("referral_purpose")
	s.Referrals.BySourceContactForm = zeroMap("contact_form")
	s.Referrals.ByStatus = zeroMap("referral_status")
	s.Referrals.ByOutcome = zeroMap("assessment_outcome")
	s.Presumed.ByAuthority = zeroMap("authority")
	s.PresumedNotIdentified = nrm.PresumedVictims{ByGender: zeroMap("gender"),
		ByAgeGroup:    map[string]int{nrm.AgeGroupChild: 0, nrm.AgeGroupAdult: 0, nrm.AgeGroupUnknown: 0},
		ByNationality: map[string]int{}, ByExploitationGender: map[string]map[string]int{}}
	for _, f := range append(nrm.Codes("exploitation"), "unknown") {
		s.PresumedNotIdentified.ByExploitationGender[f] = zeroMap("gender")
	}
	s.DecisionDays.ByAuthority = map[string]nrm.DaysSummary{}
	for _, a := range nrm.Codes("authority") {
		s.DecisionDays.ByAuthority[a] = nrm.DaysSummary{}
	}
	return s
}

// countries loads the editable nationality → region mapping and seeds the
// nationality universe: every nationality identified in any year is a key.
// The distinct nationalities come from a skip scan of cases_nationality
// (one index seek per nationality) instead of a scan of every case.
func (c *statsCalc) countries(ctx context.Context, tx *Tx) error {
	c.countryByCode = map[string]*nrm.Country{}
	if err := each(ctx, tx, "SELECT code, name_da, name_en, region FROM countries", nil, func(r *sql.Rows) error {
		k := &nrm.Country{}
		if err := r.Scan(&k.Code, &k.NameDA, &k.NameEN, &k.Region); err != nil {
			return err
		}
		c.countryByCode[k.Code] = k
		return nil
	}); err != nil {
		return err
	}
	sc, args := c.scope("y")
	return each(ctx, tx, `WITH RECURSIVE n(nat) AS (
			SELECT MIN(nationality) FROM cases
			UNION ALL
			SELECT (SELECT MIN(x.nationality) FROM cases x WHERE x.nationality > n.nat) FROM n WHERE n.nat IS NOT NULL)
		SELECT nat FROM n WHERE nat IS NOT NULL
			AND EXISTS (SELECT 1 FROM cases y WHERE y.nationality = n.nat AND y.identified_on IS NOT NULL`+sc+`)`, args, func(r *sql.Rows) error {
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
// to the reporting year, each counted up to the cut-off. Grouping by the
// date rather than the year follows the order of cases_cohort, so SQLite
// counts in one pass without sorting; Go adds the days up to years.
func (c *statsCalc) series(ctx context.Context, tx *Tx) error {
	byYear := map[int]*nrm.YearAuthority{}
	sc, args := c.scope("c")
	err := each(ctx, tx, "SELECT c.identified_on, c.identified_authority, COUNT(*) FROM cases c WHERE c.identified_on <= ?"+sc+" GROUP BY c.identified_on, c.identified_authority",
		append([]any{c.upper}, args...), func(r *sql.Rows) error {
			var d nrm.Date
			var n int
			var auth string
			if err := r.Scan(&d, &auth, &n); err != nil {
				return err
			}
			y := d.Year()
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

// cube counts the cohort by authority, gender and contact form, and by
// nationality and age; every one-way table and the age statistics are
// margins of the two. The first grouping follows the order of
// cases_cohort (no sort); only the second sorts.
func (c *statsCalc) cube(ctx context.Context, tx *Tx) error {
	s := c.s
	sc, args := c.scope("c")
	args = append([]any{c.y0, c.upper}, args...)
	err := each(ctx, tx, `SELECT c.identified_on, c.identified_authority, c.gender, c.first_contact_form, COUNT(*)
		FROM cases c WHERE `+cohort+sc+` GROUP BY c.identified_on, c.identified_authority, c.gender, c.first_contact_form`,
		args, func(r *sql.Rows) error {
			var day nrm.Date
			var auth, gender string
			var form sql.NullString
			var n int
			if err := r.Scan(&day, &auth, &gender, &form, &n); err != nil {
				return err
			}
			s.Identified.Total += n
			s.Identified.ByAuthority[auth] += n
			s.ByGender[gender] += n
			if form.Valid {
				s.ByContactForm[form.String] += n
			} else {
				s.ByContactForm["unknown"] += n
			}
			return nil
		})
	if err != nil {
		return err
	}
	if s.ByContactForm["unknown"] == 0 {
		delete(s.ByContactForm, "unknown")
	}
	type ageAcc struct{ min, max, sum, n int }
	overall := ageAcc{min: 1 << 30, max: -1}
	byRegion := map[string]*ageAcc{}
	natCount := map[string]int{}
	err = each(ctx, tx, `SELECT c.nationality, c.identified_age, COUNT(*) FROM cases c WHERE `+cohort+sc+` GROUP BY c.nationality, c.identified_age`,
		args, func(r *sql.Rows) error {
			var nat sql.NullString
			var age sql.NullInt64
			var n int
			if err := r.Scan(&nat, &age, &n); err != nil {
				return err
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
	for nat, n := range natCount {
		s.ByNationality[nat] = n
	}
	for nat, n := range s.ByNationality {
		row := nrm.NationalityCount{Code: nat, NameDA: nat, NameEN: nat, Region: c.region(nat), Count: n}
		if k, ok := c.countryByCode[nat]; ok {
			row.NameDA, row.NameEN = k.NameDA, k.NameEN
		}
		if n > 0 {
			s.NationalityRanking = append(s.NationalityRanking, row)
		}
	}
	nrm.SortNationalities(s.NationalityRanking, nrm.LangDA)
	if overall.n > 0 {
		s.Age.Min, s.Age.Max, s.Age.Mean = ptr(overall.min), ptr(overall.max), ptr(mean1(overall.sum, overall.n))
	}
	for _, reg := range nrm.Codes("region") {
		if ra := byRegion[reg]; ra != nil {
			s.Age.ByRegion[reg] = nrm.AgeSummary{Min: ptr(ra.min), Max: ptr(ra.max), Mean: ptr(mean1(ra.sum, ra.n)), Count: ra.n}
		} else {
			s.Age.ByRegion[reg] = nrm.AgeSummary{}
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

// formBits are the bits of the forms of exploitation in the cases row's
// identified_forms mask (migration 00006). They are stored: a bit never
// changes meaning; a new form gets the next free bit.
var formBits = map[nrm.ExploitationForm]int64{
	nrm.ExploitationSexual: 1, "forced_labour": 2, "forced_criminality": 4, "begging": 8,
	"forced_marriage": 16, "organ_removal": 32, "other": 64,
}

// formMask folds a set of forms into the identified_forms mask.
func formMask(forms []nrm.ExploitationForm) int64 {
	var m int64
	for _, f := range forms {
		m |= formBits[f]
	}
	return m
}

// exploitation counts forms × gender (a person with two forms counts once
// in each), persons with a form and with several, and forced-labour
// sectors, in one pass over the cohort index: each person's forms and
// sector of the identifying assessment are on the cases row (the forms as
// a bit mask, formBits), and the cohort is grouped by gender, sector and
// mask.
func (c *statsCalc) exploitation(ctx context.Context, tx *Tx) error {
	forms := nrm.Codes("exploitation")
	// On SQLite both this step and the time to decision read the cohort's
	// table rows (the forms and the first contact date are not in
	// cases_cohort): one pass serves both, the first contact dates of each
	// day's identified cases listed for the days from contact to decision
	// (stats_mechanism.go). PostgreSQL counts those days in its own query.
	sqlite := c.d.name() != "postgres"
	sc, args := c.scope("c")
	q := `SELECT c.gender, c.identified_labour_sector, c.identified_forms, COUNT(*), NULL, NULL, NULL FROM cases c
		WHERE ` + cohort + sc + ` GROUP BY 1, 2, 3`
	if sqlite {
		q = `SELECT c.gender, c.identified_labour_sector, c.identified_forms, COUNT(*), c.identified_on, c.identified_authority,
			group_concat(c.first_contact_date) FROM cases c WHERE ` + cohort + sc + ` GROUP BY 5, 6, 1, 2, 3`
	}
	s := c.s
	return each(ctx, tx, q, append([]any{c.y0, c.upper}, args...), func(r *sql.Rows) error {
		var gender string
		var sector, auth, contacts sql.NullString
		var mask sql.NullInt64
		var on nrm.Date
		var n int
		if err := r.Scan(&gender, &sector, &mask, &n, &on, &auth, &contacts); err != nil {
			return err
		}
		if sqlite {
			if err := c.addContactDays(auth.String, on, contacts.String); err != nil {
				return err
			}
		}
		if sector.String != "" {
			s.ForcedLabourSectors[sector.String] += n
		}
		m := mask.Int64
		if m == 0 {
			return nil
		}
		s.ExploitationPersons += n
		if bits.OnesCount64(uint64(m)) > 1 {
			s.MultiFormPersons += n
		}
		fc := s.FormsByGender[gender]
		fc.Persons += n
		fc.ExtraForms += n * (bits.OnesCount64(uint64(m)) - 1)
		s.FormsByGender[gender] = fc
		for _, f := range forms {
			if m&formBits[nrm.ExploitationForm(f)] == 0 {
				continue
			}
			s.ByExploitation[f] += n
			if s.ByExploitationGender[f] == nil {
				s.ByExploitationGender[f] = zeroMap("gender")
			}
			s.ByExploitationGender[f][gender] += n
		}
		return nil
	})
}

// minors lists the identified persons under 18 with statistical
// attributes only.
func (c *statsCalc) minors(ctx context.Context, tx *Tx) error {
	byID := map[int64]*nrm.MinorCase{}
	var order []int64
	sc, args := c.scope("c")
	err := each(ctx, tx, `SELECT c.id, c.identified_age, c.gender, c.nationality, c.first_contact_form, a.labour_sector, f.form
		FROM cases c JOIN assessments a ON a.id = c.identified_assessment_id
		LEFT JOIN assessment_forms f ON f.assessment_id = a.id
		WHERE `+cohort+` AND c.identified_age < 18`+sc+` ORDER BY c.identified_age, c.id, f.form`, append([]any{c.y0, c.upper}, args...), func(r *sql.Rows) error {
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
	// By what the list shows, not by the order the cases were stored in:
	// the list is the same after any re-import, and it hints at no one's
	// order of registration.
	slices.SortStableFunc(c.s.Minors.Cases, func(a, b nrm.MinorCase) int {
		return cmp.Or(cmp.Compare(a.Age, b.Age), strings.Compare(a.Gender, b.Gender), strings.Compare(a.Region, b.Region),
			slices.Compare(a.Exploitation, b.Exploitation), strings.Compare(a.LabourSector, b.LabourSector), strings.Compare(a.ContactForm, b.ContactForm))
	})
	c.s.Minors.Count = len(c.s.Minors.Cases)
	return nil
}

// housing is the crisis-shelter section (Figure 8) and the private-housing
// section in one pass over the cohort's stays.
//
// Shelter: each cohort case's crisis-shelter days, summed over stays
// starting by 31 December (first and last day counted, open or
// later-ending stays measured to 31 December), bucketed; still at year
// end = such a stay has no end or ends after 31 December.
//
// Private housing: cohort cases with a private stay starting by the
// cut-off; still housed = such a stay started by and goes on after 31
// December; and those who disappeared or returned on their own by the
// cut-off.
func (c *statsCalc) housing(ctx context.Context, tx *Tx) error {
	end := c.d.least("COALESCE(a.end_date, ?)", "?")
	days := c.d.daysBetween("a.start_date", end) + " + 1"
	startLimit := c.y1
	if c.q.Cutoff.Before(startLimit) {
		startLimit = c.q.Cutoff
	}
	shelter := "a.kind = 'crisis_shelter' AND a.start_date <= ?"
	private := "a.kind = 'private' AND a.start_date <= ?"
	sc, scArgs := c.scope("c")
	// The inner grouping lists the columns of cases_cohort before c.id, so
	// SQLite aggregates each case's stays as the index delivers them,
	// without sorting; the outer level is one row of conditional sums.
	q := `SELECT COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays <= 30 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays > 30 AND t.sdays < 100 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.sn > 0 AND t.sdays >= 100 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.sn > 0 THEN t.sstill ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.sn > 0 THEN t.sdays ELSE 0 END), 0),
			COALESCE(SUM(t.priv), 0), COALESCE(SUM(t.pstill), 0),
			COALESCE(SUM(CASE WHEN t.priv = 1 AND EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'disappeared' AND e.date <= ?) THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN t.priv = 1 AND EXISTS (SELECT 1 FROM exits e WHERE e.case_id = t.id AND e.kind = 'self_return' AND e.date <= ?) THEN 1 ELSE 0 END), 0)
		FROM (SELECT c.id,
				SUM(CASE WHEN ` + shelter + ` THEN 1 ELSE 0 END) AS sn,
				SUM(CASE WHEN ` + shelter + ` THEN ` + days + ` ELSE 0 END) AS sdays,
				MAX(CASE WHEN ` + shelter + ` AND (a.end_date IS NULL OR a.end_date > ?) THEN 1 ELSE 0 END) AS sstill,
				MAX(CASE WHEN ` + private + ` THEN 1 ELSE 0 END) AS priv,
				MAX(CASE WHEN ` + private + ` AND a.start_date <= ? AND (a.end_date IS NULL OR a.end_date > ?) THEN 1 ELSE 0 END) AS pstill
			FROM cases c JOIN accommodations a ON a.case_id = c.id
			WHERE ` + cohort + sc + `
			GROUP BY ` + cohortOrder + `, c.id) t
		WHERE t.sn > 0 OR t.priv = 1`
	args := []any{c.q.Cutoff, c.q.Cutoff, // exits
		startLimit, startLimit, c.y1, c.y1, startLimit, c.y1, c.q.Cutoff, c.q.Cutoff, c.y1, c.y1, // per case
		c.y0, c.upper}
	args = append(args, scArgs...)
	sh, p := &c.s.Shelter, &c.s.PrivateHousing
	var short, mid, long int
	err := tx.queryRow(ctx, q, args...).Scan(&short, &mid, &long, &sh.StillAtYearEnd, &sh.TotalDays,
		&p.Count, &p.StillAtYearEnd, &p.Disappeared, &p.SelfReturn)
	if err != nil {
		return err
	}
	sh.Buckets["<=30"], sh.Buckets["31-99"], sh.Buckets[">=100"] = short, mid, long
	sh.Count = short + mid + long
	return nil
}

// returns counts exits in the period view (dated in Y, any identified
// case) and the cohort view (the year's identified cases, up to the
// cut-off).
func (c *statsCalc) returns(ctx context.Context, tx *Tx) error {
	period := c.s.Returns.Period
	sc, args := c.scope("c")
	err := each(ctx, tx, `SELECT e.kind, `+c.d.year("c.identified_on")+`, COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
		WHERE e.date >= ? AND e.date <= ? AND c.identified_on <= ?`+sc+` GROUP BY 1, 2`, append([]any{c.y0, c.upper, c.q.Cutoff}, args...), func(r *sql.Rows) error {
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
	return each(ctx, tx, `SELECT e.kind, `+c.d.year("e.date")+`, COUNT(*) FROM exits e JOIN cases c ON c.id = e.case_id
		WHERE `+cohort+` AND e.date <= ?`+sc+` GROUP BY 1, 2`, append([]any{c.y0, c.upper, c.q.Cutoff}, args...), func(r *sql.Rows) error {
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

// prosecution copies the police's row for the year (not in an
// organisation's statistics).
func (c *statsCalc) prosecution(ctx context.Context, tx *Tx) error {
	if c.q.Org != "" {
		return nil // the police's national figures, not an organisation's cases
	}
	p := &c.s.Prosecution
	err := tx.queryRow(ctx, `SELECT cutoff_date, charges, decisions, convictions_unconditional, convictions_partly_suspended, note
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
