-- +goose Up
-- A sign-in in progress: the authorization request waiting for the hosted
-- pages, bound to the browser by a cookie whose hash is the key.
CREATE TABLE interactions (
    id_hash        BYTEA PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    request        TEXT NOT NULL,
    user_id        TEXT REFERENCES users (id) ON DELETE CASCADE,
    login_at       BIGINT,
    consented      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX interactions_expires ON interactions (expires_at);

-- What a user agreed to share with a (third-party) application.
CREATE TABLE consents (
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    scopes         TEXT NOT NULL DEFAULT '[]',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, application_id)
);

-- Self-contained tokens revoked before their expiry (RFC 7009), kept until
-- they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expires ON revoked_tokens (expires_at);

-- API resources (RFC 8707 indicators); the RBAC issue adds scopes and roles.
CREATE TABLE resources (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    indicator        TEXT NOT NULL UNIQUE,
    access_token_ttl BIGINT NOT NULL DEFAULT 3600,
    is_default       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL
);

-- +goose Down
DROP TABLE resources;
DROP TABLE revoked_tokens;
DROP TABLE consents;
DROP TABLE interactions;
