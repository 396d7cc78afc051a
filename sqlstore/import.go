package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"nrm"
)

// Import runs fn inside one transaction: every row written through the
// writer commits together or not at all. Only administrators import. New
// cases go through the bulk writer (bulk.go); changed ones are replaced
// one by one.
func (d *DB) Import(ctx context.Context, fn func(w nrm.ImportWriter) error) (nrm.ImportResult, error) {
	var res nrm.ImportResult
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return res, forbidden()
	}
	err := d.importTx(ctx, func(tx *Tx, conn *sql.Conn) error {
		w := &importWriter{tx: tx, created: map[uint64]struct{}{}, seed: maphash.MakeSeed(), today: nrm.DateOf(tx.now)}
		ts, err := readTaskSettings(ctx, tx.query)
		if err != nil {
			return err
		}
		w.reflectionMax = ts.reflectionMax
		if err := w.stored.load(ctx, tx, w.seed); err != nil {
			return err
		}
		rebuild, deferred, err := tx.deferIndexes(ctx)
		if err != nil {
			return err
		}
		if w.bulk, err = newBulkWriter(ctx, tx, conn, deferred); err != nil {
			return err
		}
		defer w.bulk.abort() // a no-op after close
		if err := fn(w); err != nil {
			return err
		}
		if err := w.bulk.close(ctx); err != nil {
			return err
		}
		if err := rebuild(ctx); err != nil {
			return err
		}
		res = w.res
		return tx.audit(ctx, "import", "bundle", "", fmt.Sprintf("created %d, updated %d, unchanged %d, prosecution rows %d",
			res.Created, res.Updated, res.Unchanged, res.Prosecutions))
	})
	if err != nil {
		return nrm.ImportResult{}, err
	}
	return res, nil
}

// importCacheKiB is SQLite's page cache for an import. Large enough for
// the pages being appended to and the unique indexes' right edges; a
// larger cache buys little (the secondary indexes of a first load are
// built at the end, import_indexes.go) and costs at the end: the driver's
// allocator gives a cache back page by page (2.5 s for 256 MiB), and it
// counts against the import's bounded memory.
const importCacheKiB = 32 << 10

// importPragmas tune the SQLite connection of an import; they are set
// before BEGIN (foreign_keys cannot change inside a transaction), and the
// connection is closed after it.
//   - cache_size: see importCacheKiB.
//   - temp_store: the default (files). Building an index sorts its keys,
//     spilling to temporary files beyond the cache size; kept in memory,
//     they would grow with the bundle. (The inserts need no statement
//     journal: OR ROLLBACK.)
//   - foreign_keys: off. Checking every child row against its parent (and
//     every parent against deferred orphans) costs a fifth of a bulk
//     import; the bulk writer allocates the ids it links, and the one
//     cascade the import relied on (assessment_forms) is done explicitly
//     by replaceCase. Tests check the result with foreign_key_check.
//   - mmap_size: 0. The memory map serves reads; an import mostly
//     appends, and every growth of the file remaps it (1.7 s of system
//     time per 1,000,000 cases).
var importPragmas = []struct{ name, value string }{{"cache_size", "-" + strconv.Itoa(importCacheKiB)}, {"foreign_keys", "0"}, {"mmap_size", "0"}}

// importTx runs fn in a transaction on a connection of its own (the bulk
// writer reaches the driver connection under it).
func (d *DB) importTx(ctx context.Context, fn func(tx *Tx, conn *sql.Conn) error) error {
	// The write turn before the connection, as in BeginTx: a goroutine
	// waiting for its turn must not hold a connection the writer needs.
	release, err := d.lockWrites(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		release()
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if d.dialect.name() == "sqlite" {
		// The connection is closed afterwards instead of given its
		// settings back: shrinking the page cache to its usual size frees
		// it page by page (0.8 s per 200,000 cases), closing it at once.
		defer conn.Raw(func(any) error { return driver.ErrBadConn })
		if err := setPragmas(ctx, conn, importPragmas); err != nil {
			release()
			return err
		}
	}
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		release()
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: stx, db: d, now: d.Now(), release: release}
	defer tx.Rollback()
	resume, err := tx.suspendDataTriggers(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx, conn); err != nil {
		return d.dialect.translate(err)
	}
	if err := resume(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return d.dialect.translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// setPragmas sets SQLite pragmas on the import's connection (or its
// transaction), which is closed after the import rather than returned to
// the pool with these settings.
func setPragmas(ctx context.Context, conn interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, ps []struct{ name, value string }) error {
	for _, p := range ps {
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value); err != nil {
			return err
		}
	}
	return nil
}

// contentKey is a case's content hash in 16 bytes: the import keeps one
// per case in memory.
type contentKey [16]byte

func contentKeyOf[T ~string | ~[]byte](hash T) contentKey {
	var k contentKey
	hex.Decode(k[:], []byte(hash)) // an empty or odd hash stays zero: never equal
	return k
}

// storedCases is what an import knows of the cases stored before it: per
// case a 64-bit hash of its reference and its content key, sorted by the
// hash — 24 bytes a case, where a map from references took some 150 (a
// re-import into a database of 1,000,000 cases peaked at 331 MB). A
// reference that shares its hash with another is found by the update
// path, which looks the case up by its reference; two stored references
// with one hash both get a zero key, which no content matches.
type storedCases struct {
	seed  maphash.Seed
	cases []storedCase
}

// storedHashMask keeps every bit of the hashes; tests keep two, so that
// references share hashes.
var storedHashMask = ^uint64(0)

type storedCase struct {
	hash uint64
	key  contentKey
}

func (s *storedCases) load(ctx context.Context, tx *Tx, seed maphash.Seed) error {
	s.seed = seed
	rows, err := tx.query(ctx, "SELECT ref, content_hash FROM cases")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ref, hash sql.RawBytes
		if err := rows.Scan(&ref, &hash); err != nil {
			return err
		}
		s.cases = append(s.cases, storedCase{maphash.Bytes(seed, ref) & storedHashMask, contentKeyOf(hash)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(s.cases, func(a, b storedCase) int { return cmp.Compare(a.hash, b.hash) })
	for i := 1; i < len(s.cases); i++ {
		if s.cases[i].hash == s.cases[i-1].hash {
			s.cases[i].key, s.cases[i-1].key = contentKey{}, contentKey{}
		}
	}
	return nil
}

// find returns the index of ref's hash, -1 if no stored case has it.
func (s *storedCases) find(ref string) int {
	h := maphash.String(s.seed, ref) & storedHashMask
	i, ok := slices.BinarySearchFunc(s.cases, h, func(c storedCase, h uint64) int { return cmp.Compare(c.hash, h) })
	if !ok {
		return -1
	}
	return i
}

// key returns the content key stored under ref's hash.
func (s *storedCases) key(ref string) (contentKey, bool) {
	if i := s.find(ref); i >= 0 {
		return s.cases[i].key, true
	}
	return contentKey{}, false
}

// setKey records the content key of a stored case the import changed (or
// found unchanged after all); a reference sharing its hash keeps the
// zero key.
func (s *storedCases) setKey(ref string, k contentKey) {
	i := s.find(ref)
	if i < 0 || (i > 0 && s.cases[i-1].hash == s.cases[i].hash) || (i+1 < len(s.cases) && s.cases[i+1].hash == s.cases[i].hash) {
		return
	}
	s.cases[i].key = k
}

type importWriter struct {
	tx    *Tx
	today nrm.Date
	// reflectionMax is the setting reflection.max_days, which every
	// imported case's reflection periods are held to.
	reflectionMax int
	stored        storedCases // the cases stored before, with their content keys as updated
	// created holds a hash of each reference this import created, 8 bytes
	// a case rather than the reference and its content key: a reference
	// seen again takes the update path, which looks the case up (and, for
	// another reference with the same hash, finds none).
	created map[uint64]struct{}
	seed    maphash.Seed
	bulk    *bulkWriter
	res     nrm.ImportResult
}

// PutCase implements nrm.ImportWriter: a case that only the classic
// files carry.
func (w *importWriter) PutCase(ctx context.Context, c *nrm.Case) error { return w.PutRecord(ctx, c, 0) }

// PutRecord implements nrm.ImportWriter. A new case is queued for the
// bulk writer, which owns it from then on, unless it carries what the
// bulk tables do not hold (assessment stages and reasons, reopenings,
// reconsiderations, consents, referrals): such a case is written on its
// own (insertRecord), after the bulk writer has caught up.
func (w *importWriter) PutRecord(ctx context.Context, c *nrm.Case, parts nrm.BundleParts) error {
	if err := w.bulk.failed(); err != nil {
		return err
	}
	if err := c.Validate(w.today); err != nil {
		return err
	}
	if err := c.ValidateReflectionMax(w.reflectionMax); err != nil {
		return err
	}
	c.Normalize()
	hash := w.tx.db.contentHash(c)
	key := contentKeyOf(hash)
	old, stored := w.stored.key(c.Ref)
	if stored && old == key {
		w.res.Unchanged++
		return nil
	}
	// A case stored before or created by this import takes the update
	// path; not found there, the reference only shares its hash with
	// another, and the case is new.
	if _, created := w.created[w.refHash(c.Ref)]; stored || created {
		if err := w.update(ctx, c, parts); nrm.ErrorCode(err) != nrm.ENOTFOUND {
			return err
		}
	}
	if !bulkable(c) {
		return w.insertRecord(ctx, c)
	}
	sealed, keyID, err := w.tx.db.sealIdentifiers(c)
	if err != nil {
		return err
	}
	w.created[w.refHash(c.Ref)] = struct{}{}
	w.res.Created++
	return w.bulk.add(ctx, &newCase{c: c, hash: hash, sealed: sealed, keyID: keyID})
}

func (w *importWriter) refHash(ref string) uint64 { return maphash.String(w.seed, ref) }

// bulkable reports whether the bulk tables hold all of c.
func bulkable(c *nrm.Case) bool {
	if len(c.Reopenings) > 0 || len(c.Reconsiderations) > 0 || len(c.Consents) > 0 || len(c.Referrals) > 0 {
		return false
	}
	for _, a := range c.Assessments {
		if a.Stage != "" || a.Reasons != "" || !a.NotifiedOn.IsZero() || a.DecidedBy != "" {
			return false
		}
	}
	return true
}

// insertRecord writes a new case that the bulk writer cannot hold, row by
// row: the case and its children, then its consents and referrals.
func (w *importWriter) insertRecord(ctx context.Context, c *nrm.Case) error {
	if err := w.bulk.sync(ctx); err != nil {
		return err
	}
	consents, referrals := c.Consents, c.Referrals
	c.Consents, c.Referrals = nil, nil
	if err := w.tx.insertCase(ctx, c); err != nil {
		return err
	}
	if err := w.tx.writeMechanism(ctx, c, consents, referrals); err != nil {
		return err
	}
	hash := w.tx.db.contentHash(c)
	if _, err := w.tx.exec(ctx, "UPDATE cases SET content_hash = ? WHERE id = ?", hash, c.ID); err != nil {
		return err
	}
	w.created[w.refHash(c.Ref)] = struct{}{}
	w.res.Created++
	return w.tx.audit(ctx, "case.import", "case", strconv.FormatInt(c.ID, 10), "created")
}

// writeMechanism inserts the consents and referrals of case c (stored
// already), sets them on c with their new ids, and links each referral
// to its consent: a referral's ConsentID is the id its consent carried
// before (in a bundle, minus the consent's number). Referral reasons are
// sealed.
func (tx *Tx) writeMechanism(ctx context.Context, c *nrm.Case, consents []nrm.Consent, referrals []nrm.Referral) error {
	ids := map[int64]int64{}
	for i := range consents {
		k := &consents[i]
		scopes := make([]string, len(k.Scopes))
		for j, s := range k.Scopes {
			scopes[j] = string(s)
		}
		id, err := tx.insertID(ctx, `INSERT INTO consents (case_id, scopes, share_with, given_on, given_by, withdrawn_on, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, strings.Join(scopes, ";"), strings.Join(k.ShareWith, ";"), k.GivenOn, k.GivenBy, k.WithdrawnOn, k.RecordedBy)
		if err != nil {
			return err
		}
		if k.ID != 0 {
			ids[k.ID] = id
		}
		k.ID = id
	}
	for i := range referrals {
		r := &referrals[i]
		var consent any
		if r.ConsentID != 0 {
			n, ok := ids[r.ConsentID]
			if !ok {
				return &nrm.Error{Code: nrm.EINVALID, Message: "The referral rests on a consent the case does not have.",
					Fields: []nrm.FieldError{{Field: "consent", Rule: nrm.RuleUnknownReference, Expected: "a consent of this case"}}}
			}
			r.ConsentID, consent = n, n
		}
		reason, keyID, err := tx.db.sealText(c.Ref, sealReferralReason, r.Reason)
		if err != nil {
			return err
		}
		indicators := make([]string, len(r.Indicators))
		for j, x := range r.Indicators {
			indicators[j] = string(x)
		}
		ret, retKey, err := tx.db.sealText(c.Ref, sealReturnReason, r.ReturnReason)
		if err != nil {
			return err
		}
		rev, revKey, err := tx.db.sealText(c.Ref, sealRevokeReason, r.RevokeReason)
		if err != nil {
			return err
		}
		id, err := tx.insertID(ctx, `INSERT INTO referrals (case_id, purpose, from_org, from_user, to_org, date, reason, reason_key, route_reason,
			indicators, consent_id, municipality_informed_on, municipality, status, status_on, status_by, return_reason, return_reason_key,
			access_revoked_on, revoke_reason, revoke_reason_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, string(r.Purpose), r.FromOrg, r.FromUser, r.ToOrg, r.Date, reason, keyID, r.RouteReason,
			strings.Join(indicators, ";"), consent, r.MunicipalityInformedOn, r.Municipality, string(r.Status), r.StatusOn, r.StatusBy,
			ret, retKey, r.AccessRevokedOn, rev, revKey)
		if err != nil {
			return err
		}
		r.ID = id
	}
	c.Consents, c.Referrals = consents, referrals
	if len(referrals) > 0 {
		return tx.refreshDecided(ctx, c.ID)
	}
	return nil
}

// update merges the bundle's record of an existing case into the stored
// one (mergeRecord) and writes it when that changes anything.
func (w *importWriter) update(ctx context.Context, c *nrm.Case, parts nrm.BundleParts) error {
	if err := w.bulk.sync(ctx); err != nil { // the case may be one of this import's
		return err
	}
	old, err := w.tx.loadCase(ctx, "c.ref = ?", c.Ref)
	if err != nil {
		return err
	}
	old.Normalize() // as c is, so that equal records hash alike
	merged := mergeRecord(old, c, parts)
	oldHash := w.tx.db.contentHash(old)
	if w.tx.db.contentHash(merged) == oldHash {
		// The stored hash was stale, or the bundle carries less than the
		// case holds (a classic bundle and a case with more): nothing of
		// what the bundle carries differs.
		w.stored.setKey(c.Ref, contentKeyOf(oldHash))
		w.res.Unchanged++
		return nil
	}
	if err := merged.Validate(w.today); err != nil {
		return err
	}
	consents, referrals := merged.Consents, merged.Referrals
	if err := w.tx.replaceCase(ctx, merged); err != nil {
		return err
	}
	if parts&nrm.PartReferrals != 0 {
		for _, t := range []string{"referrals", "consents"} {
			if _, err := w.tx.exec(ctx, "DELETE FROM "+t+" WHERE case_id = ?", merged.ID); err != nil {
				return err
			}
		}
		if err := w.tx.writeMechanism(ctx, merged, consents, referrals); err != nil {
			return err
		}
	}
	hash := w.tx.db.contentHash(merged)
	if _, err := w.tx.exec(ctx, "UPDATE cases SET content_hash = ? WHERE id = ?", hash, merged.ID); err != nil {
		return err
	}
	*c = *merged
	w.stored.setKey(c.Ref, contentKeyOf(hash))
	w.res.Updated++
	return w.tx.audit(ctx, "case.import", "case", strconv.FormatInt(c.ID, 10), "updated")
}

// mergeRecord returns the stored case old with what the bundle carries
// for it from in: the case attributes, the birth date, accommodations and
// exits always; the parts named whole; and otherwise the first contact
// and the primary assessment of cases.csv in place of the stored ones
// (keeping the stored fields cases.csv has no column for). Purged
// identifiers stay purged. old is not changed.
func mergeRecord(old, in *nrm.Case, parts nrm.BundleParts) *nrm.Case {
	m := *old
	m.OwnerOrg, m.Gender, m.BirthYear, m.Nationality, m.ResidenceStatus = in.OwnerOrg, in.Gender, in.BirthYear, in.Nationality, in.ResidenceStatus
	if old.PurgedAt == nil {
		if parts&nrm.PartIdentifiers != 0 {
			m.Identifiers = in.Identifiers
		} else {
			m.Identifiers.BirthDate = in.Identifiers.BirthDate
		}
	}
	m.Accommodations, m.Exits = in.Accommodations, in.Exits
	if parts&nrm.PartContacts != 0 {
		m.Contacts = in.Contacts
	} else {
		m.Contacts = append([]nrm.Contact(nil), old.Contacts...)
		i := firstContactIndex(&m)
		switch {
		case len(in.Contacts) > 0 && i >= 0:
			ct := in.Contacts[0]
			ct.ID, ct.Place = m.Contacts[i].ID, m.Contacts[i].Place
			m.Contacts[i] = ct
		case len(in.Contacts) > 0:
			m.Contacts = append(m.Contacts, in.Contacts[0])
		case i >= 0:
			m.Contacts = append(m.Contacts[:i], m.Contacts[i+1:]...)
		}
	}
	if parts&nrm.PartAssessments != 0 {
		m.Assessments, m.Reconsiderations = in.Assessments, in.Reconsiderations
	} else {
		m.Assessments = append([]nrm.Assessment(nil), old.Assessments...)
		i := primaryAssessmentIndex(&m)
		switch {
		case len(in.Assessments) > 0 && i >= 0:
			a, p := &m.Assessments[i], in.Assessments[0]
			a.Date, a.Authority, a.Outcome, a.LabourSector, a.ExploitationCountry = p.Date, p.Authority, p.Outcome, p.LabourSector, p.ExploitationCountry
			a.Exploitation, a.LabourSetting = p.Exploitation, p.LabourSetting
		case len(in.Assessments) > 0:
			m.Assessments = append(m.Assessments, in.Assessments[0])
		case i >= 0:
			m.Assessments = append(m.Assessments[:i], m.Assessments[i+1:]...)
		}
	}
	if parts&nrm.PartReflection != 0 {
		m.ReflectionPeriods = in.ReflectionPeriods
	}
	if parts&nrm.PartOffers != 0 {
		m.Offers = in.Offers
	}
	if parts&nrm.PartReopenings != 0 {
		m.Reopenings = in.Reopenings
	}
	if parts&nrm.PartReferrals != 0 {
		m.Consents, m.Referrals = in.Consents, in.Referrals
	}
	if parts&nrm.PartShares != 0 {
		m.SharedWith = in.SharedWith
	}
	m.Normalize()
	return &m
}

// firstContactIndex is the index of c.FirstContact, -1 if none.
func firstContactIndex(c *nrm.Case) int {
	i := -1
	for j, ct := range c.Contacts {
		if i < 0 || ct.Date.Before(c.Contacts[i].Date) {
			i = j
		}
	}
	return i
}

// primaryAssessmentIndex is the index of c.PrimaryAssessment, -1 if none.
func primaryAssessmentIndex(c *nrm.Case) int {
	i := -1
	for j, a := range c.Assessments {
		if a.Outcome == nrm.OutcomeIdentified && a.IsFinal() && (i < 0 || a.Date.Before(c.Assessments[i].Date)) {
			i = j
		}
	}
	if i >= 0 {
		return i
	}
	for j, a := range c.Assessments {
		if i < 0 || !a.Date.Before(c.Assessments[i].Date) {
			i = j
		}
	}
	return i
}

// PutProsecution implements nrm.ImportWriter.
func (w *importWriter) PutProsecution(ctx context.Context, p *nrm.Prosecution) error {
	if err := w.bulk.sync(ctx); err != nil {
		return err
	}
	if err := w.tx.upsertProsecution(ctx, p); err != nil {
		return err
	}
	w.res.Prosecutions++
	return nil
}

// ExportCases streams every case with children and opened identifiers in
// reference order, a page at a time so memory stays bounded.
// Administrators only; the export is audited.
func (d *DB) ExportCases(ctx context.Context, fn func(c *nrm.Case) error) error {
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return forbidden()
	}
	const page = 1000
	tx, err := d.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.dialect.name() == "postgres"})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	after, first := "", true
	for {
		where, args := "", []any(nil)
		if !first {
			where, args = "WHERE c.ref > ? ", []any{after}
		}
		rows, err := tx.query(ctx, "SELECT "+caseColumns+" FROM cases c "+where+"ORDER BY c.ref LIMIT "+strconv.Itoa(page), args...)
		if err != nil {
			return err
		}
		var batch []*nrm.Case
		byID := map[int64]*nrm.Case{}
		for rows.Next() {
			c, sealed, keyID, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if err := d.openIdentifiers(c, sealed, keyID); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, c)
			byID[c.ID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		// The page's ids are not a range (references and ids need not
		// share an order): they are listed.
		ids := make([]any, len(batch))
		for i, c := range batch {
			ids[i] = c.ID
		}
		if err := tx.loadChildren(ctx, nil, byID, "case_id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", ids...); err != nil {
			return err
		}
		for _, c := range batch {
			if err := fn(c); err != nil {
				return err
			}
		}
		after, first = batch[len(batch)-1].Ref, false
	}
	tx.Rollback()
	return d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "export", "bundle", "", "all cases") })
}
