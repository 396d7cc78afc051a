-- +goose Up
-- The worklist's long shelter stays (sqlstore/tasks.go) read a derived
-- column of open cases, kept with the other summary columns on every
-- write: shelter_since, the start of the case's earliest ongoing
-- crisis-shelter stay (NULL once the case is closed or when it has none).
-- Counting them then reads one partial index of cases, with the owner on
-- the same row, instead of joining every ongoing stay to its case.
ALTER TABLE cases ADD COLUMN shelter_since DATE;
UPDATE cases SET shelter_since = (SELECT MIN(s.start_date) FROM accommodations s
    WHERE s.case_id = cases.id AND s.kind = 'crisis_shelter' AND s.end_date IS NULL)
WHERE closed_on IS NULL;
CREATE INDEX cases_shelter_since ON cases (shelter_since) WHERE shelter_since IS NOT NULL;

-- +goose Down
DROP INDEX cases_shelter_since;
ALTER TABLE cases DROP COLUMN shelter_since;
