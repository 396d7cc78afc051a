-- +goose Up
-- The case journal and documents (SQLite). A journal entry is
-- append-only: a correction is a new entry naming the one it corrects
-- (corrects). Its text is sealed with the case reference and the column
-- as additional data, and holds the entry's id, which is checked when it
-- is opened, so that a sealed text cannot be moved to another case or
-- entry. A document's content is encrypted with a key of its own
-- (AES-256-GCM, the case reference and the document's id as additional
-- data); that key and the original file name are sealed like the
-- journal's text, so that rotating the keys re-seals a few bytes per
-- document, not the document. Retention deletes both with the case's
-- identifiers.
CREATE TABLE journal_entries (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    author     TEXT NOT NULL,
    author_org TEXT NOT NULL DEFAULT '',
    corrects   INTEGER,
    text       BLOB,
    text_key   TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX journal_entries_case ON journal_entries (case_id, id);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_org TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    name         BLOB,
    name_key     TEXT,
    data_key     BLOB,
    data_key_id  TEXT,
    content      BLOB
);
CREATE INDEX documents_case ON documents (case_id, id);

-- +goose Down
DROP TABLE documents;
DROP TABLE journal_entries;
