-- rolecall schema, version 1. Every table of organization data leads its keys with org_id so the
-- data can later be sharded by organization.

CREATE TABLE organizations (
  org_id     text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Users and service accounts. Every user is an organization collaborator; ownership comes from
-- grants on the organization (user_grants / group_grants with resource_kind 0).
CREATE TABLE users (
  org_id             text NOT NULL REFERENCES organizations ON DELETE CASCADE,
  user_id            text NOT NULL,
  email              text NOT NULL,
  -- Sort and uniqueness key: emails are unique per organization, case-insensitively, and listed
  -- in byte order of their lower-case form.
  email_key          text COLLATE "C" GENERATED ALWAYS AS (lower(email)) STORED,
  name               text NOT NULL,
  lastname           text,
  title              text,
  is_sso_user        boolean NOT NULL DEFAULT false,
  is_service_account boolean NOT NULL DEFAULT false,
  password_hash      text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE UNIQUE INDEX users_email_key ON users (org_id, email_key) INCLUDE (user_id);
CREATE INDEX users_name ON users (org_id, name);

CREATE TABLE user_groups (
  org_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
  group_id   text NOT NULL,
  name       text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id),
  UNIQUE (org_id, name)
);

CREATE TABLE group_members (
  org_id     text NOT NULL,
  group_id   text NOT NULL,
  user_id    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, group_id, user_id),
  FOREIGN KEY (org_id, group_id) REFERENCES user_groups ON DELETE CASCADE,
  FOREIGN KEY (org_id, user_id) REFERENCES users ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (org_id, user_id, group_id);

CREATE TABLE clouds (
  org_id     text NOT NULL REFERENCES organizations ON DELETE CASCADE,
  cloud_id   text NOT NULL,
  name       text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, cloud_id),
  UNIQUE (org_id, name)
);

CREATE TABLE projects (
  org_id     text NOT NULL,
  project_id text NOT NULL,
  cloud_id   text NOT NULL,
  name       text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, project_id),
  UNIQUE (org_id, cloud_id, name),
  FOREIGN KEY (org_id, cloud_id) REFERENCES clouds ON DELETE CASCADE
);

-- Role bindings. resource_kind: 0 organization (resource_id = org_id), 1 cloud, 2 project.
-- role: 1 readonly, 2 collaborator, 3 owner (the order is the permissiveness order).
-- A principal may hold several roles on one resource; the effective role is the maximum.
-- cloud_id / project_id mirror resource_id so foreign keys can tie a grant to its resource:
-- deleting a cloud or project (or the user or group) deletes its grants in the same transaction,
-- and a grant on a resource that does not exist (or is being deleted) cannot be inserted.
CREATE TABLE user_grants (
  org_id        text NOT NULL,
  user_id       text NOT NULL,
  resource_kind smallint NOT NULL CHECK (resource_kind BETWEEN 0 AND 2),
  resource_id   text NOT NULL,
  role          smallint NOT NULL CHECK (role BETWEEN 1 AND 3),
  created_at    timestamptz NOT NULL DEFAULT now(),
  cloud_id      text GENERATED ALWAYS AS (CASE WHEN resource_kind = 1 THEN resource_id END) STORED,
  project_id    text GENERATED ALWAYS AS (CASE WHEN resource_kind = 2 THEN resource_id END) STORED,
  PRIMARY KEY (org_id, user_id, resource_kind, resource_id, role),
  CHECK (resource_kind <> 0 OR resource_id = org_id),
  FOREIGN KEY (org_id, user_id) REFERENCES users ON DELETE CASCADE,
  FOREIGN KEY (org_id, cloud_id) REFERENCES clouds ON DELETE CASCADE,
  FOREIGN KEY (org_id, project_id) REFERENCES projects ON DELETE CASCADE,
  FOREIGN KEY (org_id) REFERENCES organizations ON DELETE CASCADE
);
CREATE INDEX user_grants_by_resource ON user_grants (org_id, resource_kind, resource_id);
CREATE INDEX user_grants_by_cloud ON user_grants (org_id, cloud_id) WHERE cloud_id IS NOT NULL;
CREATE INDEX user_grants_by_project ON user_grants (org_id, project_id)
  WHERE project_id IS NOT NULL;

CREATE TABLE group_grants (
  org_id        text NOT NULL,
  group_id      text NOT NULL,
  resource_kind smallint NOT NULL CHECK (resource_kind BETWEEN 0 AND 2),
  resource_id   text NOT NULL,
  role          smallint NOT NULL CHECK (role BETWEEN 1 AND 3),
  created_at    timestamptz NOT NULL DEFAULT now(),
  cloud_id      text GENERATED ALWAYS AS (CASE WHEN resource_kind = 1 THEN resource_id END) STORED,
  project_id    text GENERATED ALWAYS AS (CASE WHEN resource_kind = 2 THEN resource_id END) STORED,
  PRIMARY KEY (org_id, group_id, resource_kind, resource_id, role),
  CHECK (resource_kind <> 0 OR resource_id = org_id),
  FOREIGN KEY (org_id, group_id) REFERENCES user_groups ON DELETE CASCADE,
  FOREIGN KEY (org_id, cloud_id) REFERENCES clouds ON DELETE CASCADE,
  FOREIGN KEY (org_id, project_id) REFERENCES projects ON DELETE CASCADE
);
CREATE INDEX group_grants_by_resource ON group_grants (org_id, resource_kind, resource_id);
CREATE INDEX group_grants_by_cloud ON group_grants (org_id, cloud_id) WHERE cloud_id IS NOT NULL;
CREATE INDEX group_grants_by_project ON group_grants (org_id, project_id)
  WHERE project_id IS NOT NULL;

-- API keys: only the SHA-256 of the secret is stored. key_id is globally unique because a
-- presented key names no organization; the key's row says which one it belongs to.
CREATE TABLE api_keys (
  org_id            text NOT NULL REFERENCES organizations ON DELETE CASCADE,
  key_id            text NOT NULL UNIQUE,
  secret_hash       text NOT NULL,
  scope             text NOT NULL CHECK (scope IN ('admin', 'read', 'check')),
  principal_user_id text,
  name              text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL DEFAULT now(),
  revoked_at        timestamptz,
  PRIMARY KEY (org_id, key_id)
);

-- Server-wide secrets shared by every replica (the page-token MAC key).
CREATE TABLE server_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
