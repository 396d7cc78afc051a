-- +goose Up
-- The referral mechanism: assessment stages and sealed reasons,
-- reconsiderations, reopenings, consents, referrals between
-- organisations, and the case history (one sealed snapshot per version).
-- Referral, return, revocation and reopening reasons, decision reasons
-- and reconsideration grounds are sealed (AES-256-GCM, like the identifiers) with the key named beside
-- them: they are free text about the person.
ALTER TABLE assessments ADD COLUMN stage TEXT NOT NULL DEFAULT '';
ALTER TABLE assessments ADD COLUMN reasons BLOB;
ALTER TABLE assessments ADD COLUMN reasons_key TEXT;
ALTER TABLE assessments ADD COLUMN notified_on TEXT;
ALTER TABLE assessments ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';

CREATE TABLE reconsiderations (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    assessment_id     INTEGER NOT NULL,
    requested_on      TEXT NOT NULL,
    grounds           BLOB,
    grounds_key       TEXT,
    deadline          TEXT NOT NULL,
    outcome           TEXT NOT NULL DEFAULT '',
    decided_on        TEXT,
    new_assessment_id INTEGER
);
CREATE INDEX reconsiderations_case ON reconsiderations (case_id);

CREATE TABLE reopenings (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    date    TEXT NOT NULL,
    reason  BLOB,
    reason_key TEXT
);
CREATE INDEX reopenings_case ON reopenings (case_id);

CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    scopes       TEXT NOT NULL,              -- ';'-separated consent scopes
    share_with   TEXT NOT NULL DEFAULT '',   -- ';'-separated organisation codes
    given_on     TEXT NOT NULL,
    given_by     TEXT NOT NULL DEFAULT '',
    withdrawn_on TEXT,
    recorded_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_case ON consents (case_id);

CREATE TABLE referrals (
    id                       INTEGER PRIMARY KEY,
    case_id                  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    purpose                  TEXT NOT NULL,
    from_org                 TEXT NOT NULL,
    from_user                TEXT NOT NULL DEFAULT '',
    to_org                   TEXT NOT NULL,
    date                     TEXT NOT NULL,
    reason                   BLOB,
    reason_key               TEXT,
    route_reason             TEXT NOT NULL DEFAULT '',
    indicators               TEXT NOT NULL DEFAULT '',  -- ';'-separated
    consent_id               INTEGER,
    municipality_informed_on TEXT,
    municipality             TEXT NOT NULL DEFAULT '',
    status                   TEXT NOT NULL,
    status_on                TEXT,
    status_by                TEXT NOT NULL DEFAULT '',
    return_reason            BLOB,
    return_reason_key        TEXT,
    access_revoked_on        TEXT,
    revoke_reason            BLOB,
    revoke_reason_key        TEXT
);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_to ON referrals (to_org, status, date);
CREATE INDEX referrals_from ON referrals (from_org, date);

-- One row per stored version of a case: who, when, what kind of change,
-- the names of the fields changed, and the sealed snapshot (the case as
-- JSON with the reason for a correction), sealed with key_id.
CREATE TABLE case_versions (
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    at       TIMESTAMP NOT NULL,
    user_id  INTEGER NOT NULL DEFAULT 0,
    username TEXT NOT NULL,
    org      TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL,
    fields   TEXT NOT NULL DEFAULT '',
    snapshot BLOB,
    key_id   TEXT,
    PRIMARY KEY (case_id, version)
);

CREATE TRIGGER reconsiderations_dv_insert AFTER INSERT ON reconsiderations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER reconsiderations_dv_update AFTER UPDATE ON reconsiderations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER reconsiderations_dv_delete AFTER DELETE ON reconsiderations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_dv_insert AFTER INSERT ON referrals BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_dv_update AFTER UPDATE ON referrals BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_dv_delete AFTER DELETE ON referrals BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;

-- +goose Down
DROP TRIGGER reconsiderations_dv_insert;
DROP TRIGGER reconsiderations_dv_update;
DROP TRIGGER reconsiderations_dv_delete;
DROP TRIGGER referrals_dv_insert;
DROP TRIGGER referrals_dv_update;
DROP TRIGGER referrals_dv_delete;
DROP TABLE case_versions;
DROP TABLE referrals;
DROP TABLE consents;
DROP TABLE reopenings;
DROP TABLE reconsiderations;
ALTER TABLE assessments DROP COLUMN decided_by;
ALTER TABLE assessments DROP COLUMN notified_on;
ALTER TABLE assessments DROP COLUMN reasons_key;
ALTER TABLE assessments DROP COLUMN reasons;
ALTER TABLE assessments DROP COLUMN stage;
