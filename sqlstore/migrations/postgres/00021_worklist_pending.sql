-- +goose Up
-- The worklist's pending assessments (sqlstore/tasks.go): referrals for
-- assessment accepted, not revoked and not yet decided — a few hundred
-- where every accepted referral is 900,000 at a million cases (3 s to
-- read through referrals_to). Two partial indexes of those few rows: by
-- receiver for an assessor's queue (its columns those of referrals_to,
-- so that the planner prefers the smaller one with or without
-- statistics), and by date for everyone else's, scoped by the case.
CREATE INDEX referrals_pending ON referrals (to_org, status, date) WHERE purpose = 'assessment' AND status = 'accepted' AND access_revoked_on IS NULL AND decided_on IS NULL;
CREATE INDEX referrals_pending_date ON referrals (date) WHERE purpose = 'assessment' AND status = 'accepted' AND access_revoked_on IS NULL AND decided_on IS NULL;

-- +goose Down
DROP INDEX referrals_pending_date;
DROP INDEX referrals_pending;
