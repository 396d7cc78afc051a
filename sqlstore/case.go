package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// Ensure the interfaces are implemented.
var (
	_ nrm.CaseService  = (*DB)(nil)
	_ nrm.Importer     = (*DB)(nil)
	_ nrm.Exporter     = (*DB)(nil)
	_ nrm.StatsService = (*DB)(nil)
)

const caseColumns = "c.id, c.ref, c.owner_org, c.gender, c.birth_year, c.nationality, c.residence_status, c.identifiers, c.key_id, c.version, c.created_at, c.updated_at, c.purged_at"

// FindCaseByID returns one visible case with its identifiers opened; the
// read is audited.
func (d *DB) FindCaseByID(ctx context.Context, id int64) (*nrm.Case, error) {
	return d.findCase(ctx, "c.id = ?", id)
}

// FindCaseByRef returns one visible case by reference; the read is audited.
func (d *DB) FindCaseByRef(ctx context.Context, ref string) (*nrm.Case, error) {
	return d.findCase(ctx, "c.ref = ?", ref)
}

func (d *DB) findCase(ctx context.Context, where string, arg any) (*nrm.Case, error) {
	a := actorOf(ctx)
	if !readsCases(a) {
		return nil, forbidden()
	}
	// The case is read in a read-only transaction, which on SQLite does
	// not take the write lock, so that reads run side by side; only the
	// audit entry is a write, grouped with those of other reads
	// (auditbatch.go). Nothing is returned unless that entry is committed.
	//
	// A refused read — another organisation's case, or no such case — is
	// audited too ("case.read_refused"), so that an auditor sees someone
	// trying case numbers; both kinds write one entry, so that they also
	// take the same time. The entry names the case by its number only:
	// a reference that matched nothing is not recorded, since it could
	// be anything a user typed.
	c, err := d.readCase(ctx, where, arg)
	if nrm.ErrorCode(err) == nrm.ENOTFOUND {
		id := ""
		if n, ok := arg.(int64); ok {
			id = strconv.FormatInt(n, 10)
		}
		if aerr := d.auditRead(ctx, "case.read_refused", "case", id, ""); aerr != nil {
			return nil, aerr
		}
		return nil, err
	} else if err != nil {
		return nil, err
	}
	if !canSee(a, c.OwnerOrg, c.AccessOrgs()) {
		if aerr := d.auditRead(ctx, "case.read_refused", "case", strconv.FormatInt(c.ID, 10), ""); aerr != nil {
			return nil, aerr
		}
		return nil, caseNotFound()
	}
	if err := d.auditRead(ctx, "case.read", "case", strconv.FormatInt(c.ID, 10), ""); err != nil {
		return nil, err
	}
	return c, nil
}

// readCase loads one case in a read-only transaction: one snapshot for
// the case and its children (repeatable read on PostgreSQL; a SQLite
// transaction always reads one snapshot).
func (d *DB) readCase(ctx context.Context, where string, arg any) (*nrm.Case, error) {
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := tx.loadCase(ctx, where, arg)
	if err != nil {
		return nil, d.dialect.translate(err)
	}
	return c, tx.Commit()
}

// loadCase reads one case and its children.
func (tx *Tx) loadCase(ctx context.Context, where string, arg any) (*nrm.Case, error) {
	row := tx.queryRow(ctx, "SELECT "+caseColumns+" FROM cases c WHERE "+where, arg)
	c, sealed, keyID, err := scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, caseNotFound()
	} else if err != nil {
		return nil, err
	}
	if err := tx.db.openIdentifiers(c, sealed, keyID); err != nil {
		return nil, err
	}
	// One statement finds which child tables hold rows of the case, so
	// that the case page queries only those: a case has a handful of the
	// eleven kinds of children, and a query costs more than a probe.
	probes := make([]any, len(probedTables))
	has := make([]bool, len(probedTables))
	for i := range has {
		probes[i] = &has[i]
	}
	if err := tx.queryRow(ctx, childProbeSQL, slices.Repeat([]any{c.ID}, len(probedTables))...).Scan(probes...); err != nil {
		return nil, err
	}
	present := func(table string) bool {
		i := slices.Index(probedTables, table)
		return i < 0 || has[i]
	}
	if err := tx.loadChildren(ctx, present, map[int64]*nrm.Case{c.ID: c}, "case_id = ?", c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// probedTables are the tables of a case's children, probed by loadCase.
var probedTables = []string{"case_shares", "contacts", "assessments", "reconsiderations", "reopenings", "reflection_periods",
	"accommodations", "offers", "exits", "consents", "referrals"}

// childProbeSQL tells, per child table, whether the case (bound once per
// table) has rows there.
var childProbeSQL = func() string {
	parts := make([]string, len(probedTables))
	for i, t := range probedTables {
		parts[i] = "CASE WHEN EXISTS (SELECT 1 FROM " + t + " WHERE case_id = ?) THEN 1 ELSE 0 END"
	}
	return "SELECT " + strings.Join(parts, ", ")
}()

type scanner interface{ Scan(dest ...any) error }

func scanCase(row scanner) (*nrm.Case, []byte, sql.NullString, error) {
	c := &nrm.Case{}
	var birthYear sql.NullInt64
	var nat sql.NullString
	var sealed []byte
	var keyID sql.NullString
	var purged sql.NullTime
	err := row.Scan(&c.ID, &c.Ref, &c.OwnerOrg, &c.Gender, &birthYear, &nat, &c.ResidenceStatus, &sealed, &keyID,
		&c.Version, &c.CreatedAt, &c.UpdatedAt, &purged)
	c.BirthYear, c.Nationality = int(birthYear.Int64), nat.String
	if purged.Valid {
		t := purged.Time
		c.PurgedAt = &t
	}
	return c, sealed, keyID, err
}

// openIdentifiers decrypts the sealed identifiers into c.
func (d *DB) openIdentifiers(c *nrm.Case, sealed []byte, keyID sql.NullString) error {
	if len(sealed) == 0 {
		return nil
	}
	if d.sealer == nil {
		return &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	pt, err := d.sealer.Open(sealed, []byte(c.Ref), keyID.String)
	if err != nil {
		return fmt.Errorf("open identifiers of case %d: %w", c.ID, err)
	}
	return json.Unmarshal(pt, &c.Identifiers)
}

// sealIdentifiers encrypts c's identifiers; nil when there are none.
func (d *DB) sealIdentifiers(c *nrm.Case) ([]byte, any, error) {
	if c.Identifiers.IsZero() {
		return nil, nil, nil
	}
	if d.sealer == nil {
		return nil, nil, &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	pt, err := json.Marshal(c.Identifiers)
	if err != nil {
		return nil, nil, err
	}
	ct, keyID, err := d.sealer.Seal(pt, []byte(c.Ref))
	return ct, keyID, err
}

// loadChildren fills the children of the cases in byID, selected by a
// condition on case_id.
//
// present, when not nil, tells which child tables hold rows of the cases:
// the others are not queried.
func (tx *Tx) loadChildren(ctx context.Context, present func(table string) bool, byID map[int64]*nrm.Case, where string, args ...any) error {
	get := func(id int64) *nrm.Case { return byID[id] }
	q := func(table, sqlText string, fn func(rows *sql.Rows) error) error {
		if present != nil && !present(table) {
			return nil
		}
		return each(ctx, tx, sqlText, args, fn)
	}
	var caseID int64
	if err := q("case_shares", "SELECT case_id, org FROM case_shares WHERE "+where+" ORDER BY case_id, org", func(r *sql.Rows) error {
		var org string
		if err := r.Scan(&caseID, &org); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			c.SharedWith = append(c.SharedWith, org)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := q("contacts", "SELECT case_id, id, date, form, org, place FROM contacts WHERE "+where+" ORDER BY case_id, date, id", func(r *sql.Rows) error {
		var ct nrm.Contact
		if err := r.Scan(&caseID, &ct.ID, &ct.Date, &ct.Form, &ct.Org, &ct.Place); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			c.Contacts = append(c.Contacts, ct)
		}
		return nil
	}); err != nil {
		return err
	}
	forms := map[int64][]nrm.ExploitationForm{}
	if err := q("assessments", "SELECT a.case_id, f.assessment_id, f.form FROM assessment_forms f JOIN assessments a ON a.id = f.assessment_id WHERE a."+where, func(r *sql.Rows) error {
		var aid int64
		var f nrm.ExploitationForm
		if err := r.Scan(&caseID, &aid, &f); err != nil {
			return err
		}
		forms[aid] = append(forms[aid], f)
		return nil
	}); err != nil {
		return err
	}
	if err := q("assessments", `SELECT case_id, id, date, authority, outcome, labour_sector, exploitation_country, override_reason,
		stage, reasons, reasons_key, notified_on, decided_by, labour_setting FROM assessments WHERE `+where+" ORDER BY case_id, date, id", func(r *sql.Rows) error {
		var a nrm.Assessment
		var reasons []byte
		var reasonsKey sql.NullString
		if err := r.Scan(&caseID, &a.ID, &a.Date, &a.Authority, &a.Outcome, &a.LabourSector, &a.ExploitationCountry, &a.OverrideReason,
			&a.Stage, &reasons, &reasonsKey, &a.NotifiedOn, &a.DecidedBy, &a.LabourSetting); err != nil {
			return err
		}
		a.Exploitation = forms[a.ID]
		if c := get(caseID); c != nil {
			var err error
			if a.Reasons, err = tx.db.openText(c.Ref, sealDecisionReasons, reasons, reasonsKey); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			c.Assessments = append(c.Assessments, a)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := q("reconsiderations", `SELECT case_id, id, assessment_id, requested_on, grounds, grounds_key, deadline, outcome, decided_on, new_assessment_id
		FROM reconsiderations WHERE `+where+" ORDER BY case_id, requested_on, id", func(r *sql.Rows) error {
		var x nrm.Reconsideration
		var grounds []byte
		var groundsKey sql.NullString
		var newID sql.NullInt64
		if err := r.Scan(&caseID, &x.ID, &x.AssessmentID, &x.RequestedOn, &grounds, &groundsKey, &x.Deadline, &x.Outcome, &x.DecidedOn, &newID); err != nil {
			return err
		}
		x.NewAssessmentID = newID.Int64
		if c := get(caseID); c != nil {
			var err error
			if x.Grounds, err = tx.db.openText(c.Ref, sealGrounds, grounds, groundsKey); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			c.Reconsiderations = append(c.Reconsiderations, x)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := q("reopenings", "SELECT case_id, id, date, reason, reason_key FROM reopenings WHERE "+where+" ORDER BY case_id, date, id", func(r *sql.Rows) error {
		var x nrm.Reopening
		var reason []byte
		var key sql.NullString
		if err := r.Scan(&caseID, &x.ID, &x.Date, &reason, &key); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			var err error
			if x.Reason, err = tx.db.openText(c.Ref, sealReopenReason, reason, key); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			c.Reopenings = append(c.Reopenings, x)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := tx.loadMechanism(ctx, present, byID, where, args...); err != nil {
		return err
	}
	if err := q("reflection_periods", "SELECT case_id, id, start_date, end_date, kind, reason, decided_by FROM reflection_periods WHERE "+where+" ORDER BY case_id, start_date, id", func(r *sql.Rows) error {
		var p nrm.ReflectionPeriod
		if err := r.Scan(&caseID, &p.ID, &p.Start, &p.End, &p.Kind, &p.Reason, &p.DecidedBy); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			c.ReflectionPeriods = append(c.ReflectionPeriods, p)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := q("accommodations", "SELECT case_id, id, kind, provider, start_date, end_date FROM accommodations WHERE "+where+" ORDER BY case_id, start_date, id", func(r *sql.Rows) error {
		var a nrm.Accommodation
		if err := r.Scan(&caseID, &a.ID, &a.Kind, &a.Provider, &a.Start, &a.End); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			c.Accommodations = append(c.Accommodations, a)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := q("offers", "SELECT case_id, id, kind, offered_on, accepted FROM offers WHERE "+where+" ORDER BY case_id, offered_on, id", func(r *sql.Rows) error {
		var o nrm.Offer
		var acc sql.NullBool
		if err := r.Scan(&caseID, &o.ID, &o.Kind, &o.Offered, &acc); err != nil {
			return err
		}
		if acc.Valid {
			v := acc.Bool
			o.Accepted = &v
		}
		if c := get(caseID); c != nil {
			c.Offers = append(c.Offers, o)
		}
		return nil
	}); err != nil {
		return err
	}
	return q("exits", "SELECT case_id, id, date, kind FROM exits WHERE "+where+" ORDER BY case_id, date, id", func(r *sql.Rows) error {
		var e nrm.Exit
		if err := r.Scan(&caseID, &e.ID, &e.Date, &e.Kind); err != nil {
			return err
		}
		if c := get(caseID); c != nil {
			c.Exits = append(c.Exits, e)
		}
		return nil
	})
}

// loadMechanism fills the consents and referrals of the cases in byID,
// selected by a condition on case_id. They change only through the
// ReferralService, so an update reloads them rather than writing them.
func (tx *Tx) loadMechanism(ctx context.Context, present func(table string) bool, byID map[int64]*nrm.Case, where string, args ...any) error {
	q := func(table, sqlText string, fn func(rows *sql.Rows) error) error {
		if present != nil && !present(table) {
			return nil
		}
		return each(ctx, tx, sqlText, args, fn)
	}
	var caseID int64
	if err := q("consents", `SELECT case_id, id, scopes, share_with, given_on, given_by, withdrawn_on, recorded_by
		FROM consents WHERE `+where+" ORDER BY case_id, given_on, id", func(r *sql.Rows) error {
		var k nrm.Consent
		var scopes, share string
		if err := r.Scan(&caseID, &k.ID, &scopes, &share, &k.GivenOn, &k.GivenBy, &k.WithdrawnOn, &k.RecordedBy); err != nil {
			return err
		}
		for _, s := range splitList(scopes) {
			k.Scopes = append(k.Scopes, nrm.ConsentScope(s))
		}
		k.ShareWith = splitList(share)
		if c := byID[caseID]; c != nil {
			c.Consents = append(c.Consents, k)
		}
		return nil
	}); err != nil {
		return err
	}
	return q("referrals", `SELECT case_id, id, purpose, from_org, from_user, to_org, date, reason, reason_key, route_reason, indicators,
		consent_id, municipality_informed_on, municipality, status, status_on, status_by, return_reason, return_reason_key,
		access_revoked_on, revoke_reason, revoke_reason_key
		FROM referrals WHERE `+where+" ORDER BY case_id, date, id", func(r *sql.Rows) error {
		var x nrm.Referral
		var reason, ret, rev []byte
		var reasonKey, retKey, revKey sql.NullString
		var indicators string
		var consentID sql.NullInt64
		if err := r.Scan(&caseID, &x.ID, &x.Purpose, &x.FromOrg, &x.FromUser, &x.ToOrg, &x.Date, &reason, &reasonKey, &x.RouteReason, &indicators,
			&consentID, &x.MunicipalityInformedOn, &x.Municipality, &x.Status, &x.StatusOn, &x.StatusBy, &ret, &retKey,
			&x.AccessRevokedOn, &rev, &revKey); err != nil {
			return err
		}
		x.ConsentID = consentID.Int64
		for _, s := range splitList(indicators) {
			x.Indicators = append(x.Indicators, nrm.Indicator(s))
		}
		if c := byID[caseID]; c != nil {
			var err error
			if x.Reason, err = tx.db.openText(c.Ref, sealReferralReason, reason, reasonKey); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			if x.ReturnReason, err = tx.db.openText(c.Ref, sealReturnReason, ret, retKey); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			if x.RevokeReason, err = tx.db.openText(c.Ref, sealRevokeReason, rev, revKey); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
			c.Referrals = append(c.Referrals, x)
		}
		return nil
	})
}

// splitList splits a ';'-joined list; the empty string is no element.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// CreateCase validates and stores a new case owned by c.OwnerOrg and
// records its first version. Consents and referrals are recorded through
// the ReferralService once the case exists.
func (d *DB) CreateCase(ctx context.Context, c *nrm.Case) error {
	a := actorOf(ctx)
	if !readsCases(a) {
		return forbidden()
	}
	if a.Role != nrm.RoleAdmin && c.OwnerOrg != a.Org {
		return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "You may only register cases for your own organisation."}
	}
	if err := checkAssessments(a, nil, c.Assessments); err != nil {
		return err
	}
	if err := checkReconsiderations(a, nil, c); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		// A new case may carry a whole history (an exit included), like
		// an import: Validate alone applies, not the closed-case rules of
		// an edit.
		if err := c.Validate(nrm.DateOf(tx.now)); err != nil {
			return err
		}
		c.Normalize()
		if err := tx.insertCase(ctx, c); err != nil {
			return err
		}
		if err := tx.audit(ctx, "case.create", "case", strconv.FormatInt(c.ID, 10), ""); err != nil {
			return err
		}
		return tx.recordVersion(ctx, c, "case.create", "", nil)
	})
}

// UpdateCase replaces a case if c.Version is current. A change that
// corrects or voids a recorded fact needs a reason: see CorrectCase.
func (d *DB) UpdateCase(ctx context.Context, c *nrm.Case) error {
	return d.saveCase(ctx, c, "")
}

// DeleteCase removes a case and its children (administrators only).
func (d *DB) DeleteCase(ctx context.Context, id int64) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM cases WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return caseNotFound()
		}
		return tx.audit(ctx, "case.delete", "case", strconv.FormatInt(id, 10), "")
	})
}

// summary is the per-case derived facts kept on the cases row.
type summary struct {
	firstContact     nrm.Date
	contactForm      any
	identifiedOn     nrm.Date
	authority        any
	identifiedAge    any
	latestOutcome    any
	closedOn         nrm.Date
	identifyingIndex int // index into c.Assessments, -1 if none
}

// summarize derives the per-case facts. Only final decisions identify
// (a preliminary "presumed victim" assessment does not count in the
// statistics); latest_outcome is the outcome of the latest final decision,
// or of the latest preliminary one while there is no final decision yet.
func summarize(c *nrm.Case) summary {
	s := summary{identifyingIndex: -1}
	if ct, ok := c.FirstContact(); ok {
		s.firstContact, s.contactForm = ct.Date, string(ct.Form)
	}
	for i, a := range c.Assessments {
		if a.Outcome == nrm.OutcomeIdentified && a.IsFinal() && (s.identifyingIndex < 0 || a.Date.Before(c.Assessments[s.identifyingIndex].Date)) {
			s.identifyingIndex = i
		}
	}
	if s.identifyingIndex >= 0 {
		a := c.Assessments[s.identifyingIndex]
		s.identifiedOn, s.authority = a.Date, string(a.Authority)
		if age, ok := c.AgeAt(a.Date); ok {
			s.identifiedAge = age
		}
	}
	latest := func(final bool) (nrm.Assessment, bool) {
		var l nrm.Assessment
		found := false
		for _, a := range c.Assessments {
			if a.IsFinal() == final && (!found || !a.Date.Before(l.Date)) {
				l, found = a, true
			}
		}
		return l, found
	}
	if l, ok := latest(true); ok {
		s.latestOutcome = string(l.Outcome)
	} else if l, ok := latest(false); ok {
		s.latestOutcome = string(l.Outcome)
	}
	s.closedOn = c.ClosedOn()
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertCase writes a new case row and its children. Ids the children
// carry are only labels linking a reconsideration to its assessment: a
// new case's children all get fresh ids.
func (tx *Tx) insertCase(ctx context.Context, c *nrm.Case) error {
	if len(c.Referrals) > 0 || len(c.Consents) > 0 {
		return &nrm.Error{Code: nrm.EINVALID, Message: "Record consents and referrals once the case exists (they are not part of a new case).",
			Fields: []nrm.FieldError{{Field: "referral", Rule: nrm.RuleNotAllowed, Expected: "no consents or referrals on a new case"}}}
	}
	sealed, keyID, err := tx.db.sealIdentifiers(c)
	if err != nil {
		return err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = 1, tx.now, tx.now
	id, err := tx.insertID(ctx, `INSERT INTO cases (ref, owner_org, gender, birth_year, nationality, residence_status, identifiers, key_id, content_hash, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Ref, c.OwnerOrg, string(c.Gender), nullInt(c.BirthYear), nullStr(c.Nationality), string(c.ResidenceStatus),
		sealed, keyID, tx.db.contentHash(c), c.Version, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		if nrm.ErrorCode(tx.db.dialect.translate(err)) == nrm.ECONFLICT {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: fmt.Sprintf("A case with reference %q already exists.", c.Ref),
				Fields: []nrm.FieldError{{Field: "case_ref", Rule: nrm.RuleDuplicate, Value: c.Ref}}}
		}
		return err
	}
	c.ID = id
	if err := tx.indexCase(ctx, c); err != nil {
		return err
	}
	return tx.writeChildren(ctx, c, nil)
}

// childTables are the tables of the children replaceCase rewrites, each
// with an id column and a case_id. Consents and referrals are not among
// them: they change only through the ReferralService.
var childTables = []string{"contacts", "assessments", "reflection_periods", "accommodations", "offers", "exits", "reconsiderations", "reopenings"}

// storedChildIDs selects the index in childTables and the id of every
// child row of a case, which is given once per table.
var storedChildIDs = func() string {
	parts := make([]string, len(childTables))
	for i, t := range childTables {
		parts[i] = "SELECT " + strconv.Itoa(i) + ", id FROM " + t + " WHERE case_id = ?"
	}
	return strings.Join(parts, " UNION ALL ")
}()

// replaceCase rewrites the case row and its children, bumping the
// version. The caller has checked the version. Children keep their ids:
// a child carrying the id of one of the case's stored rows is written
// back under that id, any other gets a fresh one, so that corrections
// and reconsiderations can address facts by id. Consents and referrals
// are left as stored, and c gets them as stored.
func (tx *Tx) replaceCase(ctx context.Context, c *nrm.Case) error {
	stored := &nrm.Case{ID: c.ID, Ref: c.Ref}
	if err := tx.loadMechanism(ctx, nil, map[int64]*nrm.Case{c.ID: stored}, "case_id = ?", c.ID); err != nil {
		return err
	}
	c.Consents, c.Referrals = stored.Consents, stored.Referrals
	sealed, keyID, err := tx.db.sealIdentifiers(c)
	if err != nil {
		return err
	}
	// A purged case has lost its birth date; its stored age at
	// identification must survive later edits, or retention would change
	// the statistics.
	var purged bool
	var keptOn nrm.Date
	var keptAge sql.NullInt64
	if err := tx.queryRow(ctx, "SELECT purged_at IS NOT NULL, identified_on, identified_age FROM cases WHERE id = ?", c.ID).
		Scan(&purged, &keptOn, &keptAge); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE cases SET owner_org = ?, gender = ?, birth_year = ?, nationality = ?, residence_status = ?,
		identifiers = ?, key_id = ?, content_hash = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		c.OwnerOrg, string(c.Gender), nullInt(c.BirthYear), nullStr(c.Nationality), string(c.ResidenceStatus),
		sealed, keyID, tx.db.contentHash(c), tx.now, c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &nrm.Error{Code: nrm.ECONFLICT, Message: "The case was changed by someone else. Reload it and make your change again."}
	}
	c.Version++
	c.UpdatedAt = tx.now
	if err := tx.indexCase(ctx, c); err != nil {
		return err
	}
	// The stored ids of every child table, in one query; a table without
	// stored rows needs no DELETE.
	keep := make(map[string]map[int64]bool, len(childTables))
	args := make([]any, len(childTables))
	for i := range args {
		args[i] = c.ID
	}
	if err := each(ctx, tx, storedChildIDs, args, func(r *sql.Rows) error {
		var t int
		var id int64
		if err := r.Scan(&t, &id); err != nil {
			return err
		}
		if keep[childTables[t]] == nil {
			keep[childTables[t]] = map[int64]bool{}
		}
		keep[childTables[t]][id] = true
		return nil
	}); err != nil {
		return err
	}
	// Explicitly, not by ON DELETE CASCADE: an import runs with SQLite's
	// foreign-key enforcement off (import.go).
	if len(keep["assessments"]) > 0 {
		if _, err := tx.exec(ctx, "DELETE FROM assessment_forms WHERE assessment_id IN (SELECT id FROM assessments WHERE case_id = ?)", c.ID); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, "DELETE FROM case_shares WHERE case_id = ?", c.ID); err != nil {
		return err
	}
	for _, t := range childTables {
		if len(keep[t]) == 0 {
			continue
		}
		if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE case_id = ?", c.ID); err != nil {
			return err
		}
	}
	if err := tx.writeChildren(ctx, c, keep); err != nil {
		return err
	}
	if purged && keptAge.Valid && summarize(c).identifiedOn == keptOn {
		_, err = tx.exec(ctx, "UPDATE cases SET identified_age = ? WHERE id = ?", keptAge.Int64, c.ID)
	}
	return err
}

// childWriter inserts the rows of one child table, keeping the ids that
// keep allows (each once) and drawing fresh ones for the rest.
type childWriter struct {
	tx    *Tx
	table string
	cols  string // the columns after id, comma-separated
	keep  map[int64]bool
}

// write inserts n rows: first those whose id is kept, with the id, then
// the others, so that a fresh SQLite rowid (the largest plus one) can
// never take an id still to be written back. id(i) returns the id the
// i-th child carries, args(i) its column values, and set(i, id) stores
// the id written.
func (w childWriter) write(ctx context.Context, n int, id func(int) int64, args func(int) ([]any, error), set func(int, int64) error) error {
	marks := strings.TrimSuffix(strings.Repeat("?, ", strings.Count(w.cols, ",")+1), ", ")
	withID := "INSERT INTO " + w.table + " (id, " + w.cols + ") VALUES (?, " + marks + ")"
	fresh := "INSERT INTO " + w.table + " (" + w.cols + ") VALUES (" + marks + ")"
	kept := make([]bool, n)
	used := map[int64]bool{}
	for i := 0; i < n; i++ {
		if x := id(i); x != 0 && w.keep[x] && !used[x] {
			used[x], kept[i] = true, true
			a, err := args(i)
			if err != nil {
				return err
			}
			if _, err := w.tx.exec(ctx, withID, append([]any{x}, a...)...); err != nil {
				return err
			}
			if err := set(i, x); err != nil {
				return err
			}
		}
	}
	for i := 0; i < n; i++ {
		if kept[i] {
			continue
		}
		a, err := args(i)
		if err != nil {
			return err
		}
		x, err := w.tx.insertID(ctx, fresh, a...)
		if err != nil {
			return err
		}
		if err := set(i, x); err != nil {
			return err
		}
	}
	return nil
}

// writeChildren inserts all children of c (but its consents and
// referrals) and refreshes its summary. keep holds, per table, the ids of
// the rows the case had, which a child may keep; nil for a new case.
func (tx *Tx) writeChildren(ctx context.Context, c *nrm.Case, keep map[string]map[int64]bool) error {
	for _, o := range c.SharedWith {
		if _, err := tx.exec(ctx, "INSERT INTO case_shares (case_id, org) VALUES (?, ?)", c.ID, o); err != nil {
			return err
		}
	}
	w := func(table, cols string) childWriter {
		return childWriter{tx: tx, table: table, cols: cols, keep: keep[table]}
	}
	if err := w("contacts", "case_id, date, form, org, place").write(ctx, len(c.Contacts),
		func(i int) int64 { return c.Contacts[i].ID },
		func(i int) ([]any, error) {
			ct := &c.Contacts[i]
			return []any{c.ID, ct.Date, string(ct.Form), ct.Org, ct.Place}, nil
		},
		func(i int, id int64) error { c.Contacts[i].ID = id; return nil }); err != nil {
		return err
	}
	// The ids the assessments carried map to those written, for the
	// reconsiderations that refer to them.
	assessmentIDs := map[int64]int64{}
	if err := w("assessments", "case_id, date, authority, outcome, labour_sector, exploitation_country, override_reason, stage, reasons, reasons_key, notified_on, decided_by, labour_setting").
		write(ctx, len(c.Assessments),
			func(i int) int64 { return c.Assessments[i].ID },
			func(i int) ([]any, error) {
				as := &c.Assessments[i]
				reasons, key, err := tx.db.sealText(c.Ref, sealDecisionReasons, as.Reasons)
				if err != nil {
					return nil, err
				}
				return []any{c.ID, as.Date, string(as.Authority), string(as.Outcome), string(as.LabourSector), as.ExploitationCountry, as.OverrideReason,
					string(as.Stage), reasons, key, as.NotifiedOn, as.DecidedBy, string(as.LabourSetting)}, nil
			},
			func(i int, id int64) error {
				as := &c.Assessments[i]
				if _, ok := assessmentIDs[as.ID]; !ok && as.ID != 0 {
					assessmentIDs[as.ID] = id
				}
				as.ID = id
				for _, f := range as.Exploitation {
					if _, err := tx.exec(ctx, "INSERT INTO assessment_forms (assessment_id, form) VALUES (?, ?)", id, string(f)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
		return err
	}
	if err := tx.checkReflectionMax(ctx, c); err != nil {
		return err
	}
	if err := w("reflection_periods", "case_id, start_date, end_date, kind, reason, decided_by").write(ctx, len(c.ReflectionPeriods),
		func(i int) int64 { return c.ReflectionPeriods[i].ID },
		func(i int) ([]any, error) {
			p := &c.ReflectionPeriods[i]
			return []any{c.ID, p.Start, p.End, string(p.Kind), p.Reason, p.DecidedBy}, nil
		},
		func(i int, id int64) error { c.ReflectionPeriods[i].ID = id; return nil }); err != nil {
		return err
	}
	if err := w("accommodations", "case_id, kind, provider, start_date, end_date").write(ctx, len(c.Accommodations),
		func(i int) int64 { return c.Accommodations[i].ID },
		func(i int) ([]any, error) {
			a := &c.Accommodations[i]
			return []any{c.ID, string(a.Kind), a.Provider, a.Start, a.End}, nil
		},
		func(i int, id int64) error { c.Accommodations[i].ID = id; return nil }); err != nil {
		return err
	}
	if err := w("offers", "case_id, kind, offered_on, accepted").write(ctx, len(c.Offers),
		func(i int) int64 { return c.Offers[i].ID },
		func(i int) ([]any, error) {
			o := &c.Offers[i]
			var acc any
			if o.Accepted != nil {
				acc = *o.Accepted
			}
			return []any{c.ID, string(o.Kind), o.Offered, acc}, nil
		},
		func(i int, id int64) error { c.Offers[i].ID = id; return nil }); err != nil {
		return err
	}
	if err := w("exits", "case_id, date, kind").write(ctx, len(c.Exits),
		func(i int) int64 { return c.Exits[i].ID },
		func(i int) ([]any, error) { e := &c.Exits[i]; return []any{c.ID, e.Date, string(e.Kind)}, nil },
		func(i int, id int64) error { c.Exits[i].ID = id; return nil }); err != nil {
		return err
	}
	if err := w("reopenings", "case_id, date, reason, reason_key").write(ctx, len(c.Reopenings),
		func(i int) int64 { return c.Reopenings[i].ID },
		func(i int) ([]any, error) {
			r := &c.Reopenings[i]
			reason, key, err := tx.db.sealText(c.Ref, sealReopenReason, r.Reason)
			if err != nil {
				return nil, err
			}
			return []any{c.ID, r.Date, reason, key}, nil
		},
		func(i int, id int64) error { c.Reopenings[i].ID = id; return nil }); err != nil {
		return err
	}
	linked := func(id int64) int64 {
		if n, ok := assessmentIDs[id]; ok {
			return n
		}
		return id
	}
	if err := w("reconsiderations", "case_id, assessment_id, requested_on, grounds, grounds_key, deadline, outcome, decided_on, new_assessment_id").
		write(ctx, len(c.Reconsiderations),
			func(i int) int64 { return c.Reconsiderations[i].ID },
			func(i int) ([]any, error) {
				r := &c.Reconsiderations[i]
				r.AssessmentID, r.NewAssessmentID = linked(r.AssessmentID), linked(r.NewAssessmentID)
				grounds, key, err := tx.db.sealText(c.Ref, sealGrounds, r.Grounds)
				if err != nil {
					return nil, err
				}
				var newID any
				if r.NewAssessmentID != 0 {
					newID = r.NewAssessmentID
				}
				return []any{c.ID, r.AssessmentID, r.RequestedOn, grounds, key, r.Deadline, string(r.Outcome), r.DecidedOn, newID}, nil
			},
			func(i int, id int64) error { c.Reconsiderations[i].ID = id; return nil }); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, summaryUpdateSQL, append(summaryValues(c), c.ID)...); err != nil {
		return err
	}
	return tx.refreshDecided(ctx, c.ID)
}

// summaryUpdateSQL writes the summary columns of one case.
var summaryUpdateSQL = "UPDATE cases SET " + strings.Join(summaryColumns, " = ?, ") + " = ? WHERE id = ?"

// summaryColumns are the derived per-case columns, in the order of
// summaryValues; the bulk import writes them with the row itself.
var summaryColumns = []string{"first_contact_date", "first_contact_form", "identified_on", "identified_authority",
	"identified_assessment_id", "identified_age", "latest_outcome", "closed_on", "identified_forms", "identified_labour_sector",
	"reflection_due", "offer_since", "shelter_since"}

// summaryValues returns the derived facts of c, whose assessments carry
// their ids, in the order of summaryColumns.
func summaryValues(c *nrm.Case) []any {
	return appendSummary(nil, c, func(d nrm.Date) any { return d })
}

// appendSummary appends summaryValues(c) to dst, each date as date gives
// it (the bulk writer's boxes them once each).
func appendSummary(dst []any, c *nrm.Case, date func(nrm.Date) any) []any {
	s := summarize(c)
	var assessmentID, forms, sector any
	if s.identifyingIndex >= 0 {
		a := &c.Assessments[s.identifyingIndex]
		assessmentID, forms, sector = a.ID, formMask(a.Exploitation), string(a.LabourSector)
	}
	reflectionDue, offerSince, shelterSince := taskDates(c, s.closedOn)
	return append(dst, date(s.firstContact), s.contactForm, date(s.identifiedOn), s.authority, assessmentID, s.identifiedAge, s.latestOutcome,
		date(s.closedOn), forms, sector, date(reflectionDue), date(offerSince), date(shelterSince))
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
