-- +goose Up
-- Role-based access control, as Logto has it: permissions ("scopes") of an
-- API resource, roles grouping permissions of any resources, and roles
-- assigned to users (User roles) or machine-to-machine applications
-- (MachineToMachine roles). Every relation goes with either side.
CREATE TABLE scopes (
    id          TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (resource_id, name)
);

-- name_key is the lower-cased name: role names are unique case-insensitively.
CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL DEFAULT 'User',
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL
);

-- resource_id and name repeat the scope's (kept in step by the store):
-- the token endpoint reads a subject's permission names for one resource
-- from the index roles_scopes_permissions alone.
CREATE TABLE roles_scopes (
    role_id     TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    scope_id    TEXT NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (role_id, scope_id)
);
CREATE INDEX roles_scopes_scope ON roles_scopes (scope_id);
CREATE INDEX roles_scopes_permissions ON roles_scopes (role_id, resource_id, name);

CREATE TABLE users_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX users_roles_role ON users_roles (role_id);

CREATE TABLE applications_roles (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    role_id        TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (application_id, role_id)
);
CREATE INDEX applications_roles_role ON applications_roles (role_id);

-- Logto's Management API is a real resource with the one permission "all",
-- held by the built-in machine-to-machine role (ids as in Logto's seed).
INSERT INTO resources (id, name, indicator, access_token_ttl, is_default, created_at)
VALUES ('management-api', 'Logto Management API', 'https://default.logto.app/api', 3600, FALSE,
        CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT))
ON CONFLICT (indicator) DO NOTHING;
INSERT INTO scopes (id, resource_id, name, description, created_at)
SELECT 'management-api-all', id, 'all', 'Default scope for Management API, allows all permissions.', created_at
FROM resources WHERE indicator = 'https://default.logto.app/api';
INSERT INTO roles (id, name, name_key, description, type, is_default, created_at)
VALUES ('management-api-access', 'Logto Management API access', 'logto management api access',
        'This default role grants access to the Logto management API.', 'MachineToMachine', FALSE,
        CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT));
INSERT INTO roles_scopes (role_id, scope_id, resource_id, name)
SELECT 'management-api-access', id, resource_id, name FROM scopes WHERE id = 'management-api-all';

-- Applications given access by the former flag keep it through the role.
INSERT INTO applications_roles (application_id, role_id)
SELECT id, 'management-api-access' FROM applications WHERE management_api_access;
ALTER TABLE applications DROP COLUMN management_api_access;

-- +goose Down
ALTER TABLE applications ADD COLUMN management_api_access BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE applications SET management_api_access = TRUE
WHERE id IN (SELECT application_id FROM applications_roles WHERE role_id = 'management-api-access');
DROP TABLE applications_roles;
DROP TABLE users_roles;
DROP TABLE roles_scopes;
DROP TABLE roles;
DROP TABLE scopes;
DELETE FROM resources WHERE id = 'management-api';
