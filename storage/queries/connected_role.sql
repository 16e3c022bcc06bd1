-- The role this session serves as, and whether row-level security applies to it (not to a
-- superuser, a role with BYPASSRLS, or the owner of the tables).
-- Parameters: none. Columns: role_name, row_security_applies.
SELECT current_user::text AS role_name,
       NOT (r.rolsuper OR r.rolbypassrls OR
            pg_has_role(current_user, (SELECT relowner FROM pg_class
                                        WHERE oid = to_regclass('users')), 'MEMBER'))
         AS row_security_applies
  FROM pg_roles r
 WHERE r.rolname = current_user
