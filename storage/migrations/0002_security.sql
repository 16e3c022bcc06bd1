-- rolecall schema, version 2: API keys die with their user, and row-level security confines the
-- serving role to one organization at a time.

-- A key bound to a user is deleted with the user, in the same transaction. Keys whose user is
-- already gone are deleted now.
DELETE FROM api_keys k
 WHERE k.principal_user_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM users u
                    WHERE u.org_id = k.org_id AND u.user_id = k.principal_user_id);
ALTER TABLE api_keys
  ADD CONSTRAINT api_keys_principal_fkey FOREIGN KEY (org_id, principal_user_id)
  REFERENCES users ON DELETE CASCADE;
CREATE INDEX api_keys_by_principal ON api_keys (org_id, principal_user_id)
  WHERE principal_user_id IS NOT NULL;

-- Row-level security. Every unit of work of the server sets `rolecall.org_id` to the organization
-- of the authenticated key before its first statement (storage/pg_pool.cc); these policies let
-- the serving role see and write only that organization's rows, so that not even a mistake in a
-- query could cross organizations. The schema owner (migrate, the bootstrap commands) is not
-- subject to them; the serving role must be neither the owner nor a superuser (migrate checks).
-- current_setting(..., true) is NULL when unset: no rows.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'users', 'user_groups', 'group_members', 'clouds',
                           'projects', 'user_grants', 'group_grants', 'api_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY organization_isolation ON %I '
                   'USING (org_id = current_setting(''rolecall.org_id'', true)) '
                   'WITH CHECK (org_id = current_setting(''rolecall.org_id'', true))', t);
  END LOOP;
END
$$;

-- Authentication reads a key before its organization is known: this function, running with its
-- owner's rights, reads exactly one key by id, for the serving role (EXECUTE is granted by
-- migrate). search_path is pinned so the function cannot be pointed at other objects.
CREATE FUNCTION rolecall_find_api_key(p_key_id text)
  RETURNS TABLE (org_id text, key_id text, secret_hash text, scope text,
                 principal_user_id text, revoked boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$
  SELECT k.org_id, k.key_id, k.secret_hash, k.scope, coalesce(k.principal_user_id, ''),
         k.revoked_at IS NOT NULL
    FROM api_keys k WHERE k.key_id = p_key_id
$$;
REVOKE ALL ON FUNCTION rolecall_find_api_key(text) FROM PUBLIC;
