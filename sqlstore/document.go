package sqlstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"nrm"
)

var _ nrm.DocumentService = (*DB)(nil)

// A document is stored in the database, so that a backup holds it with
// everything else. Its content is encrypted with AES-256-GCM under a key
// of its own, with the case reference and the document's id as
// additional data; that key and the original file name are sealed with
// the database's sealer like the journal's text (journal.go). Rotating
// the keys then re-seals 32 bytes per document rather than the document.

// documentNotFound is the one answer for a document that is missing or
// not of the case.
func documentNotFound() error {
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: "Document not found."}
}

// sealedDocKey and sealedDocName are the sealed forms of a document's key
// and name: the document's id and the value.
type sealedDocKey struct {
	Doc int64  `json:"doc"`
	Key []byte `json:"key"`
}

type sealedDocName struct {
	Doc  int64  `json:"doc"`
	Name string `json:"name"`
}

func documentAAD(ref string, id int64) []byte {
	return []byte(ref + "\x00documents.content\x00" + strconv.FormatInt(id, 10))
}

func documentGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// documentMaxBytes is the size limit in force (setting documents.max_mb).
func (d *DB) documentMaxBytes(ctx context.Context) (int64, error) {
	v, set, err := settingValue(ctx, d.queryRow, nrm.SettingDocumentsMaxMB)
	if err != nil {
		return 0, err
	}
	return nrm.DocumentMaxBytes(v, set), nil
}

// DocumentMaxBytes returns the largest document accepted now, for the
// request body limit of uploads.
func (d *DB) DocumentMaxBytes(ctx context.Context) int64 {
	n, err := d.documentMaxBytes(ctx)
	if err != nil {
		return nrm.DocumentMaxBytes("", false)
	}
	return n
}

// AddDocument checks a file by its content (nrm.CheckDocument, against
// the size setting) and stores it encrypted on a visible case, with its
// original name sealed. The upload is audited with the document's
// number, type and size, never its name.
func (d *DB) AddDocument(ctx context.Context, caseID int64, name string, data []byte) (*nrm.Document, error) {
	a := actorOf(ctx)
	if _, err := d.caseForFile(ctx, caseID, "documents"); err != nil {
		return nil, err
	}
	limit, err := d.documentMaxBytes(ctx)
	if err != nil {
		return nil, err
	}
	ct, err := nrm.CheckDocument(data, limit)
	if err != nil {
		return nil, err
	}
	if d.sealer == nil {
		return nil, &nrm.Error{Code: nrm.EINTERNAL, Message: "No identifier key is configured."}
	}
	doc := &nrm.Document{CaseID: caseID, Name: nrm.CleanDocumentName(name), ContentType: ct, Size: int64(len(data)),
		UploadedBy: a.Username, UploadedOrg: a.Org}
	err = d.inTx(ctx, func(tx *Tx) error {
		fc, err := visibleCase(ctx, tx.queryRow, a, caseID)
		if err != nil {
			return err
		}
		if fc.purged {
			return purgedCase("document")
		}
		doc.CreatedAt = tx.now
		id, err := tx.insertID(ctx, `INSERT INTO documents (case_id, content_type, size, uploaded_by, uploaded_org, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, caseID, doc.ContentType, doc.Size, doc.UploadedBy, doc.UploadedOrg, doc.CreatedAt)
		if err != nil {
			return err
		}
		sealedKey, keyID, content, err := tx.db.sealContent(fc.ref, id, data)
		if err != nil {
			return err
		}
		npt, err := json.Marshal(sealedDocName{Doc: id, Name: doc.Name})
		if err != nil {
			return err
		}
		sealedName, nameKey, err := tx.db.sealText(fc.ref, sealDocumentName, string(npt))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE documents SET name = ?, name_key = ?, data_key = ?, data_key_id = ?, content = ? WHERE id = ?",
			sealedName, nameKey, sealedKey, keyID, content, id); err != nil {
			return err
		}
		doc.ID = id
		return tx.audit(ctx, "document.add", "case", strconv.FormatInt(caseID, 10),
			fmt.Sprintf("document %d: %s, %d bytes", id, doc.ContentType, doc.Size))
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

const documentColumns = "id, content_type, size, uploaded_by, uploaded_org, created_at, name, name_key"

// scanDocument reads a document's row (documentColumns) and opens its
// name.
func (d *DB) scanDocument(s scanner, fc *fileCase, extra ...any) (*nrm.Document, error) {
	doc := &nrm.Document{CaseID: fc.id}
	var sealed []byte
	var keyID sql.NullString
	dest := []any{&doc.ID, &doc.ContentType, &doc.Size, &doc.UploadedBy, &doc.UploadedOrg, &doc.CreatedAt, &sealed, &keyID}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	pt, err := d.openText(fc.ref, sealDocumentName, sealed, keyID)
	if err != nil {
		return nil, err
	}
	if pt != "" {
		var n sealedDocName
		if err := json.Unmarshal([]byte(pt), &n); err != nil {
			return nil, fmt.Errorf("document %d: %w", doc.ID, err)
		}
		if n.Doc != doc.ID {
			return nil, fmt.Errorf("document %d: the sealed name belongs to document %d", doc.ID, n.Doc)
		}
		doc.Name = n.Name
	}
	return doc, nil
}

// documents lists a case's documents, newest first, without content.
func (d *DB) documents(ctx context.Context, fc *fileCase) ([]*nrm.Document, error) {
	rows, err := d.query(ctx, "SELECT "+documentColumns+" FROM documents WHERE case_id = ? ORDER BY id DESC", fc.id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*nrm.Document
	for rows.Next() {
		doc, err := d.scanDocument(rows, fc)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, rows.Err()
}

// FindDocuments lists a visible case's documents, newest first, with
// their names opened; the list is audited.
func (d *DB) FindDocuments(ctx context.Context, caseID int64) ([]*nrm.Document, error) {
	fc, err := d.caseForFile(ctx, caseID, "documents")
	if err != nil {
		return nil, err
	}
	docs, err := d.documents(ctx, fc)
	if err != nil {
		return nil, err
	}
	if err := d.auditRead(ctx, "document.list", "case", strconv.FormatInt(caseID, 10), fmt.Sprintf("%d documents", len(docs))); err != nil {
		return nil, err
	}
	return docs, nil
}

// OpenDocument decrypts one document of a visible case. The download is
// audited (and committed) before the content is returned.
func (d *DB) OpenDocument(ctx context.Context, caseID, id int64) (*nrm.Document, []byte, error) {
	fc, err := d.caseForFile(ctx, caseID, "documents")
	if err != nil {
		return nil, nil, err
	}
	var sealedKey, content []byte
	var keyID sql.NullString
	doc, err := d.scanDocument(d.queryRow(ctx, "SELECT "+documentColumns+", data_key, data_key_id, content FROM documents WHERE id = ? AND case_id = ?",
		id, caseID), fc, &sealedKey, &keyID, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, documentNotFound()
	} else if err != nil {
		return nil, nil, err
	}
	data, err := d.openContent(fc.ref, id, sealedKey, keyID, content)
	if err != nil {
		return nil, nil, err
	}
	if err := d.auditRead(ctx, "document.download", "case", strconv.FormatInt(caseID, 10), "document "+strconv.FormatInt(id, 10)); err != nil {
		return nil, nil, err
	}
	return doc, data, nil
}

// DeleteDocument removes a document of a visible case (administrators
// and the owning organisation); audited.
func (d *DB) DeleteDocument(ctx context.Context, caseID, id int64) error {
	a := actorOf(ctx)
	fc, err := d.caseForFile(ctx, caseID, "documents")
	if err != nil {
		return err
	}
	if a.Role != nrm.RoleAdmin && a.Org != fc.owner {
		return &nrm.Error{Code: nrm.EFORBIDDEN, Message: "Only the owning organisation may delete a case's documents."}
	}
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM documents WHERE id = ? AND case_id = ?", id, caseID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return documentNotFound()
		}
		return tx.audit(ctx, "document.delete", "case", strconv.FormatInt(caseID, 10), "document "+strconv.FormatInt(id, 10))
	})
}

// moveCaseFile moves the journal and documents of case from to case to
// (a merge), re-sealing every sealed value with to's reference: the
// journal's texts, the documents' names and keys, and each document's
// content under a new key, since its additional data names the case. It
// returns how many entries and documents moved.
func (tx *Tx) moveCaseFile(ctx context.Context, from, to *fileCase) (entries, documents int, err error) {
	type row struct {
		id         int64
		a, b, c    []byte
		aKey, bKey sql.NullString
	}
	read := func(q string, scan func(r *sql.Rows, x *row) error) ([]row, error) {
		var out []row
		err := each(ctx, tx, q, []any{from.id}, func(r *sql.Rows) error {
			var x row
			if err := scan(r, &x); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
		return out, err
	}
	reseal := func(purpose string, sealed []byte, key sql.NullString) ([]byte, any, error) {
		pt, err := tx.db.openText(from.ref, purpose, sealed, key)
		if err != nil || pt == "" {
			return nil, nil, err
		}
		return tx.db.sealText(to.ref, purpose, pt)
	}
	js, err := read("SELECT id, text, text_key FROM journal_entries WHERE case_id = ?", func(r *sql.Rows, x *row) error {
		return r.Scan(&x.id, &x.a, &x.aKey)
	})
	if err != nil {
		return 0, 0, err
	}
	for _, x := range js {
		ct, key, err := reseal(sealJournalText, x.a, x.aKey)
		if err != nil {
			return 0, 0, err
		}
		if _, err := tx.exec(ctx, "UPDATE journal_entries SET case_id = ?, text = ?, text_key = ? WHERE id = ?", to.id, ct, key, x.id); err != nil {
			return 0, 0, err
		}
	}
	// One document at a time: its content is opened and sealed again.
	ids, err := read("SELECT id FROM documents WHERE case_id = ?", func(r *sql.Rows, x *row) error { return r.Scan(&x.id) })
	if err != nil {
		return 0, 0, err
	}
	for _, d := range ids {
		var x row
		if err := tx.queryRow(ctx, "SELECT name, name_key, data_key, data_key_id, content FROM documents WHERE id = ?", d.id).
			Scan(&x.a, &x.aKey, &x.b, &x.bKey, &x.c); err != nil {
			return 0, 0, err
		}
		name, nameKey, err := reseal(sealDocumentName, x.a, x.aKey)
		if err != nil {
			return 0, 0, err
		}
		data, err := tx.db.openContent(from.ref, d.id, x.b, x.bKey, x.c)
		if err != nil {
			return 0, 0, err
		}
		sealedKey, keyID, content, err := tx.db.sealContent(to.ref, d.id, data)
		clear(data)
		if err != nil {
			return 0, 0, err
		}
		if _, err := tx.exec(ctx, "UPDATE documents SET case_id = ?, name = ?, name_key = ?, data_key = ?, data_key_id = ?, content = ? WHERE id = ?",
			to.id, name, nameKey, sealedKey, keyID, content, d.id); err != nil {
			return 0, 0, err
		}
	}
	return len(js), len(ids), nil
}

// openContent opens the sealed key of document id of the case with
// reference ref and decrypts its content (nonce and ciphertext) with it:
// the reverse of sealContent.
func (d *DB) openContent(ref string, id int64, sealedKey []byte, keyID sql.NullString, content []byte) ([]byte, error) {
	kpt, err := d.openText(ref, sealDocumentKey, sealedKey, keyID)
	if err != nil {
		return nil, err
	}
	var k sealedDocKey
	err = json.Unmarshal([]byte(kpt), &k)
	switch {
	case err != nil:
		return nil, fmt.Errorf("document %d: key: %w", id, err)
	case k.Doc != id:
		return nil, fmt.Errorf("document %d: the sealed key belongs to document %d", id, k.Doc)
	case len(content) < 12:
		return nil, fmt.Errorf("document %d: no content", id)
	}
	defer clear(k.Key)
	gcm, err := documentGCM(k.Key)
	if err != nil {
		return nil, err
	}
	data, err := gcm.Open(nil, content[:12], content[12:], documentAAD(ref, id))
	if err != nil {
		return nil, fmt.Errorf("document %d: open content: %w", id, err)
	}
	return data, nil
}

// sealContent encrypts a document's content under a new key of its own
// and seals that key; it returns the sealed key, its key id and the
// content (nonce and ciphertext).
func (d *DB) sealContent(ref string, id int64, data []byte) ([]byte, any, []byte, error) {
	key := make([]byte, 32)
	defer clear(key)
	nonce := make([]byte, 12)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, nil, err
	}
	gcm, err := documentGCM(key)
	if err != nil {
		return nil, nil, nil, err
	}
	content := gcm.Seal(nonce, nonce, data, documentAAD(ref, id))
	kpt, err := json.Marshal(sealedDocKey{Doc: id, Key: key})
	if err != nil {
		return nil, nil, nil, err
	}
	sealedKey, keyID, err := d.sealText(ref, sealDocumentKey, string(kpt))
	clear(kpt)
	return sealedKey, keyID, content, err
}

// moveCaseFileIDs moves the journal and documents of case fromID to case
// toID in tx, re-sealed with toID's reference, for a merge; the caller
// checks the rights and audits the merge.
func (tx *Tx) moveCaseFileIDs(ctx context.Context, fromID, toID int64) (entries, documents int, err error) {
	var from, to fileCase
	for _, c := range []*fileCase{&from, &to} {
		id := fromID
		if c == &to {
			id = toID
		}
		c.id = id
		if err := tx.queryRow(ctx, "SELECT ref, owner_org FROM cases WHERE id = ?", id).Scan(&c.ref, &c.owner); err != nil {
			return 0, 0, err
		}
	}
	return tx.moveCaseFile(ctx, &from, &to)
}
