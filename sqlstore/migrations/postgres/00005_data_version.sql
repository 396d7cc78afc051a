-- +goose Up
-- The data version (see the SQLite migration of the same number):
-- statement-level triggers, so that a COPY of a million rows moves the
-- counter once.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION data_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE data_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER cases_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER contacts_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contacts FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER assessments_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessments FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER assessment_forms_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_forms FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER reflection_periods_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reflection_periods FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER accommodations_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accommodations FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER offers_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER exits_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exits FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER countries_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON countries FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER prosecutions_dv AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prosecutions FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();

-- +goose Down
DROP TRIGGER cases_dv ON cases;
DROP TRIGGER contacts_dv ON contacts;
DROP TRIGGER assessments_dv ON assessments;
DROP TRIGGER assessment_forms_dv ON assessment_forms;
DROP TRIGGER reflection_periods_dv ON reflection_periods;
DROP TRIGGER accommodations_dv ON accommodations;
DROP TRIGGER offers_dv ON offers;
DROP TRIGGER exits_dv ON exits;
DROP TRIGGER countries_dv ON countries;
DROP TRIGGER prosecutions_dv ON prosecutions;
DROP FUNCTION data_version_bump();
DROP TABLE data_version;
