-- +goose Up
-- The data version: a counter that every change to the data the
-- statistics read moves on, and nothing else (reads, audit entries,
-- sessions do not). sqlstore caches statistics under it, so that the
-- statistics API answers from memory until the data change, and a change
-- made by another process (a CLI import while the server runs) is seen
-- at the next request. The bulk import drops the triggers of the case
-- tables inside its transaction, moves the counter once and puts them
-- back (sqlstore/dataversion.go): a trigger per imported row would cost
-- seconds per million cases.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
CREATE TRIGGER cases_dv_insert AFTER INSERT ON cases BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER cases_dv_update AFTER UPDATE ON cases BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER cases_dv_delete AFTER DELETE ON cases BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER contacts_dv_insert AFTER INSERT ON contacts BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER contacts_dv_update AFTER UPDATE ON contacts BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER contacts_dv_delete AFTER DELETE ON contacts BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessments_dv_insert AFTER INSERT ON assessments BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessments_dv_update AFTER UPDATE ON assessments BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessments_dv_delete AFTER DELETE ON assessments BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_forms_dv_insert AFTER INSERT ON assessment_forms BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_forms_dv_update AFTER UPDATE ON assessment_forms BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_forms_dv_delete AFTER DELETE ON assessment_forms BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER reflection_periods_dv_insert AFTER INSERT ON reflection_periods BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER reflection_periods_dv_update AFTER UPDATE ON reflection_periods BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER reflection_periods_dv_delete AFTER DELETE ON reflection_periods BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER accommodations_dv_insert AFTER INSERT ON accommodations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER accommodations_dv_update AFTER UPDATE ON accommodations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER accommodations_dv_delete AFTER DELETE ON accommodations BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER offers_dv_insert AFTER INSERT ON offers BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER offers_dv_update AFTER UPDATE ON offers BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER offers_dv_delete AFTER DELETE ON offers BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER exits_dv_insert AFTER INSERT ON exits BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER exits_dv_update AFTER UPDATE ON exits BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER exits_dv_delete AFTER DELETE ON exits BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER countries_dv_insert AFTER INSERT ON countries BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER countries_dv_update AFTER UPDATE ON countries BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER countries_dv_delete AFTER DELETE ON countries BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER prosecutions_dv_insert AFTER INSERT ON prosecutions BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER prosecutions_dv_update AFTER UPDATE ON prosecutions BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER prosecutions_dv_delete AFTER DELETE ON prosecutions BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END;

-- +goose Down
DROP TRIGGER cases_dv_insert;
DROP TRIGGER cases_dv_update;
DROP TRIGGER cases_dv_delete;
DROP TRIGGER contacts_dv_insert;
DROP TRIGGER contacts_dv_update;
DROP TRIGGER contacts_dv_delete;
DROP TRIGGER assessments_dv_insert;
DROP TRIGGER assessments_dv_update;
DROP TRIGGER assessments_dv_delete;
DROP TRIGGER assessment_forms_dv_insert;
DROP TRIGGER assessment_forms_dv_update;
DROP TRIGGER assessment_forms_dv_delete;
DROP TRIGGER reflection_periods_dv_insert;
DROP TRIGGER reflection_periods_dv_update;
DROP TRIGGER reflection_periods_dv_delete;
DROP TRIGGER accommodations_dv_insert;
DROP TRIGGER accommodations_dv_update;
DROP TRIGGER accommodations_dv_delete;
DROP TRIGGER offers_dv_insert;
DROP TRIGGER offers_dv_update;
DROP TRIGGER offers_dv_delete;
DROP TRIGGER exits_dv_insert;
DROP TRIGGER exits_dv_update;
DROP TRIGGER exits_dv_delete;
DROP TRIGGER countries_dv_insert;
DROP TRIGGER countries_dv_update;
DROP TRIGGER countries_dv_delete;
DROP TRIGGER prosecutions_dv_insert;
DROP TRIGGER prosecutions_dv_update;
DROP TRIGGER prosecutions_dv_delete;
DROP TABLE data_version;
