-- +goose Up
-- Indexes for the statistics over a million cases (design.md §9): each
-- query of sqlstore/stats.go reads an index range and nothing else
-- (covering indexes), and the cohort index's column order lets the
-- groupings of the series and the cube stream without sorting. Each new
-- index replaces a narrower one with the same leading column, so the
-- import maintains no more indexes than before but one (nationality).

-- The cohort: identified_on range scans, grouped by authority, gender and
-- contact form, with nationality, age and the identifying assessment.
CREATE INDEX cases_cohort ON cases (identified_on, identified_authority, gender, first_contact_form)
    INCLUDE (nationality, identified_age, identified_assessment_id, id);
DROP INDEX cases_identified_on;

-- The nationalities identified in any year, by a skip scan.
CREATE INDEX cases_nationality ON cases (nationality);

-- A cohort case's stays and exits, without visiting the table rows.
CREATE INDEX accommodations_case_kind ON accommodations (case_id, kind, start_date, end_date);
DROP INDEX accommodations_case;
CREATE INDEX exits_case_kind ON exits (case_id, kind, date);
DROP INDEX exits_case;
-- The exits dated in a year.
CREATE INDEX exits_date_kind ON exits (date, kind, case_id);
DROP INDEX exits_date;

-- +goose Down
CREATE INDEX exits_date ON exits (date);
DROP INDEX exits_date_kind;
CREATE INDEX exits_case ON exits (case_id);
DROP INDEX exits_case_kind;
CREATE INDEX accommodations_case ON accommodations (case_id);
DROP INDEX accommodations_case_kind;
DROP INDEX cases_nationality;
CREATE INDEX cases_identified_on ON cases (identified_on);
DROP INDEX cases_cohort;
