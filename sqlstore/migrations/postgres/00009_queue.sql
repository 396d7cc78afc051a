-- +goose Up
-- The authorities' queues at scale: decided_on is the date of the
-- authority's first final decision (identified or not) dated on or after
-- an assessment referral, kept by the store whenever a case's assessments
-- or referrals are written (sqlstore/referral.go refreshDecided). The
-- partial index holds only the referrals that still wait, so that a
-- queue reads its own rows and not every referral the authority ever
-- accepted. Its predicate names the statuses left out rather than those kept,
-- so that no query of the queue can be served by referrals_to instead.
ALTER TABLE referrals ADD COLUMN decided_on DATE;
UPDATE referrals SET decided_on = (SELECT MIN(a.date) FROM assessments a WHERE a.case_id = referrals.case_id
    AND a.authority = referrals.to_org AND a.stage <> 'preliminary' AND a.outcome IN ('identified', 'not_identified')
    AND a.date >= referrals.date)
WHERE purpose = 'assessment';
CREATE INDEX referrals_queue ON referrals (to_org, date)
    WHERE purpose = 'assessment' AND status <> 'returned' AND status <> 'withdrawn' AND access_revoked_on IS NULL AND decided_on IS NULL;

-- +goose Down
DROP INDEX referrals_queue;
ALTER TABLE referrals DROP COLUMN decided_on;
