-- Creates a service account.
-- Parameters: $1 org_id, $2 user_id, $3 email, $4 name.
-- Columns: user_id, email, name, lastname, title, is_sso_user, is_service_account,
-- created_micros.
INSERT INTO users AS u (org_id, user_id, email, name, is_service_account)
VALUES ($1, $2, $3, $4, true)
RETURNING u.user_id, u.email, u.name, u.lastname, u.title, u.is_sso_user, u.is_service_account,
       rolecall_micros(u.created_at) AS created_micros
