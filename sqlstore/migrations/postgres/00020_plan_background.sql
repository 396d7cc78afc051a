-- +goose Up
-- What the report's introduction and activity tables say from the plan's
-- data: the plan's background (coordinating ministry, earlier plans, the
-- financing, who receives the report; a JSON object), each area as the
-- introduction lists it, footnotes of goals and activities (JSON lists of
-- {text_da, text_en}), the responsible bodies in English, and a funding
-- line's English text and authority.
ALTER TABLE plans ADD COLUMN background TEXT NOT NULL DEFAULT '';
ALTER TABLE areas ADD COLUMN intro_da TEXT NOT NULL DEFAULT '';
ALTER TABLE areas ADD COLUMN intro_en TEXT NOT NULL DEFAULT '';
ALTER TABLE goals ADD COLUMN footnotes TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN responsible_text_en TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN footnotes TEXT NOT NULL DEFAULT '';
ALTER TABLE funding_lines ADD COLUMN text_en TEXT NOT NULL DEFAULT '';
ALTER TABLE funding_lines ADD COLUMN org TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE funding_lines DROP COLUMN org;
ALTER TABLE funding_lines DROP COLUMN text_en;
ALTER TABLE activities DROP COLUMN footnotes;
ALTER TABLE activities DROP COLUMN responsible_text_en;
ALTER TABLE goals DROP COLUMN footnotes;
ALTER TABLE areas DROP COLUMN intro_en;
ALTER TABLE areas DROP COLUMN intro_da;
ALTER TABLE plans DROP COLUMN background;
