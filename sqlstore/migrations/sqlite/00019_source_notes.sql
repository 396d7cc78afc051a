-- +goose Up
-- What a source says about a section of a year's statistics (the seed's
-- "Udlændingestyrelsen har oplyst, …"): one note per year, section and
-- organisation; attributed makes the section's figures read as reported
-- by the source.
CREATE TABLE source_notes (
    year       INTEGER NOT NULL,
    section    TEXT NOT NULL,
    org        TEXT NOT NULL REFERENCES organisations (code),
    attributed BOOLEAN NOT NULL DEFAULT FALSE,
    text_da    TEXT NOT NULL DEFAULT '',
    text_en    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (year, section, org)
);

-- Persons an organisation interviewed or screened for signs of
-- trafficking in a year (the seed: 80 trafficking interviews with minors
-- by the Red Cross).
CREATE TABLE screenings (
    year         INTEGER NOT NULL,
    org          TEXT NOT NULL REFERENCES organisations (code),
    kind         TEXT NOT NULL,
    target_group TEXT NOT NULL,
    persons      INTEGER NOT NULL,
    PRIMARY KEY (year, org, kind, target_group)
);

-- +goose Down
DROP TABLE screenings;
DROP TABLE source_notes;
