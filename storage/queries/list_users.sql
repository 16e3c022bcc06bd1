-- A page of users matching the filters, by lower-case email.
-- Parameters: $1 org_id, $2 after this email key ('' from the start), $3 email contains ('' any),
-- $4 name contains ('' any), $5 accounts (0 all, 1 service accounts, 2 user accounts), $6 the
-- organization's resource kind, $7 the owner role, $8 limit.
-- Columns: user_id, email, name, lastname, title, is_sso_user, is_service_account,
-- created_micros, is_owner, email_key.
SELECT u.user_id, u.email, u.name, u.lastname, u.title, u.is_sso_user, u.is_service_account,
       rolecall_micros(u.created_at) AS created_micros, o.is_owner, u.email_key
  FROM users u
 CROSS JOIN LATERAL rolecall_org_ownership(u.org_id, u.user_id, $6, $7) o
 WHERE u.org_id = $1 AND u.email_key > $2
   AND ($3 = '' OR strpos(u.email_key, lower($3)) > 0)
   AND ($4 = '' OR strpos(lower(u.name), lower($4)) > 0)
   AND ($5 = 0 OR u.is_service_account = ($5 = 1))
 ORDER BY u.email_key
 LIMIT $8
