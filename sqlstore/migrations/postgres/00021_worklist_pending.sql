-- +goose Up
-- The worklist's pending assessments (sqlstore/tasks.go): referrals for
-- assessment accepted, not revoked and not yet decided. Without it the
-- worklist read every accepted referral (900,000 at a million cases,
-- 3 s); with it only the undecided ones, a few hundred.
CREATE INDEX referrals_pending ON referrals (date) WHERE purpose = 'assessment' AND status = 'accepted' AND access_revoked_on IS NULL AND decided_on IS NULL;

-- +goose Down
DROP INDEX referrals_pending;
