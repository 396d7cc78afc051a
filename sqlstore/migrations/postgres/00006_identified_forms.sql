-- +goose Up
-- See the SQLite migration of the same number.
ALTER TABLE cases ADD COLUMN identified_forms INTEGER;
ALTER TABLE cases ADD COLUMN identified_labour_sector TEXT;
UPDATE cases SET
    identified_labour_sector = (SELECT a.labour_sector FROM assessments a WHERE a.id = cases.identified_assessment_id),
    identified_forms = COALESCE((SELECT SUM(CASE f.form WHEN 'sexual' THEN 1 WHEN 'forced_labour' THEN 2
        WHEN 'forced_criminality' THEN 4 WHEN 'begging' THEN 8 WHEN 'forced_marriage' THEN 16
        WHEN 'organ_removal' THEN 32 WHEN 'other' THEN 64 ELSE 0 END)
        FROM assessment_forms f WHERE f.assessment_id = cases.identified_assessment_id), 0)
WHERE identified_assessment_id IS NOT NULL;
DROP INDEX cases_cohort;
CREATE INDEX cases_cohort ON cases (identified_on, identified_authority, gender, first_contact_form)
    INCLUDE (nationality, identified_age, identified_assessment_id, id, identified_labour_sector, identified_forms);

-- +goose Down
DROP INDEX cases_cohort;
CREATE INDEX cases_cohort ON cases (identified_on, identified_authority, gender, first_contact_form)
    INCLUDE (nationality, identified_age, identified_assessment_id, id);
ALTER TABLE cases DROP COLUMN identified_labour_sector;
ALTER TABLE cases DROP COLUMN identified_forms;
