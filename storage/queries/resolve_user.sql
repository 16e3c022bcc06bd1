-- The user with this id or email (case-insensitive).
-- Parameters: $1 org_id, $2 id or email. Columns: id, label (the email).
SELECT user_id AS id, email AS label
  FROM users
 WHERE org_id = $1 AND (user_id = $2 OR email_key = lower($2))
