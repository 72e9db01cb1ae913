-- +goose Up
-- Codes sent by email or SMS (spec/security.md item 20): only a digest of
-- the code, bound to the row id. A live code is one not consumed; of one
-- identifier and purpose there is at most one, which a new code replaces
-- (the partial unique index makes concurrent sends queue on it). Rows go
-- once expired.
CREATE TABLE verification_codes (
    id          TEXT PRIMARY KEY,
    identifier  TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   BLOB NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    consumed_at BIGINT
);
CREATE INDEX verification_codes_identifier ON verification_codes (identifier, purpose);
CREATE UNIQUE INDEX verification_codes_live ON verification_codes (identifier, purpose) WHERE consumed_at IS NULL;
CREATE INDEX verification_codes_expires ON verification_codes (expires_at);

-- +goose Down
DROP TABLE verification_codes;
