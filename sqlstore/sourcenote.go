package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"sync"

	"nrm"
)

var (
	_ nrm.SourceNoteService = (*DB)(nil)
	_ nrm.NarrativeService  = (*DB)(nil)
)

// readsStatsNotes reports whether the actor sees the statistics and so
// the notes behind them: everyone signed in but the auditor.
func readsStatsNotes(a *nrm.Actor) bool { return a.Role.Valid() && a.Role != nrm.RoleAuditor }

// validateWithOrg validates a record and checks that its organisation
// is registered, all faults in one error: the record's own field errors
// and, for an unregistered code, one more on the organisation.
func (d *DB) validateWithOrg(ctx context.Context, verr error, code, msg string) error {
	fields := nrm.FieldErrors(verr)
	if verr != nil && fields == nil {
		return verr
	}
	if code != "" && !slices.ContainsFunc(fields, func(f nrm.FieldError) bool { return f.Field == "org" }) {
		var one int
		err := d.queryRow(ctx, "SELECT 1 FROM organisations WHERE code = ?", code).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fields = append(fields, nrm.FieldError{Field: "org", Rule: nrm.RuleUnknownReference, Value: code, Expected: "a registered organisation code"})
		case err != nil:
			return err
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &nrm.Error{Code: nrm.EINVALID, Message: msg, Fields: fields}
}

// FindSourceNotes returns the source notes of a year (0: every year) in
// report order.
func (d *DB) FindSourceNotes(ctx context.Context, year int) ([]*nrm.SourceNote, error) {
	if !readsStatsNotes(actorOf(ctx)) {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, `SELECT year, section, org, attributed, text_da, text_en FROM source_notes
		WHERE ? = 0 OR year = ? ORDER BY year, org`, year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*nrm.SourceNote{}
	for rows.Next() {
		n := &nrm.SourceNote{}
		if err := rows.Scan(&n.Year, &n.Section, &n.Org, &n.Attributed, &n.TextDA, &n.TextEN); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *nrm.SourceNote) int {
		if a.Year != b.Year {
			return a.Year - b.Year
		}
		return nrm.SectionOrder(a.Section) - nrm.SectionOrder(b.Section)
	})
	return out, nil
}

// SaveSourceNote creates or replaces the note of its year, section and
// organisation (coordinator and administrator).
func (d *DB) SaveSourceNote(ctx context.Context, n *nrm.SourceNote) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := d.validateWithOrg(ctx, n.Validate(), n.Org, "The source note has invalid fields."); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO source_notes (year, section, org, attributed, text_da, text_en) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (year, section, org) DO UPDATE SET attributed = excluded.attributed, text_da = excluded.text_da, text_en = excluded.text_en`,
			n.Year, string(n.Section), n.Org, n.Attributed, n.TextDA, n.TextEN); err != nil {
			return err
		}
		return tx.audit(ctx, "source_note.save", "source_note", fmt.Sprintf("%d/%s/%s", n.Year, n.Section, n.Org), "")
	})
}

// DeleteSourceNote deletes the note of a year, section and organisation.
func (d *DB) DeleteSourceNote(ctx context.Context, year int, section nrm.StatsSection, org string) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM source_notes WHERE year = ? AND section = ? AND org = ?", year, string(section), org)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Source note not found."}
		}
		return tx.audit(ctx, "source_note.delete", "source_note", fmt.Sprintf("%d/%s/%s", year, section, org), "")
	})
}

// FindScreenings returns the screening figures of a year (0: every year).
func (d *DB) FindScreenings(ctx context.Context, year int) ([]*nrm.Screening, error) {
	if !readsStatsNotes(actorOf(ctx)) {
		return nil, forbidden()
	}
	rows, err := d.query(ctx, `SELECT year, org, kind, target_group, persons FROM screenings
		WHERE ? = 0 OR year = ? ORDER BY year, org, kind, target_group`, year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*nrm.Screening{}
	for rows.Next() {
		s := &nrm.Screening{}
		if err := rows.Scan(&s.Year, &s.Org, &s.Kind, &s.Group, &s.Persons); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveScreening creates or replaces a screening figure (coordinator and
// administrator).
func (d *DB) SaveScreening(ctx context.Context, s *nrm.Screening) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	if err := d.validateWithOrg(ctx, s.Validate(), s.Org, "The screening figure has invalid fields."); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO screenings (year, org, kind, target_group, persons) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (year, org, kind, target_group) DO UPDATE SET persons = excluded.persons`,
			s.Year, s.Org, string(s.Kind), string(s.Group), s.Persons); err != nil {
			return err
		}
		return tx.audit(ctx, "screening.save", "screening", fmt.Sprintf("%d/%s/%s/%s", s.Year, s.Org, s.Kind, s.Group), fmt.Sprint(s.Persons))
	})
}

// DeleteScreening deletes a screening figure.
func (d *DB) DeleteScreening(ctx context.Context, year int, org string, kind nrm.ScreeningKind, group nrm.ScreeningGroup) error {
	if !writesPlan(actorOf(ctx)) {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM screenings WHERE year = ? AND org = ? AND kind = ? AND target_group = ?", year, org, string(kind), string(group))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Screening figure not found."}
		}
		return tx.audit(ctx, "screening.delete", "screening", fmt.Sprintf("%d/%s/%s/%s", year, org, kind, group), "")
	})
}

// NarrativeFacts computes the facts the narrative compares the year with:
// the earlier years' identified persons by gender, region, nationality
// and form (each counted up to the cut-off, as Figure 1 counts them) and
// the crisis-shelter providers of the year's shelter count. The same
// rights as the statistics apply. Results are kept under the data version
// they were computed at, as the statistics are (every report format asks
// again); the caller must not change them.
func (d *DB) NarrativeFacts(ctx context.Context, q nrm.StatsQuery) (*nrm.NarrativeFacts, error) {
	return d.narrativeFacts(ctx, q, true)
}

// ComputeNarrativeFacts is NarrativeFacts without the cache, for
// benchmarks.
func (d *DB) ComputeNarrativeFacts(ctx context.Context, q nrm.StatsQuery) (*nrm.NarrativeFacts, error) {
	return d.narrativeFacts(ctx, q, false)
}

type narrativeKey struct {
	db *DB
	q  nrm.StatsQuery
}

type narrativeEntry struct {
	version int64
	facts   *nrm.NarrativeFacts
}

// narrativeCache holds the latest facts per database and query; it is
// emptied when it holds narrativeCacheMax entries.
var narrativeCache struct {
	sync.Mutex
	m map[narrativeKey]narrativeEntry
}

const narrativeCacheMax = 32

func (d *DB) narrativeFacts(ctx context.Context, q nrm.StatsQuery, cached bool) (*nrm.NarrativeFacts, error) {
	q, err := checkStatsQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	txs, release, err := d.statsTxs(ctx, 1)
	if err != nil {
		return nil, err
	}
	defer release()
	tx := txs[0]
	version, err := tx.dataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("narrative facts: %w", err)
	}
	key := narrativeKey{d, q}
	if cached {
		narrativeCache.Lock()
		e, ok := narrativeCache.m[key]
		narrativeCache.Unlock()
		if ok && e.version == version {
			return e.facts, nil
		}
	}
	c := &statsCalc{d: d.dialect, q: q, s: newStats(q), y0: nrm.NewDate(q.Year, 1, 1), y1: q.YearEnd()}
	c.upper = c.y1
	if q.Cutoff.Before(c.upper) {
		c.upper = q.Cutoff
	}
	f := &nrm.NarrativeFacts{Earlier: map[int]*nrm.YearFacts{}, ShelterProviders: map[string]int{}, LabourSettings: map[string]map[string]int{}}
	if err := c.earlierYears(ctx, tx, f); err != nil {
		return nil, fmt.Errorf("narrative facts: %w", err)
	}
	if err := c.shelterProviders(ctx, tx, f); err != nil {
		return nil, fmt.Errorf("narrative facts: %w", err)
	}
	if err := c.labourSettings(ctx, tx, f); err != nil {
		return nil, fmt.Errorf("narrative facts: %w", err)
	}
	narrativeCache.Lock()
	if narrativeCache.m == nil || len(narrativeCache.m) >= narrativeCacheMax {
		narrativeCache.m = map[narrativeKey]narrativeEntry{}
	}
	narrativeCache.m[key] = narrativeEntry{version, f}
	narrativeCache.Unlock()
	return f, nil
}

// earlierYears counts the persons identified before the reporting year.
// Regions come from the editable mapping in Go, as in the statistics,
// rather than from a join on every case.
func (c *statsCalc) earlierYears(ctx context.Context, tx *Tx, f *nrm.NarrativeFacts) error {
	region := map[string]string{}
	if err := each(ctx, tx, "SELECT code, region FROM countries", nil, func(r *sql.Rows) error {
		var code, reg string
		if err := r.Scan(&code, &reg); err != nil {
			return err
		}
		region[code] = reg
		return nil
	}); err != nil {
		return err
	}
	sc, args := c.scope("c")
	forms := nrm.Codes("exploitation")
	return each(ctx, tx, `SELECT c.identified_on, c.gender, COALESCE(c.nationality, ''), COALESCE(c.identified_forms, 0), COUNT(*)
		FROM cases c WHERE c.identified_on < ? AND c.identified_on <= ?`+sc+`
		GROUP BY c.identified_on, c.gender, c.nationality, c.identified_forms`,
		append([]any{c.y0, c.q.Cutoff}, args...), func(r *sql.Rows) error {
			var on nrm.Date
			var gender, nat string
			var mask int64
			var n int
			if err := r.Scan(&on, &gender, &nat, &mask, &n); err != nil {
				return err
			}
			y := f.Earlier[on.Year()]
			if y == nil {
				y = &nrm.YearFacts{ByGender: map[string]int{}, ByRegion: map[string]int{}, ByNationality: map[string]int{}, ByExploitation: map[string]int{}}
				f.Earlier[on.Year()] = y
			}
			reg, ok := region[nat]
			if !ok || reg == "" {
				reg = string(nrm.RegionUnknown)
			}
			y.Total += n
			y.ByGender[gender] += n
			y.ByRegion[reg] += n
			if nat != "" {
				y.ByNationality[nat] += n
			}
			if bits.OnesCount64(uint64(mask)) > 0 {
				for _, fm := range forms {
					if mask&formBits[nrm.ExploitationForm(fm)] != 0 {
						y.ByExploitation[fm] += n
					}
				}
			}
			return nil
		})
}

// shelterProviders counts the persons of the shelter count per provider
// of their crisis-shelter stays (a person who stayed with two providers
// counts with each).
func (c *statsCalc) shelterProviders(ctx context.Context, tx *Tx, f *nrm.NarrativeFacts) error {
	startLimit := c.y1
	if c.q.Cutoff.Before(startLimit) {
		startLimit = c.q.Cutoff
	}
	sc, args := c.scope("c")
	return each(ctx, tx, `SELECT a.provider, COUNT(DISTINCT c.id) FROM cases c JOIN accommodations a ON a.case_id = c.id
		WHERE `+cohort+` AND a.kind = 'crisis_shelter' AND a.start_date <= ? AND a.provider <> ''`+sc+` GROUP BY a.provider`,
		append([]any{c.y0, c.upper, startLimit}, args...), func(r *sql.Rows) error {
			var p string
			var n int
			if err := r.Scan(&p, &n); err != nil {
				return err
			}
			f.ShelterProviders[p] = n
			return nil
		})
}

// labourSettings counts the year's identified persons with a forced-labour
// sector by the labour setting of their identifying assessment, the same
// assessment whose sector the statistics count.
func (c *statsCalc) labourSettings(ctx context.Context, tx *Tx, f *nrm.NarrativeFacts) error {
	sc, args := c.scope("c")
	return each(ctx, tx, `SELECT c.identified_labour_sector, a.labour_setting, COUNT(*) FROM cases c
		JOIN assessments a ON a.id = c.identified_assessment_id
		WHERE `+cohort+` AND c.identified_labour_sector <> '' AND a.labour_setting <> ''`+sc+` GROUP BY 1, 2`,
		append([]any{c.y0, c.upper}, args...), func(r *sql.Rows) error {
			var sector, setting string
			var n int
			if err := r.Scan(&sector, &setting, &n); err != nil {
				return err
			}
			if f.LabourSettings[sector] == nil {
				f.LabourSettings[sector] = map[string]int{}
			}
			f.LabourSettings[sector][setting] += n
			return nil
		})
}
