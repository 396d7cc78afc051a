package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"nrm"
)

// Import runs fn inside one transaction: every row written through the
// writer commits together or not at all. Only administrators import.
func (d *DB) Import(ctx context.Context, fn func(w nrm.ImportWriter) error) (nrm.ImportResult, error) {
	var res nrm.ImportResult
	if actorOf(ctx).Role != nrm.RoleAdmin {
		return res, forbidden()
	}
	err := d.inTx(ctx, func(tx *Tx) error {
		w := &importWriter{tx: tx, existing: map[string]existingCase{}}
		rows, err := tx.query(ctx, "SELECT ref, id, content_hash FROM cases")
		if err != nil {
			return err
		}
		for rows.Next() {
			var ref string
			var e existingCase
			if err := rows.Scan(&ref, &e.id, &e.hash); err != nil {
				rows.Close()
				return err
			}
			w.existing[ref] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := fn(w); err != nil {
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

type existingCase struct {
	id   int64
	hash string
}

type importWriter struct {
	tx       *Tx
	existing map[string]existingCase
	res      nrm.ImportResult
}

// PutCase implements nrm.ImportWriter.
func (w *importWriter) PutCase(ctx context.Context, c *nrm.Case) error {
	if err := c.Validate(nrm.DateOf(w.tx.now)); err != nil {
		return err
	}
	c.Normalize()
	e, ok := w.existing[c.Ref]
	if !ok {
		if err := w.tx.insertCase(ctx, c); err != nil {
			return err
		}
		w.existing[c.Ref] = existingCase{c.ID, c.ContentHash()}
		w.res.Created++
		return w.tx.audit(ctx, "case.import", "case", strconv.FormatInt(c.ID, 10), "created")
	}
	if e.hash == c.ContentHash() {
		w.res.Unchanged++
		return nil
	}
	old, err := w.tx.loadCase(ctx, "c.id = ?", e.id)
	if err != nil {
		return err
	}
	// The bundle carries the projection; keep what it cannot carry.
	merged := *c
	merged.ID, merged.Version, merged.CreatedAt = old.ID, old.Version, old.CreatedAt
	merged.SharedWith = old.SharedWith
	merged.Identifiers = old.Identifiers
	if old.PurgedAt == nil {
		merged.Identifiers.BirthDate = c.Identifiers.BirthDate
	}
	merged.Offers, merged.ReflectionPeriods = old.Offers, old.ReflectionPeriods
	if err := merged.Validate(nrm.DateOf(w.tx.now)); err != nil {
		return err
	}
	if err := w.tx.replaceCase(ctx, &merged); err != nil {
		return err
	}
	*c = merged
	w.existing[c.Ref] = existingCase{c.ID, c.ContentHash()}
	w.res.Updated++
	return w.tx.audit(ctx, "case.import", "case", strconv.FormatInt(c.ID, 10), "updated")
}

// PutProsecution implements nrm.ImportWriter.
func (w *importWriter) PutProsecution(ctx context.Context, p *nrm.Prosecution) error {
	if err := w.tx.upsertProsecution(ctx, p); err != nil {
		return err
	}
	w.res.Prosecutions++
	return nil
}

// ExportCases streams every case with children and opened identifiers in
// id order, a page at a time so memory stays bounded. Administrators only;
// the export is audited.
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
	var after int64
	for {
		rows, err := tx.query(ctx, "SELECT "+caseColumns+" FROM cases c WHERE c.id > ? ORDER BY c.id LIMIT "+strconv.Itoa(page), after)
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
		first, last := batch[0].ID, batch[len(batch)-1].ID
		if err := tx.loadChildren(ctx, byID, "case_id BETWEEN ? AND ?", first, last); err != nil {
			return err
		}
		for _, c := range batch {
			if err := fn(c); err != nil {
				return err
			}
		}
		after = last
	}
	tx.Rollback()
	return d.inTx(ctx, func(tx *Tx) error { return tx.audit(ctx, "export", "bundle", "", "all cases") })
}
