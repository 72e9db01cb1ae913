-- +goose Up
-- Brute-force protection (spec/security.md item 18): failures per key (a
-- credential kind and an account, client or IP address) and the end of the
-- current back-off. Rows unlocked and untouched for a day are deleted.
CREATE TABLE throttles (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX throttles_updated ON throttles (updated_at);

-- +goose Down
DROP TABLE throttles;
