-- +goose Up
-- The forms of exploitation and the labour sector of each case's
-- identifying assessment, kept on the cases row with the other derived
-- facts (sqlstore/case.go summarize), so that the exploitation statistics
-- read the cohort index alone instead of joining assessments and their
-- forms (the costliest statistics query on both engines). The forms are
-- a bit mask with fixed bits (sqlstore/stats.go formBits):
-- sexual 1, forced_labour 2, forced_criminality 4, begging 8,
-- forced_marriage 16, organ_removal 32, other 64.
ALTER TABLE cases ADD COLUMN identified_forms INTEGER;
ALTER TABLE cases ADD COLUMN identified_labour_sector TEXT;
UPDATE cases SET
    identified_labour_sector = (SELECT a.labour_sector FROM assessments a WHERE a.id = cases.identified_assessment_id),
    identified_forms = COALESCE((SELECT SUM(CASE f.form WHEN 'sexual' THEN 1 WHEN 'forced_labour' THEN 2
        WHEN 'forced_criminality' THEN 4 WHEN 'begging' THEN 8 WHEN 'forced_marriage' THEN 16
        WHEN 'organ_removal' THEN 32 WHEN 'other' THEN 64 ELSE 0 END)
        FROM assessment_forms f WHERE f.assessment_id = cases.identified_assessment_id), 0)
WHERE identified_assessment_id IS NOT NULL;
-- The cohort index is not widened here as it is on PostgreSQL: two more
-- columns in an index that a bulk import fills in random order cost the
-- import of 1,000,000 cases some 2.5 s (over 10 %); SQLite reads the two
-- columns from the table rows instead.

-- +goose Down
ALTER TABLE cases DROP COLUMN identified_labour_sector;
ALTER TABLE cases DROP COLUMN identified_forms;
