-- +goose Up
-- Configured connectors (Logto's "connectors"): an instance of a factory
-- (patreon-universal, google-universal, ...) with its own id, the
-- {connectorId} of {endpoint}/callback/{connectorId}. config is JSON whose
-- confidential fields are sealed by the domain before they get here.
CREATE TABLE connectors (
    id           TEXT PRIMARY KEY,
    factory_id   TEXT NOT NULL,
    target       TEXT NOT NULL,
    config       BLOB NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    sync_profile BOOLEAN NOT NULL DEFAULT FALSE,
    enabled      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);

-- A user's external identities: at most one per target; an upstream account
-- belongs to at most one user (keyed by target and upstream id, never email).
CREATE TABLE identities (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target      TEXT NOT NULL,
    upstream_id TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, target),
    UNIQUE (target, upstream_id)
);

-- An upstream authorization in progress: the state sent to the provider
-- (stored as a hash), bound to the browser's interaction, single use.
CREATE TABLE connector_sessions (
    state_hash           BLOB PRIMARY KEY,
    interaction_id_hash  BLOB NOT NULL,
    connector_id         TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    redirect_uri         TEXT NOT NULL,
    data                 BLOB NOT NULL,
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NOT NULL,
    consumed_at          BIGINT
);
CREATE INDEX connector_sessions_expires ON connector_sessions (expires_at);

-- +goose Down
DROP TABLE connector_sessions;
DROP TABLE identities;
DROP TABLE connectors;
