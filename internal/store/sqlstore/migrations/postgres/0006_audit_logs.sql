-- +goose Up
-- The audit log (Logto's "logs"): one row per sign-in, sign-up, failure,
-- token endpoint error and Management API write. payload is Logto's log
-- payload as JSON {key, result, error?, ip, userAgent, userId?,
-- applicationId?, ...}; the columns beside it repeat what the API filters
-- on, so the filters are index lookups instead of JSON scans. Rows older
-- than the configured retention are deleted by the janitor.
CREATE TABLE audit_logs (
    id             TEXT PRIMARY KEY,
    key            TEXT NOT NULL,
    result         TEXT NOT NULL,
    user_id        TEXT,
    application_id TEXT,
    payload        TEXT NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL
);
-- Newest first (every list), pruning by age, and the daily counts.
CREATE INDEX audit_logs_created ON audit_logs (created_at, id);
-- The filters of GET /api/logs, each in time order.
CREATE INDEX audit_logs_key ON audit_logs (key, created_at);
CREATE INDEX audit_logs_user ON audit_logs (user_id, created_at);
CREATE INDEX audit_logs_application ON audit_logs (application_id, created_at);

-- +goose Down
DROP TABLE audit_logs;
