-- +goose Up
-- Keyed audit chain: each entry names the audit key whose HMAC-SHA-256 is
-- its hash (the key itself is kept in the key file, never here). Entries
-- written before audit keys existed keep their plain SHA-256 hash and are
-- marked 'sha256'.
ALTER TABLE audit_log ADD COLUMN hash_key TEXT NOT NULL DEFAULT 'sha256';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN hash_key;
