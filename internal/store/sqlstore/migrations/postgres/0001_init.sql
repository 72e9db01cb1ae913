-- +goose Up
-- Times are BIGINT microseconds since the Unix epoch, UTC, in both dialects,
-- so one code path reads and compares them the same way.
CREATE TABLE applications (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL,
    description               TEXT NOT NULL DEFAULT '',
    type                      TEXT NOT NULL,
    redirect_uris             TEXT NOT NULL DEFAULT '[]',
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
    cors_allowed_origins      TEXT NOT NULL DEFAULT '[]',
    is_third_party            BOOLEAN NOT NULL DEFAULT FALSE,
    management_api_access     BOOLEAN NOT NULL DEFAULT FALSE,
    custom_data               TEXT NOT NULL DEFAULT '{}',
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    version                   BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE application_secrets (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    hash           BYTEA NOT NULL UNIQUE,
    hint           TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT
);
CREATE INDEX application_secrets_application ON application_secrets (application_id);

-- username_key and email_key hold the lower-cased value: lookups and
-- uniqueness are case-insensitive while the columns beside keep the case.
CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    username        TEXT,
    username_key    TEXT UNIQUE,
    primary_email   TEXT,
    email_key       TEXT UNIQUE,
    primary_phone   TEXT UNIQUE,
    name            TEXT NOT NULL DEFAULT '',
    avatar          TEXT NOT NULL DEFAULT '',
    password_hash   TEXT NOT NULL DEFAULT '',
    custom_data     TEXT NOT NULL DEFAULT '{}',
    profile         TEXT NOT NULL DEFAULT '{}',
    is_suspended    BOOLEAN NOT NULL DEFAULT FALSE,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    last_sign_in_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    id_hash    BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_time  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE authorization_codes (
    code_hash             BYTEA PRIMARY KEY,
    application_id        TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id               TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id_hash       BYTEA,
    redirect_uri          TEXT NOT NULL,
    scopes                TEXT NOT NULL DEFAULT '[]',
    resources             TEXT NOT NULL DEFAULT '[]',
    nonce                 TEXT NOT NULL DEFAULT '',
    code_challenge        TEXT NOT NULL DEFAULT '',
    code_challenge_method TEXT NOT NULL DEFAULT '',
    auth_time             BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    consumed_at           BIGINT,
    grant_id              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);

CREATE TABLE grants (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    session_id_hash BYTEA,
    scopes          TEXT NOT NULL DEFAULT '[]',
    resources       TEXT NOT NULL DEFAULT '[]',
    auth_time       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    revoked_at      BIGINT
);
CREATE INDEX grants_user ON grants (user_id);
CREATE INDEX grants_expires ON grants (expires_at);

CREATE TABLE refresh_tokens (
    token_hash  BYTEA PRIMARY KEY,
    grant_id    TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    consumed_at BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

CREATE TABLE signing_keys (
    id                 TEXT PRIMARY KEY,
    algorithm          TEXT NOT NULL,
    status             TEXT NOT NULL,
    sealed_private_key BYTEA NOT NULL,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT,
    version            BIGINT NOT NULL DEFAULT 1
);

-- Deployment-wide facts, such as the check value that tells whether the
-- master secret in use is the one this database was created with.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

-- +goose Down
DROP TABLE meta;
DROP TABLE signing_keys;
DROP TABLE refresh_tokens;
DROP TABLE grants;
DROP TABLE authorization_codes;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE application_secrets;
DROP TABLE applications;
