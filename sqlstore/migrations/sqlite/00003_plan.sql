-- +goose Up
-- The national action plan (plans → areas → goals → activities with their
-- responsible bodies and a status per reporting period, plus funding lines)
-- and the reference network (groups, members, meetings, outreach services
-- and their statistics). Children cascade so that replacing a plan or a
-- group is one delete and one insert in the same transaction.
CREATE TABLE plans (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_da    TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    start_year INTEGER NOT NULL,
    end_year   INTEGER NOT NULL,
    budget_dkk REAL NOT NULL DEFAULT 0
);

CREATE TABLE areas (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    name_da  TEXT NOT NULL,
    name_en  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX areas_plan ON areas (plan_id);

CREATE TABLE goals (
    id       INTEGER PRIMARY KEY,
    area_id  INTEGER NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code     TEXT NOT NULL,
    name_da  TEXT NOT NULL,
    name_en  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX goals_area ON goals (area_id);

CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    plan_id          INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    goal_id          INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    code             TEXT NOT NULL,
    text_da          TEXT NOT NULL,
    text_en          TEXT NOT NULL DEFAULT '',
    responsible_text TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, code)
);
CREATE INDEX activities_goal ON activities (goal_id);

CREATE TABLE activity_responsibles (
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    org         TEXT NOT NULL,
    PRIMARY KEY (activity_id, org)
);

CREATE TABLE status_entries (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    state       TEXT NOT NULL,
    text_da     TEXT NOT NULL DEFAULT '',
    text_en     TEXT NOT NULL DEFAULT '',
    date        TEXT,
    UNIQUE (activity_id, period)
);

CREATE TABLE funding_lines (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    source     TEXT NOT NULL,
    text_da    TEXT NOT NULL DEFAULT '',
    amount_dkk REAL NOT NULL DEFAULT 0,
    year       INTEGER
);
CREATE INDEX funding_lines_plan ON funding_lines (plan_id);

CREATE TABLE reference_groups (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_da     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    parent_code TEXT NOT NULL DEFAULT ''
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES reference_groups (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    org_code TEXT NOT NULL DEFAULT '',
    name_da  TEXT NOT NULL DEFAULT '',
    state    BOOLEAN NOT NULL,
    PRIMARY KEY (group_id, position)
);

-- Meetings refer to their group by code so that replacing a group (new id)
-- keeps its meetings. Topics are JSON arrays of strings.
CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    group_code TEXT NOT NULL,
    date       TEXT NOT NULL,
    topics_da  TEXT NOT NULL DEFAULT '[]',
    topics_en  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX meetings_group ON meetings (group_code, date);

CREATE TABLE outreach_services (
    code     TEXT PRIMARY KEY,
    name_da  TEXT NOT NULL,
    name_en  TEXT NOT NULL DEFAULT '',
    kind     TEXT NOT NULL,
    org_code TEXT NOT NULL DEFAULT '',
    area     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE outreach_stats (
    service_code  TEXT NOT NULL REFERENCES outreach_services (code) ON DELETE CASCADE,
    period        TEXT NOT NULL,
    visits        INTEGER NOT NULL,
    consultations INTEGER NOT NULL,
    PRIMARY KEY (service_code, period)
);

-- +goose Down
DROP TABLE outreach_stats;
DROP TABLE outreach_services;
DROP TABLE meetings;
DROP TABLE group_members;
DROP TABLE reference_groups;
DROP TABLE funding_lines;
DROP TABLE status_entries;
DROP TABLE activity_responsibles;
DROP TABLE activities;
DROP TABLE goals;
DROP TABLE areas;
DROP TABLE plans;
