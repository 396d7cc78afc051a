-- +goose Up
-- Core schema for SQLite. Dates are ISO text (YYYY-MM-DD), which compares
-- correctly; timestamps are TIMESTAMP text parsed by the driver.
CREATE TABLE organisations (
    code    TEXT PRIMARY KEY,
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    kind    TEXT NOT NULL
);

-- The editable nationality → region-of-origin mapping.
CREATE TABLE countries (
    code    TEXT PRIMARY KEY,
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL,
    region  TEXT NOT NULL
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,
    owner_org        TEXT NOT NULL,
    gender           TEXT NOT NULL,
    birth_year       INTEGER,
    nationality      TEXT,
    residence_status TEXT NOT NULL,
    -- Direct identifiers, sealed with AES-256-GCM; NULL when none or purged.
    identifiers      BLOB,
    key_id           TEXT,
    content_hash     TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    purged_at        TIMESTAMP,
    -- Derived per-case facts, maintained by the store in the same
    -- transaction as every write, so that statistics are plain aggregates.
    first_contact_date       TEXT,
    first_contact_form       TEXT,
    identified_on            TEXT,
    identified_authority     TEXT,
    identified_assessment_id INTEGER,
    identified_age           INTEGER,
    latest_outcome           TEXT,
    closed_on                TEXT
);
CREATE INDEX cases_identified_on ON cases (identified_on);
CREATE INDEX cases_owner_org ON cases (owner_org);

CREATE TABLE case_shares (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    org     TEXT NOT NULL,
    PRIMARY KEY (case_id, org)
);
CREATE INDEX case_shares_org ON case_shares (org);

CREATE TABLE contacts (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    date    TEXT NOT NULL,
    form    TEXT NOT NULL,
    org     TEXT NOT NULL DEFAULT '',
    place   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_case ON contacts (case_id);

CREATE TABLE assessments (
    id                   INTEGER PRIMARY KEY,
    case_id              INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    date                 TEXT NOT NULL,
    authority            TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    labour_sector        TEXT NOT NULL DEFAULT '',
    exploitation_country TEXT NOT NULL DEFAULT '',
    override_reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assessments_case ON assessments (case_id);

CREATE TABLE assessment_forms (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    form          TEXT NOT NULL,
    PRIMARY KEY (assessment_id, form)
);

CREATE TABLE reflection_periods (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT
);
CREATE INDEX reflection_periods_case ON reflection_periods (case_id);

CREATE TABLE accommodations (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    provider   TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date   TEXT
);
CREATE INDEX accommodations_case ON accommodations (case_id);

CREATE TABLE offers (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    offered_on TEXT NOT NULL,
    accepted   BOOLEAN
);
CREATE INDEX offers_case ON offers (case_id);

CREATE TABLE exits (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    date    TEXT NOT NULL,
    kind    TEXT NOT NULL
);
CREATE INDEX exits_case ON exits (case_id);
CREATE INDEX exits_date ON exits (date);

CREATE TABLE prosecutions (
    year                         INTEGER PRIMARY KEY,
    cutoff_date                  TEXT,
    charges                      INTEGER NOT NULL,
    decisions                    INTEGER NOT NULL,
    convictions_unconditional    INTEGER NOT NULL,
    convictions_partly_suspended INTEGER NOT NULL,
    note                         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Append-only, hash-chained audit log. audit_head serialises appends.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    user_id   INTEGER NOT NULL DEFAULT 0,
    username  TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT '',
    org       TEXT NOT NULL DEFAULT '',
    remote    TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE settings;
DROP TABLE prosecutions;
DROP TABLE exits;
DROP TABLE offers;
DROP TABLE accommodations;
DROP TABLE reflection_periods;
DROP TABLE assessment_forms;
DROP TABLE assessments;
DROP TABLE contacts;
DROP TABLE case_shares;
DROP TABLE cases;
DROP TABLE countries;
DROP TABLE organisations;
