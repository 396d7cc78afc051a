-- +goose Up
-- The caseworker's day: reflection periods get a kind (initial or
-- extension; '' from before kinds counts as initial), a reason and who
-- decided them. The worklist (sqlstore/tasks.go) reads deadlines through
-- partial indexes that hold only what can still be due: two derived
-- columns of an open case (NULL once it is closed) kept with the other
-- summary columns on every write — reflection_due, the latest end of its
-- reflection periods, and offer_since, its oldest unanswered offer —
-- ongoing crisis-shelter stays, pending reconsiderations, referrals not
-- yet accepted and closed cases whose identifiers are not yet purged.
-- task_notices holds per user an optional e-mail address for the digest
-- and the date the worklist was last seen (new tasks since then).
ALTER TABLE reflection_periods ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE reflection_periods ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE reflection_periods ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN reflection_due TEXT;
ALTER TABLE cases ADD COLUMN offer_since TEXT;
UPDATE cases SET reflection_due = (SELECT MAX(p.end_date) FROM reflection_periods p WHERE p.case_id = cases.id),
    offer_since = (SELECT MIN(o.offered_on) FROM offers o WHERE o.case_id = cases.id AND o.accepted IS NULL)
WHERE closed_on IS NULL;
CREATE INDEX cases_reflection_due ON cases (reflection_due) WHERE reflection_due IS NOT NULL;
CREATE INDEX cases_offer_since ON cases (offer_since) WHERE offer_since IS NOT NULL;
CREATE INDEX cases_retention_due ON cases (closed_on) WHERE purged_at IS NULL AND closed_on IS NOT NULL;
CREATE INDEX accommodations_shelter_ongoing ON accommodations (start_date) WHERE end_date IS NULL AND kind = 'crisis_shelter';
CREATE INDEX reconsiderations_pending ON reconsiderations (deadline) WHERE outcome = '';
CREATE INDEX referrals_sent ON referrals (date) WHERE status = 'sent';

CREATE TABLE task_notices (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email     TEXT NOT NULL DEFAULT '',
    seen_on   TEXT,
    digest_at TIMESTAMP
);

-- +goose Down
DROP TABLE task_notices;
DROP INDEX referrals_sent;
DROP INDEX reconsiderations_pending;
DROP INDEX accommodations_shelter_ongoing;
DROP INDEX cases_retention_due;
DROP INDEX cases_offer_since;
DROP INDEX cases_reflection_due;
ALTER TABLE cases DROP COLUMN offer_since;
ALTER TABLE cases DROP COLUMN reflection_due;
ALTER TABLE reflection_periods DROP COLUMN decided_by;
ALTER TABLE reflection_periods DROP COLUMN reason;
ALTER TABLE reflection_periods DROP COLUMN kind;
