-- +goose Up
-- Where the forced labour took place, in general terms (a code of
-- labour_setting, never free text): the narrative's "rengøring på kontorer
-- og skoler". Empty when not given, like labour_sector.
ALTER TABLE assessments ADD COLUMN labour_setting TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE assessments DROP COLUMN labour_setting;
