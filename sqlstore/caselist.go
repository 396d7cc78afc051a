package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"nrm"
)

// The case list (issue 13): filters, sort orders and the CSV export.
// Every filter and sort key is turned into SQL here from a closed set of
// fragments; no value of the request reaches the SQL text except as a
// bound argument.

// caseSortColumns maps a sort key to its column. Each has an index in the
// list's order with the case id as tie-breaker (migration 00018).
var caseSortColumns = map[string]string{
	nrm.SortRef:           "c.ref",
	nrm.SortOwnerOrg:      "c.owner_org",
	nrm.SortFirstContact:  "c.first_contact_date",
	nrm.SortIdentifiedOn:  "c.identified_on",
	nrm.SortAuthority:     "c.identified_authority",
	nrm.SortLatestOutcome: "c.latest_outcome",
	nrm.SortUpdated:       "c.updated_at",
}

// caseNullable are the sort columns that may be NULL.
var caseNullable = map[string]bool{nrm.SortFirstContact: true, nrm.SortIdentifiedOn: true, nrm.SortAuthority: true, nrm.SortLatestOutcome: true}

// ValidCaseSort reports whether key is a sort key of the case list ("" is
// the default, the latest change first).
func ValidCaseSort(key string) bool {
	_, ok := caseSortColumns[key]
	return ok || key == ""
}

// caseOrder returns the ORDER BY clause of f: unknown keys sort by the
// last change, newest first. Unknown values are blanks on either engine
// sorted as the smallest value (first ascending, last descending).
func (d *DB) caseOrder(f nrm.CaseFilter) string {
	key, desc := f.Sort, f.Desc
	col, ok := caseSortColumns[key]
	if !ok || key == "" {
		key, col, desc = nrm.SortUpdated, caseSortColumns[nrm.SortUpdated], true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	nulls := ""
	if caseNullable[key] && d.dialect.name() == "postgres" {
		// SQLite's default; PostgreSQL's is the reverse.
		nulls = map[bool]string{false: " NULLS FIRST", true: " NULLS LAST"}[desc]
	}
	return " ORDER BY " + col + dir + nulls + ", c.id" + dir
}

// caseWhere returns the condition and arguments selecting the cases of f
// that the actor a may see.
func (d *DB) caseWhere(a *nrm.Actor, f nrm.CaseFilter) (string, []any) {
	vis, args := visibleSQL(a)
	where := []string{vis}
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.Ref != "" {
		add("c.ref = ?", f.Ref)
	}
	if f.Search != "" {
		add("c.ref LIKE ? ESCAPE '\\'", escapeLike(f.Search)+"%")
	}
	if f.OwnerOrg != "" {
		add("c.owner_org = ?", f.OwnerOrg)
	}
	if f.Nationality != "" {
		add("c.nationality = ?", f.Nationality)
	}
	if f.Gender != "" {
		add("c.gender = ?", string(f.Gender))
	}
	if f.Outcome != "" {
		add("c.latest_outcome = ?", string(f.Outcome))
	}
	if f.Authority != "" {
		add("c.identified_authority = ?", string(f.Authority))
	}
	if f.Open != nil {
		if *f.Open {
			add("c.closed_on IS NULL")
		} else {
			add("c.closed_on IS NOT NULL")
		}
	}
	if f.IdentifiedYear != 0 {
		add("c.identified_on >= ?", nrm.NewDate(f.IdentifiedYear, 1, 1))
		add("c.identified_on <= ?", nrm.NewDate(f.IdentifiedYear, 12, 31))
	}
	today := f.Today
	if today.IsZero() {
		today = nrm.DateOf(d.Now())
	}
	if f.Minors {
		// nrm.Minor: the age reached this year is at most 18.
		add("c.birth_year >= ? AND c.birth_year <= ?", today.Year()-nrm.MinorAge, today.Year())
	}
	if f.OpenStay {
		add("c.id IN (SELECT a.case_id FROM accommodations a WHERE a.end_date IS NULL)")
	}
	if f.DeadlineWithin > 0 {
		// The latest end of an open case's periods (an extension ends
		// after the period it extends), which the store keeps in
		// reflection_due as the worklist reads it (migration 00015).
		add("c.reflection_due >= ? AND c.reflection_due <= ?", today, today.AddDays(f.DeadlineWithin))
	}
	if !f.FirstContactFrom.IsZero() {
		add("c.first_contact_date >= ?", f.FirstContactFrom)
	}
	if !f.FirstContactTo.IsZero() {
		add("c.first_contact_date <= ?", f.FirstContactTo)
	}
	if !f.IdentifiedFrom.IsZero() {
		add("c.identified_on >= ?", f.IdentifiedFrom)
	}
	if !f.IdentifiedTo.IsZero() {
		add("c.identified_on <= ?", f.IdentifiedTo)
	}
	return strings.Join(where, " AND "), args
}

// caseSummaryColumns are the columns of a case list row, in the order of
// scanCaseSummary.
const caseSummaryColumns = `c.id, c.ref, c.owner_org, c.gender, c.nationality, c.residence_status, c.birth_year, c.first_contact_date,
		c.first_contact_form, c.identified_on, c.identified_authority, c.latest_outcome, c.closed_on, c.version, c.updated_at`

// scanCaseSummary reads a row of caseSummaryColumns, then extra.
func scanCaseSummary(rows *sql.Rows, extra ...any) (*nrm.CaseSummary, error) {
	s := &nrm.CaseSummary{}
	var nat, form, auth, outcome sql.NullString
	var by sql.NullInt64
	if err := rows.Scan(append([]any{&s.ID, &s.Ref, &s.OwnerOrg, &s.Gender, &nat, &s.ResidenceStatus, &by, &s.FirstContact, &form,
		&s.IdentifiedOn, &auth, &outcome, &s.ClosedOn, &s.Version, &s.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	s.Nationality, s.ContactForm, s.Authority, s.LatestOutcome = nat.String, nrm.ContactForm(form.String), nrm.Authority(auth.String), nrm.Outcome(outcome.String)
	s.BirthYear = int(by.Int64)
	return s, nil
}

// FindCases lists visible case summaries matching f in f's order (the
// latest change first by default), and the number of matches. Listing
// reveals no identifiers.
func (d *DB) FindCases(ctx context.Context, f nrm.CaseFilter) ([]*nrm.CaseSummary, int, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, 0, forbidden()
	}
	cond, args := d.caseWhere(a, f)
	var total int
	if err := d.queryRow(ctx, "SELECT COUNT(*) FROM cases c WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset := max(f.Offset, 0)
	if offset >= total {
		return nil, total, nil
	}
	rows, err := d.query(ctx, "SELECT "+caseSummaryColumns+" FROM cases c WHERE "+cond+d.caseOrder(f)+" LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*nrm.CaseSummary
	for rows.Next() {
		s, err := scanCaseSummary(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// CaseExportRow is a row of a case list export: the summary, and the
// person's name where the actor may export it.
type CaseExportRow struct {
	*nrm.CaseSummary
	Name string
}

// ExportNames reports whether the actor's exports carry names: only a
// caseworker's, and only for the cases of the caseworker's own
// organisation. Assessors, administrators and every role that sees no
// case export statistical attributes only.
func ExportNames(a *nrm.Actor) bool { return a != nil && a.Role == nrm.RoleCaseworker && a.Org != "" }

// ExportCaseList streams every visible case matching f, in f's order, to
// emit (f.Offset and f.Limit are ignored), and returns the number of rows.
// With names (only where ExportNames allows) the name of each case owned
// by the actor's organisation is decrypted into its row; other rows carry
// none. The export is audited before the first row is emitted, with the
// filter, the number of rows and how many carry a name; an export whose
// entry cannot be written emits nothing.
func (d *DB) ExportCaseList(ctx context.Context, f nrm.CaseFilter, names bool, emit func(*CaseExportRow) error) (int, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return 0, forbidden()
	}
	names = names && ExportNames(a)
	cond, args := d.caseWhere(a, f)
	var total, named int
	countSQL := "SELECT COUNT(*), 0 FROM cases c WHERE " + cond
	countArgs := args
	if names {
		countSQL = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.owner_org = ? AND c.identifiers IS NOT NULL THEN 1 ELSE 0 END), 0) FROM cases c WHERE " + cond
		countArgs = append([]any{a.Org}, args...)
	}
	if err := d.queryRow(ctx, countSQL, countArgs...).Scan(&total, &named); err != nil {
		return 0, err
	}
	detail := "filter: " + DescribeCaseFilter(f) + "; rows: " + strconv.Itoa(total)
	if names {
		detail += "; names: " + strconv.Itoa(named)
	} else {
		detail += "; names: none"
	}
	if err := d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "case.export", "case", "", detail) }); err != nil {
		return 0, err
	}
	cols := caseSummaryColumns + ", NULL, NULL"
	qargs := args
	if names {
		// Only the owner's sealed identifiers leave the database.
		cols = caseSummaryColumns + ", CASE WHEN c.owner_org = ? THEN c.identifiers END, CASE WHEN c.owner_org = ? THEN c.key_id END"
		qargs = append([]any{a.Org, a.Org}, args...)
	}
	rows, err := d.query(ctx, "SELECT "+cols+" FROM cases c WHERE "+cond+d.caseOrder(f), qargs...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var sealed []byte
		var keyID sql.NullString
		s, err := scanCaseSummary(rows, &sealed, &keyID)
		if err != nil {
			return n, err
		}
		row := &CaseExportRow{CaseSummary: s}
		if names && len(sealed) > 0 && s.OwnerOrg == a.Org {
			c := &nrm.Case{ID: s.ID, Ref: s.Ref}
			if err := d.openIdentifiers(c, sealed, keyID); err != nil {
				return n, err
			}
			row.Name = c.Identifiers.Name
		}
		if err := emit(row); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// DescribeCaseFilter names the filter's conditions for the audit log, in
// a fixed order: codes, dates and numbers only.
func DescribeCaseFilter(f nrm.CaseFilter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	// What was typed into the reference fields is not recorded: it could
	// be anything, a name too.
	if f.Search != "" {
		add("search", "given")
	}
	if f.Ref != "" {
		add("ref", "given")
	}
	add("owner_org", f.OwnerOrg)
	add("nationality", f.Nationality)
	add("gender", string(f.Gender))
	add("outcome", string(f.Outcome))
	add("authority", string(f.Authority))
	if f.Open != nil {
		add("open", strconv.FormatBool(*f.Open))
	}
	if f.IdentifiedYear != 0 {
		add("identified_year", strconv.Itoa(f.IdentifiedYear))
	}
	if f.Minors {
		add("minors", "true")
	}
	if f.OpenStay {
		add("open_stay", "true")
	}
	if f.DeadlineWithin > 0 {
		add("deadline_within", fmt.Sprintf("%dd", f.DeadlineWithin))
	}
	date := func(k string, v nrm.Date) {
		if !v.IsZero() {
			add(k, v.String())
		}
	}
	date("first_contact_from", f.FirstContactFrom)
	date("first_contact_to", f.FirstContactTo)
	date("identified_from", f.IdentifiedFrom)
	date("identified_to", f.IdentifiedTo)
	if f.Sort != "" {
		dir := "asc"
		if f.Desc {
			dir = "desc"
		}
		add("sort", f.Sort+" "+dir)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}
