-- Inserts users from a JSON array of objects (user_id, email, name, lastname, title,
-- is_sso_user, password_hash; lastname, title and password_hash may be null).
-- Parameters: $1 org_id, $2 the JSON array. Columns: user_id, created_micros.
INSERT INTO users (org_id, user_id, email, name, lastname, title, is_sso_user, password_hash)
SELECT $1, r.user_id, r.email, r.name, r.lastname, r.title, r.is_sso_user, r.password_hash
  FROM json_to_recordset($2::json) AS r(user_id text, email text, name text, lastname text,
                                        title text, is_sso_user boolean, password_hash text)
RETURNING user_id, rolecall_micros(created_at) AS created_micros
