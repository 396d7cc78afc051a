-- +goose Up
-- Indexes for the statistics of the mechanism (sqlstore/stats_mechanism.go).
-- The two on assessments are partial, so that they hold only the few rows
-- the statistics look for and cost a bulk import almost nothing: the
-- positive preliminary assessments (presumed victims) and the negative
-- final decisions (whose first one may come before the first
-- identification on the cases row).
CREATE INDEX assessments_presumed ON assessments (date, case_id) WHERE stage = 'preliminary' AND outcome = 'identified';
CREATE INDEX assessments_negative ON assessments (case_id, date) INCLUDE (id) WHERE outcome = 'not_identified' AND stage <> 'preliminary';
CREATE INDEX referrals_date ON referrals (date);
CREATE INDEX reconsiderations_requested ON reconsiderations (requested_on);

-- +goose Down
DROP INDEX reconsiderations_requested;
DROP INDEX referrals_date;
DROP INDEX assessments_negative;
DROP INDEX assessments_presumed;
