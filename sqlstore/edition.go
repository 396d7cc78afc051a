package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"nrm"
	"nrm/disclosure"
)

var _ nrm.EditionService = (*DB)(nil)

// StatisticsClearance returns the parsed statistics-clearance setting
// (nrm.SettingStatisticsClearance). A setting that does not parse clears
// administrators only, and the error says why.
func (d *DB) StatisticsClearance(ctx context.Context) (nrm.Clearance, error) {
	v, err := d.Setting(ctx, nrm.SettingStatisticsClearance)
	if err != nil {
		return nrm.Clearance{{Role: nrm.RoleAdmin}}, err
	}
	return nrm.ParseClearance(v)
}

// FindEditions lists the editions of year (every year when 0), by year
// then number, with their files' descriptions but without cells.
func (d *DB) FindEditions(ctx context.Context, year int) ([]*nrm.Edition, error) {
	q := `SELECT year, number, cutoff_date, k, published_at, published_by, content_hash FROM editions`
	var args []any
	if year != 0 {
		q += " WHERE year = ?"
		args = append(args, year)
	}
	rows, err := d.query(ctx, q+" ORDER BY year, number", args...)
	if err != nil {
		return nil, err
	}
	var out []*nrm.Edition
	for rows.Next() {
		e := &nrm.Edition{}
		if err := rows.Scan(&e.Year, &e.Number, &e.Cutoff, &e.K, &e.PublishedAt, &e.PublishedBy, &e.Hash); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, e := range out {
		if e.Files, err = d.editionFiles(ctx, e.Year, e.Number); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindEdition returns edition number of year (0: the latest) with its
// cells and files' descriptions.
func (d *DB) FindEdition(ctx context.Context, year, number int) (*nrm.Edition, error) {
	q := `SELECT year, number, cutoff_date, k, published_at, published_by, content_hash, cells FROM editions WHERE year = ?`
	args := []any{year}
	if number > 0 {
		q += " AND number = ?"
		args = append(args, number)
	} else {
		q += " ORDER BY number DESC LIMIT 1"
	}
	e := &nrm.Edition{}
	var cells string
	err := d.queryRow(ctx, q, args...).Scan(&e.Year, &e.Number, &e.Cutoff, &e.K, &e.PublishedAt, &e.PublishedBy, &e.Hash, &cells)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, editionNotFound(year, number)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(cells), &e.Cells); err != nil {
		return nil, fmt.Errorf("edition %d/%d cells: %w", e.Year, e.Number, err)
	}
	if e.Files, err = d.editionFiles(ctx, e.Year, e.Number); err != nil {
		return nil, err
	}
	return e, nil
}

// EditionFile returns a stored file with its body: the JSON contract
// whatever lang, a report file in lang (in Danish when the edition has
// none in lang).
func (d *DB) EditionFile(ctx context.Context, year, number int, format string, lang nrm.Lang) (*nrm.EditionFile, error) {
	e, err := d.FindEdition(ctx, year, number)
	if err != nil {
		return nil, err
	}
	f, ok := e.File(format, lang)
	if !ok {
		return nil, &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Edition %d of %d has no %s file.", e.Number, e.Year, format)}
	}
	if err := d.queryRow(ctx, "SELECT body FROM edition_files WHERE year = ? AND number = ? AND format = ? AND lang = ?",
		e.Year, e.Number, f.Format, string(f.Lang)).Scan(&f.Body); err != nil {
		return nil, err
	}
	return &f, nil
}

func (d *DB) editionFiles(ctx context.Context, year, number int) ([]nrm.EditionFile, error) {
	rows, err := d.query(ctx, `SELECT format, lang, content_type, sha256, size FROM edition_files WHERE year = ? AND number = ?`, year, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []nrm.EditionFile
	for rows.Next() {
		var f nrm.EditionFile
		var lang string
		if err := rows.Scan(&f.Format, &lang, &f.ContentType, &f.SHA256, &f.Size); err != nil {
			return nil, err
		}
		f.Lang = nrm.Lang(lang)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b nrm.EditionFile) int {
		if c := slices.Index(nrm.EditionFormats, a.Format) - slices.Index(nrm.EditionFormats, b.Format); c != 0 {
			return c
		}
		return strings.Compare(string(a.Lang), string(b.Lang))
	})
	return out, rows.Err()
}

func editionNotFound(year, number int) error {
	if number > 0 {
		return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("Edition %d of %d not found.", number, year)}
	}
	return &nrm.Error{Code: nrm.ENOTFOUND, Message: fmt.Sprintf("No edition of %d has been published.", year)}
}

// CreateEdition stores e as the next edition of e.Year, in one
// transaction with its audit entry. The actor needs statistics clearance.
// The edition is checked against every earlier edition of the year as
// stored at that moment (disclosure.CompareEditions): a conflict refuses
// it with ECONFLICT, naming the numbers but no value, and nothing is
// stored. Number, PublishedAt and Hash are set; PublishedBy is the
// actor's user name unless the command line set it.
func (d *DB) CreateEdition(ctx context.Context, e *nrm.Edition) error {
	a := actorOf(ctx)
	if err := e.Validate(); err != nil {
		return err
	}
	for i, f := range e.Files {
		e.Files[i] = nrm.NewEditionFile(f.Format, f.Lang, f.ContentType, f.Body)
	}
	hash := nrm.EditionHash(e.Files)
	cells, err := json.Marshal(e.Cells)
	if err != nil {
		return err
	}
	err = d.inTx(ctx, func(tx *Tx) error {
		var setting string
		if err := tx.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", nrm.SettingStatisticsClearance).Scan(&setting); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		clearance, _ := nrm.ParseClearance(setting)
		if !clearance.Allows(a) {
			return forbidden()
		}
		var earlier [][]disclosure.CellState
		number := 0
		if err := each(ctx, tx, "SELECT number, cells FROM editions WHERE year = ? ORDER BY number", []any{e.Year}, func(rows *sql.Rows) error {
			var raw string
			if err := rows.Scan(&number, &raw); err != nil {
				return err
			}
			var cs []nrm.EditionCell
			if err := json.Unmarshal([]byte(raw), &cs); err != nil {
				return fmt.Errorf("edition %d/%d cells: %w", e.Year, number, err)
			}
			earlier = append(earlier, disclosure.CellsOf(cs))
			return nil
		}); err != nil {
			return err
		}
		if cs := disclosure.CompareEditions(earlier, disclosure.CellsOf(e.Cells), e.K); len(cs) > 0 {
			return &nrm.Error{Code: nrm.ECONFLICT, Message: disclosure.ConflictMessage(cs, e.K, nrm.LangDA) + "\n" + disclosure.ConflictMessage(cs, e.K, nrm.LangEN)}
		}
		number++
		by := a.Username
		if a.UserID == 0 && a.Remote == "cli" && e.PublishedBy != "" {
			by = e.PublishedBy
		}
		if _, err := tx.exec(ctx, `INSERT INTO editions (year, number, cutoff_date, k, published_at, published_by, content_hash, cells)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Year, number, e.Cutoff, e.K, tx.now, by, hash, string(cells)); err != nil {
			return err
		}
		for i := range e.Files {
			f := &e.Files[i]
			if _, err := tx.exec(ctx, `INSERT INTO edition_files (year, number, format, lang, content_type, sha256, size, body)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Year, number, f.Format, string(f.Lang), f.ContentType, f.SHA256, f.Size, f.Body); err != nil {
				return err
			}
		}
		e.Number, e.PublishedAt, e.PublishedBy, e.Hash = number, tx.now, by, hash
		return tx.audit(ctx, "edition.publish", "edition", fmt.Sprintf("%d/%d", e.Year, number),
			fmt.Sprintf("cutoff=%s k=%d files=%d sha256=%s", e.Cutoff, e.K, len(e.Files), hash))
	})
	if err != nil {
		return err
	}
	return nil
}
