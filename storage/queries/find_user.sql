-- The first user (by email) that a key names, with how many users it names. One branch runs:
-- the others' constant guards are false.
-- Parameters: $1 org_id, $2 what the key is ('id', 'email' (case-insensitive) or 'name'),
-- $3 the key, $4 accounts (0 all, 1 service accounts, 2 user accounts), $5 the organization's
-- resource kind, $6 the owner role.
-- Columns: user_id, email, name, lastname, title, is_sso_user, is_service_account,
-- created_micros, is_owner, match_count.
WITH named AS (
  SELECT user_id FROM users WHERE $2 = 'id' AND org_id = $1 AND user_id = $3
  UNION ALL
  SELECT user_id FROM users WHERE $2 = 'email' AND org_id = $1 AND email_key = lower($3)
  UNION ALL
  SELECT user_id FROM users WHERE $2 = 'name' AND org_id = $1 AND name = $3
)
SELECT u.user_id, u.email, u.name, u.lastname, u.title, u.is_sso_user, u.is_service_account,
       rolecall_micros(u.created_at) AS created_micros, o.is_owner,
       count(*) OVER () AS match_count
  FROM named n
  JOIN users u ON u.org_id = $1 AND u.user_id = n.user_id
 CROSS JOIN LATERAL rolecall_org_ownership(u.org_id, u.user_id, $5, $6) o
 WHERE ($4 = 0 OR u.is_service_account = ($4 = 1))
 ORDER BY u.email_key
 LIMIT 1
