-- +goose Up
-- Users, sessions, API tokens and sign-in throttling (SQLite). Secrets are
-- never stored in clear: passwords as argon2id PHC strings, session and API
-- tokens as SHA-256 hashes, TOTP secrets sealed like case identifiers.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    org            TEXT NOT NULL,
    authority      TEXT NOT NULL DEFAULT '',
    lang           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    -- TOTP secret sealed with AES-256-GCM (key totp_key_id); NULL until
    -- enrolled. totp_last_step is the time step of the last accepted code,
    -- so that a code cannot be replayed.
    totp_secret    BLOB,
    totp_key_id    TEXT,
    totp_enabled   BOOLEAN NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled       BOOLEAN NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    last_login_at  TIMESTAMP
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    -- pending: the password step passed, the TOTP step not yet.
    pending      BOOLEAN NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    remote       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked      BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed sign-ins per throttling key (e.g. "remote:192.0.2.1") in a window
-- that starts at the first failure.
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
