-- +goose Up
-- The person search's blind index: per case, keyed hashes (HMAC-SHA-256
-- under the blind-index key named in key_id, kept in the key file, never
-- here) of its normalised names, name words, birth date, document numbers
-- and phone number. The hash covers the kind too, so hmac alone finds a
-- term. No identifier is stored in clear.
CREATE TABLE person_index (
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    hmac    BLOB NOT NULL,
    key_id  TEXT NOT NULL
);
CREATE INDEX person_index_hmac ON person_index (hmac, case_id);
CREATE INDEX person_index_case ON person_index (case_id);

-- +goose Down
DROP TABLE person_index;
