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
    cutoff_date  DATE NOT NULL,
    k            INTEGER NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
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
    body         BYTEA NOT NULL,
    PRIMARY KEY (year, number, format, lang),
    FOREIGN KEY (year, number) REFERENCES editions (year, number)
);

-- +goose StatementBegin
CREATE FUNCTION editions_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'editions are immutable';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER editions_no_update BEFORE UPDATE OR DELETE ON editions
    FOR EACH ROW EXECUTE FUNCTION editions_immutable();
CREATE TRIGGER edition_files_no_update BEFORE UPDATE OR DELETE ON edition_files
    FOR EACH ROW EXECUTE FUNCTION editions_immutable();

-- +goose Down
DROP TRIGGER edition_files_no_update ON edition_files;
DROP TRIGGER editions_no_update ON editions;
DROP FUNCTION editions_immutable();
DROP TABLE edition_files;
DROP TABLE editions;
