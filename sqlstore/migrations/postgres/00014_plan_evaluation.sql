-- +goose Up
-- The external evaluation of an action plan at its end: evaluator, date,
-- findings in Danish and English, recommendations (a JSON list of
-- {text_da, text_en}) and a link or file reference to the report. One
-- per plan; it goes with the plan.
CREATE TABLE plan_evaluations (
    plan_id         BIGINT PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    evaluator       TEXT NOT NULL,
    date            DATE NOT NULL,
    summary_da      TEXT NOT NULL,
    summary_en      TEXT NOT NULL DEFAULT '',
    recommendations TEXT NOT NULL DEFAULT '[]',
    link            TEXT NOT NULL DEFAULT ''
);

-- An output's audience in English, for the English report.
ALTER TABLE plan_outputs ADD COLUMN audience_en TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE plan_outputs DROP COLUMN audience_en;
DROP TABLE plan_evaluations;
