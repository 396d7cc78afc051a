-- +goose Up
-- The case list's sort orders and filters at a million cases (issue 13,
-- sqlstore/caselist.go). Every sortable column has an index in the list's
-- order with its tie-breaker (the case id): ascending with NULLs first, so
-- that a backward scan is the descending order with NULLs last, the order
-- SQLite uses too.
CREATE INDEX cases_updated ON cases (updated_at, id);
CREATE INDEX cases_first_contact ON cases (first_contact_date NULLS FIRST, id);
CREATE INDEX cases_identified_sort ON cases (identified_on NULLS FIRST, id);
CREATE INDEX cases_authority ON cases (identified_authority NULLS FIRST, id);
CREATE INDEX cases_latest_outcome ON cases (latest_outcome NULLS FIRST, id);
CREATE INDEX cases_owner_sort ON cases (owner_org, id);
DROP INDEX cases_owner_org;
-- The minors filter: a birth-year range. (The deadline filter reads
-- cases_reflection_due of migration 00015, as the worklist does.)
CREATE INDEX cases_birth_year ON cases (birth_year);
-- The open-stays filter: only the stays without an end.
CREATE INDEX accommodations_open ON accommodations (case_id) WHERE end_date IS NULL;
-- The audit log's filters, newest first: by action and by user.
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_username ON audit_log (username, seq);

-- +goose Down
DROP INDEX audit_log_username;
DROP INDEX audit_log_action;
DROP INDEX accommodations_open;
DROP INDEX cases_birth_year;
CREATE INDEX cases_owner_org ON cases (owner_org);
DROP INDEX cases_owner_sort;
DROP INDEX cases_latest_outcome;
DROP INDEX cases_authority;
DROP INDEX cases_identified_sort;
DROP INDEX cases_first_contact;
DROP INDEX cases_updated;
