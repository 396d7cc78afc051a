-- +goose Up
-- One-time passwords and recovery codes (SQLite). password_expires_at is
-- set while a user's password is a one-time password (chosen by an
-- administrator): sign-in refuses it afterwards, and it must be changed
-- at the first sign-in. recovery_codes holds argon2id hashes of the
-- codes that stand in for a TOTP code once each; used_at marks a spent
-- one. Two-factor set-up or reset deletes a user's codes.
ALTER TABLE users ADD COLUMN password_expires_at TIMESTAMP;

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN password_expires_at;
