-- +goose Up
-- The plan's work besides its status: outputs of activities (courses,
-- campaigns, publications, studies, study trips, international projects),
-- funding per activity, year and funding line, and working groups with
-- their members, meetings and agreed actions. Outputs and funding refer
-- to their activity by code, not id, because replacing a plan (SavePlan)
-- writes its activities afresh; they go with the plan itself.
CREATE TABLE plan_outputs (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    activity_code  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    title_da       TEXT NOT NULL,
    title_en       TEXT NOT NULL DEFAULT '',
    period         TEXT NOT NULL,
    until_period   TEXT NOT NULL DEFAULT '',
    date           TEXT,
    audience       TEXT NOT NULL DEFAULT '',
    events         INTEGER NOT NULL DEFAULT 0,
    participants   INTEGER NOT NULL DEFAULT 0,
    org            TEXT NOT NULL DEFAULT '',
    link           TEXT NOT NULL DEFAULT '',
    text_da        TEXT NOT NULL DEFAULT '',
    text_en        TEXT NOT NULL DEFAULT '',
    amount_dkk     REAL NOT NULL DEFAULT 0
);
CREATE INDEX plan_outputs_plan ON plan_outputs (plan_id, activity_code);

CREATE TABLE activity_funding (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    activity_code TEXT NOT NULL,
    year          INTEGER NOT NULL,
    line          TEXT NOT NULL,
    allocated_dkk REAL NOT NULL DEFAULT 0,
    spent_dkk     REAL NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, activity_code, year, line)
);

CREATE TABLE work_groups (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    plan_code TEXT NOT NULL DEFAULT '',
    kind      TEXT NOT NULL,
    name_da   TEXT NOT NULL,
    name_en   TEXT NOT NULL DEFAULT '',
    chair     TEXT NOT NULL DEFAULT '',
    text_da   TEXT NOT NULL DEFAULT '',
    text_en   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE work_group_members (
    group_id INTEGER NOT NULL REFERENCES work_groups (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    org      TEXT NOT NULL,
    PRIMARY KEY (group_id, org)
);

CREATE TABLE work_group_meetings (
    id         INTEGER PRIMARY KEY,
    group_id   INTEGER NOT NULL REFERENCES work_groups (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    minutes_da TEXT NOT NULL DEFAULT '',
    minutes_en TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_group_meetings_group ON work_group_meetings (group_id, date);

CREATE TABLE work_group_actions (
    id       INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES work_groups (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text_da  TEXT NOT NULL,
    text_en  TEXT NOT NULL DEFAULT '',
    org      TEXT NOT NULL DEFAULT '',
    due      TEXT,
    done     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX work_group_actions_group ON work_group_actions (group_id);

-- +goose Down
DROP TABLE work_group_actions;
DROP TABLE work_group_meetings;
DROP TABLE work_group_members;
DROP TABLE work_groups;
DROP TABLE activity_funding;
DROP TABLE plan_outputs;
