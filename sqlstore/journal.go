package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"nrm"
)

var _ nrm.JournalService = (*DB)(nil)

// The case journal and the case's documents (document.go) belong to the
// case: who may see the case may read and add to them (access.go), and a
// case that is missing or not the actor's to see is ENOTFOUND, audited
// as a refused case read. Their free text is sealed like the decision
// reasons (sealText, with the case reference and the column as
// additional data); the sealed value also holds the id of its row, which
// opening checks, so that it cannot be moved to another entry of the
// same case either. Both are listed in sealedTexts: keys rotate re-seals
// them, and retention clears them before deleting the rows.

// Purposes of the journal's and the documents' sealed columns.
const (
	sealJournalText  = "journal_entries.text"
	sealDocumentName = "documents.name"
	sealDocumentKey  = "documents.data_key"
)

func init() {
	sealedTexts = append(sealedTexts,
		sealedText{"journal_entries", "text", "text_key", sealJournalText, "id", "id"},
		sealedText{"documents", "name", "name_key", sealDocumentName, "id", "id"},
		sealedText{"documents", "data_key", "data_key_id", sealDocumentKey, "id", "id"},
	)
}

// fileCase is what the journal and the documents need of their case.
type fileCase struct {
	id         int64
	ref, owner string
	purged     bool
}

// visibleCase returns case id if the actor may see it, through q (the
// database or a transaction); ENOTFOUND otherwise.
func visibleCase(ctx context.Context, q func(context.Context, string, ...any) *sql.Row, a *nrm.Actor, id int64) (*fileCase, error) {
	if !readsCases(a) {
		return nil, forbidden()
	}
	where, args := visibleSQL(a)
	fc := &fileCase{id: id}
	var purged sql.NullTime
	err := q(ctx, "SELECT c.ref, c.owner_org, c.purged_at FROM cases c WHERE c.id = ? AND "+where,
		append([]any{id}, args...)...).Scan(&fc.ref, &fc.owner, &purged)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, caseNotFound()
	} else if err != nil {
		return nil, err
	}
	fc.purged = purged.Valid
	return fc, nil
}

// caseForFile returns case id if the actor may see it. A refusal for a
// case that is missing or another organisation's is audited like a
// refused case read, naming what was asked for ("journal", "documents").
func (d *DB) caseForFile(ctx context.Context, id int64, what string) (*fileCase, error) {
	fc, err := visibleCase(ctx, d.queryRow, actorOf(ctx), id)
	if nrm.ErrorCode(err) == nrm.ENOTFOUND {
		if aerr := d.auditRead(ctx, "case.read_refused", "case", strconv.FormatInt(id, 10), what); aerr != nil {
			return nil, aerr
		}
	}
	return fc, err
}

// purgedCase refuses additions to a case whose identifiers were purged.
func purgedCase(field string) error {
	return &nrm.Error{Code: nrm.EINVALID, Message: "The case's identifiers were purged; nothing can be added to it.",
		Fields: []nrm.FieldError{{Field: field, Rule: nrm.RuleNotAllowed, Expected: "a case whose identifiers have not been purged"}}}
}

// sealedEntry is the sealed form of a journal text: the entry's id and
// the text.
type sealedEntry struct {
	Entry int64  `json:"entry"`
	Text  string `json:"text"`
}

// AddJournalEntry appends an entry to a visible case's journal: the
// author is the actor, the date today unless given, and a correction
// names an earlier entry of the same journal. The text is sealed; the
// write is audited with the entry's number, never its text.
func (d *DB) AddJournalEntry(ctx context.Context, caseID int64, e *nrm.JournalEntry) error {
	a := actorOf(ctx)
	if _, err := d.caseForFile(ctx, caseID, "journal"); err != nil {
		return err
	}
	e.Normalize()
	return d.inTx(ctx, func(tx *Tx) error {
		fc, err := visibleCase(ctx, tx.queryRow, a, caseID)
		if err != nil {
			return err
		}
		if fc.purged {
			return purgedCase("journal_text")
		}
		today := nrm.DateOf(tx.now)
		if e.Date.IsZero() {
			e.Date = today
		}
		known := true
		if e.Corrects > 0 {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM journal_entries WHERE id = ? AND case_id = ?", e.Corrects, caseID).Scan(&n); err != nil {
				return err
			}
			known = n > 0
		}
		if err := e.Validate(today, func(int64) bool { return known }); err != nil {
			return err
		}
		e.CaseID, e.Author, e.AuthorOrg, e.CreatedAt, e.CorrectedBy = caseID, a.Username, a.Org, tx.now, nil
		id, err := tx.insertID(ctx, `INSERT INTO journal_entries (case_id, date, author, author_org, corrects, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, caseID, e.Date, e.Author, e.AuthorOrg, nullID(e.Corrects), e.CreatedAt)
		if err != nil {
			return err
		}
		pt, err := json.Marshal(sealedEntry{Entry: id, Text: e.Text})
		if err != nil {
			return err
		}
		ct, keyID, err := tx.db.sealText(fc.ref, sealJournalText, string(pt))
		clear(pt)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE journal_entries SET text = ?, text_key = ? WHERE id = ?", ct, keyID, id); err != nil {
			return err
		}
		e.ID = id
		detail := "entry " + strconv.FormatInt(id, 10)
		if e.Corrects > 0 {
			detail += " correcting entry " + strconv.FormatInt(e.Corrects, 10)
		}
		return tx.audit(ctx, "journal.add", "case", strconv.FormatInt(caseID, 10), detail)
	})
}

// FindJournal returns a visible case's journal, newest first, with the
// texts opened; the read is audited.
func (d *DB) FindJournal(ctx context.Context, caseID int64) ([]*nrm.JournalEntry, error) {
	fc, err := d.caseForFile(ctx, caseID, "journal")
	if err != nil {
		return nil, err
	}
	entries, err := d.journal(ctx, fc)
	if err != nil {
		return nil, err
	}
	if err := d.auditRead(ctx, "journal.read", "case", strconv.FormatInt(caseID, 10), fmt.Sprintf("%d entries", len(entries))); err != nil {
		return nil, err
	}
	return entries, nil
}

// journal reads and opens the entries of a case, newest first, and links
// each corrected entry to the entries correcting it.
func (d *DB) journal(ctx context.Context, fc *fileCase) ([]*nrm.JournalEntry, error) {
	rows, err := d.query(ctx, `SELECT id, date, author, author_org, corrects, text, text_key, created_at
		FROM journal_entries WHERE case_id = ? ORDER BY id DESC`, fc.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.JournalEntry
	byID := map[int64]*nrm.JournalEntry{}
	for rows.Next() {
		e := &nrm.JournalEntry{CaseID: fc.id}
		var corrects sql.NullInt64
		var sealed []byte
		var keyID sql.NullString
		if err := rows.Scan(&e.ID, &e.Date, &e.Author, &e.AuthorOrg, &corrects, &sealed, &keyID, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.Corrects = corrects.Int64
		pt, err := d.openText(fc.ref, sealJournalText, sealed, keyID)
		if err != nil {
			return nil, err
		}
		if pt != "" {
			var s sealedEntry
			if err := json.Unmarshal([]byte(pt), &s); err != nil {
				return nil, fmt.Errorf("journal entry %d: %w", e.ID, err)
			}
			if s.Entry != e.ID {
				return nil, fmt.Errorf("journal entry %d: the sealed text belongs to entry %d", e.ID, s.Entry)
			}
			e.Text = s.Text
		}
		out = append(out, e)
		byID[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Newest first: a correction comes before the entry it corrects, and
	// the corrected entry lists its corrections oldest first.
	for i := len(out) - 1; i >= 0; i-- {
		if old, ok := byID[out[i].Corrects]; ok {
			old.CorrectedBy = append(old.CorrectedBy, out[i].ID)
		}
	}
	return out, nil
}

// CaseFile is a case's journal and documents, as the case page shows
// them.
type CaseFile struct {
	Journal   []*nrm.JournalEntry
	Documents []*nrm.Document
}

// FindCaseFile reads a visible case's journal (newest first) and lists
// its documents, with one audit entry for both: the case page shows them
// together.
func (d *DB) FindCaseFile(ctx context.Context, caseID int64) (*CaseFile, error) {
	fc, err := d.caseForFile(ctx, caseID, "journal and documents")
	if err != nil {
		return nil, err
	}
	f := &CaseFile{}
	if f.Journal, err = d.journal(ctx, fc); err != nil {
		return nil, err
	}
	if f.Documents, err = d.documents(ctx, fc); err != nil {
		return nil, err
	}
	if err := d.auditRead(ctx, "journal.read", "case", strconv.FormatInt(caseID, 10),
		fmt.Sprintf("%d entries, %d documents listed", len(f.Journal), len(f.Documents))); err != nil {
		return nil, err
	}
	return f, nil
}

// purgeCaseFile deletes a case's journal and documents (retention); it
// returns how many of each went.
func (tx *Tx) purgeCaseFile(ctx context.Context, caseID int64) (entries, documents int64, err error) {
	res, err := tx.exec(ctx, "DELETE FROM journal_entries WHERE case_id = ?", caseID)
	if err != nil {
		return 0, 0, err
	}
	entries, _ = res.RowsAffected()
	if res, err = tx.exec(ctx, "DELETE FROM documents WHERE case_id = ?", caseID); err != nil {
		return 0, 0, err
	}
	documents, _ = res.RowsAffected()
	return entries, documents, nil
}
