-- rolecall schema, version 4: a revision per organization and the change log.
--
-- Every write transaction of the server begins with rolecall_begin_write (storage/queries/
-- begin_write.sql): it advances the organization's revision exactly once and holds that row's
-- lock until the transaction ends, so an organization's writes are serialized from their first
-- statement (no deadlock between them), their revisions are distinct, gap-free and in commit
-- order, and a rolled-back write leaves no revision behind. Triggers on every table then write
-- one change row per row changed — cascades included — in the same transaction, with the actor
-- and request the server named. A write made without rolecall_begin_write (an operator's SQL)
-- is logged too: the first trigger to fire begins it, with the operation 'sql'.

-- The newest revision of each organization; 0 before its first logged write. It replicates with
-- the data, so a replica can tell whether it has caught up with a token.
CREATE TABLE org_revisions (
  org_id   text PRIMARY KEY,
  revision bigint NOT NULL CHECK (revision >= 0)
);
INSERT INTO org_revisions (org_id, revision) SELECT org_id, 0 FROM organizations;

-- One row per row a write created, updated or deleted. `detail` holds the changed row's own
-- columns (never a password hash or key secret): for grants the principal, resource kind and id
-- and role; for memberships the group and user. Names of roles and kinds are the reader's to map.
CREATE TABLE changes (
  org_id        text NOT NULL,
  revision      bigint NOT NULL,
  seq           int NOT NULL,  -- order within the revision, from 1
  changed_at    timestamptz NOT NULL DEFAULT now(),
  actor_key_id  text NOT NULL,  -- '' for an operator's SQL
  actor_user_id text NOT NULL,  -- the key's principal; '' when it has none
  request_id    text NOT NULL,
  operation     text NOT NULL,  -- the RPC (GrantRole, …), or 'sql'
  action        text NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
  object_type   text NOT NULL,
  object_id     text NOT NULL,
  object_name   text NOT NULL,
  detail        jsonb NOT NULL,
  PRIMARY KEY (org_id, revision, seq)
);
CREATE INDEX changes_by_time ON changes (org_id, changed_at, revision);

ALTER TABLE org_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY organization_isolation ON org_revisions
  USING (org_id = current_setting('rolecall.org_id', true))
  WITH CHECK (org_id = current_setting('rolecall.org_id', true));
CREATE POLICY organization_isolation ON changes
  USING (org_id = current_setting('rolecall.org_id', true))
  WITH CHECK (org_id = current_setting('rolecall.org_id', true));

-- Begins a logged write of organization `p_org` in this transaction and returns its revision;
-- a second call in the same transaction returns the same revision. The actor, request and
-- operation are kept (transaction-local settings) for the change rows. Watchers are told at
-- commit (NOTIFY rolecall_changes, payload '<org_id> <revision>').
CREATE FUNCTION rolecall_begin_write(p_org text, p_key_id text, p_user_id text, p_request_id text,
                                     p_operation text)
  RETURNS bigint LANGUAGE plpgsql
AS $$
DECLARE
  rev bigint;
BEGIN
  IF current_setting('rolecall.write_org', true) = p_org THEN
    RETURN current_setting('rolecall.write_revision')::bigint;
  END IF;
  INSERT INTO org_revisions AS r (org_id, revision) VALUES (p_org, 1)
    ON CONFLICT (org_id) DO UPDATE SET revision = r.revision + 1
    RETURNING r.revision INTO rev;
  PERFORM set_config('rolecall.write_org', p_org, true),
          set_config('rolecall.write_revision', rev::text, true),
          set_config('rolecall.write_seq', '0', true),
          set_config('rolecall.write_key_id', p_key_id, true),
          set_config('rolecall.write_user_id', p_user_id, true),
          set_config('rolecall.write_request_id', p_request_id, true),
          set_config('rolecall.write_operation', p_operation, true);
  PERFORM pg_notify('rolecall_changes', p_org || ' ' || rev);
  RETURN rev;
END
$$;

-- What a changed row of `p_table` is as a change: its object and detail (only the columns listed
-- here reach the log, so secrets cannot).
CREATE FUNCTION rolecall_change_object(p_table text, r jsonb,
                                       OUT object_type text, OUT object_id text,
                                       OUT object_name text, OUT detail jsonb)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT t.object_type, t.object_id, t.object_name, t.detail
    FROM (VALUES
      ('organizations', 'organization', r->>'org_id', r->>'name', '{}'::jsonb),
      ('users', 'user', r->>'user_id', r->>'email',
       jsonb_build_object('name', r->'name', 'is_service_account', r->'is_service_account')),
      ('user_groups', 'user_group', r->>'group_id', r->>'name', '{}'::jsonb),
      ('group_members', 'membership', r->>'group_id', '',
       jsonb_build_object('group_id', r->'group_id', 'user_id', r->'user_id')),
      ('clouds', 'cloud', r->>'cloud_id', r->>'name', '{}'::jsonb),
      ('projects', 'project', r->>'project_id', r->>'name',
       jsonb_build_object('cloud_id', r->'cloud_id')),
      ('user_grants', 'grant', r->>'resource_id', '',
       jsonb_build_object('user_id', r->'user_id', 'resource_kind', r->'resource_kind',
                          'resource_id', r->'resource_id', 'role', r->'role')),
      ('group_grants', 'grant', r->>'resource_id', '',
       jsonb_build_object('group_id', r->'group_id', 'resource_kind', r->'resource_kind',
                          'resource_id', r->'resource_id', 'role', r->'role')),
      ('api_keys', 'api_key', r->>'key_id', r->>'name',
       jsonb_build_object('scope', r->'scope', 'principal_user_id', r->'principal_user_id',
                          'revoked', r->'revoked_at' <> 'null'::jsonb))
    ) AS t(table_name, object_type, object_id, object_name, detail)
   WHERE t.table_name = p_table
$$;

-- The statement-level trigger of every logged table: one change row per row of the transition
-- table (`new_rows` for inserts and updates, `old_rows` for deletes), read once per organization
-- in it (the server's writes hold one). The two table names are this function's own constants.
CREATE FUNCTION rolecall_log_changes() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
  rows_of text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
  action text := CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated'
                            ELSE 'deleted' END;
  org text;
  seq int;
  logged int;
BEGIN
  FOR org IN EXECUTE format('SELECT DISTINCT org_id FROM %I', rows_of) LOOP
    IF current_setting('rolecall.write_org', true) IS DISTINCT FROM org THEN
      PERFORM rolecall_begin_write(org, '', '', '', 'sql');
    END IF;
    seq := current_setting('rolecall.write_seq')::int;
    EXECUTE format(
      'INSERT INTO changes (org_id, revision, seq, actor_key_id, actor_user_id, request_id,
                            operation, action, object_type, object_id, object_name, detail)
       SELECT $1, current_setting(''rolecall.write_revision'')::bigint, $2 + e.i::int,
              current_setting(''rolecall.write_key_id''),
              current_setting(''rolecall.write_user_id''),
              current_setting(''rolecall.write_request_id''),
              current_setting(''rolecall.write_operation''),
              $3, c.object_type, c.object_id, coalesce(c.object_name, ''''), c.detail
         FROM (SELECT to_jsonb(t) AS r, row_number() OVER () AS i
                 FROM %I t WHERE t.org_id = $1) e,
              rolecall_change_object($4, e.r) c', rows_of)
      USING org, seq, action, TG_TABLE_NAME::text;
    GET DIAGNOSTICS logged = ROW_COUNT;
    PERFORM set_config('rolecall.write_seq', (seq + logged)::text, true);
  END LOOP;
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'users', 'user_groups', 'group_members', 'clouds',
                           'projects', 'user_grants', 'group_grants', 'api_keys'] LOOP
    EXECUTE format('CREATE TRIGGER log_inserts AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION rolecall_log_changes()', t);
    EXECUTE format('CREATE TRIGGER log_deletes AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION rolecall_log_changes()', t);
  END LOOP;
  -- Updates that change what a row means: a renamed organization, a revoked key. (A group's
  -- updated_at moving with its memberships is not a change of its own.)
  FOREACH t IN ARRAY ARRAY['organizations', 'api_keys'] LOOP
    EXECUTE format('CREATE TRIGGER log_updates AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION rolecall_log_changes()', t);
  END LOOP;
END
$$;
