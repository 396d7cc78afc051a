-- +goose Up
-- Published editions (edition.go): a year's statistics frozen as
-- published, so that the published view is served from them rather than
-- recomputed and two publications cannot be differenced. cells holds the
-- state of every published number as a JSON array (disclosure.CellState);
-- edition_files the contract and the report files, one per format and
-- language (lang '' for the JSON contract). Editions are immutable: a
-- correction is the next number of the same year.
CREATE TABLE editions (
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    cutoff_date  TEXT NOT NULL,
    k            INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    cells        TEXT NOT NULL,
    PRIMARY KEY (year, number)
);

CREATE TABLE edition_files (
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    format       TEXT NOT NULL,
    lang         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    body         BLOB NOT NULL,
    PRIMARY KEY (year, number, format, lang),
    FOREIGN KEY (year, number) REFERENCES editions (year, number)
);

CREATE TRIGGER editions_no_update BEFORE UPDATE ON editions
BEGIN SELECT RAISE(ABORT, 'editions are immutable'); END;
CREATE TRIGGER editions_no_delete BEFORE DELETE ON editions
BEGIN SELECT RAISE(ABORT, 'editions are immutable'); END;
CREATE TRIGGER edition_files_no_update BEFORE UPDATE ON edition_files
BEGIN SELECT RAISE(ABORT, 'editions are immutable'); END;
CREATE TRIGGER edition_files_no_delete BEFORE DELETE ON edition_files
BEGIN SELECT RAISE(ABORT, 'editions are immutable'); END;

-- +goose Down
DROP TRIGGER edition_files_no_delete;
DROP TRIGGER edition_files_no_update;
DROP TRIGGER editions_no_delete;
DROP TRIGGER editions_no_update;
DROP TABLE edition_files;
DROP TABLE editions;
