-- Which of the emails (case-insensitive) the organization's users already have.
-- Parameters: $1 org_id, $2 JSON array of emails. Columns: email.
SELECT email FROM users
 WHERE org_id = $1 AND email_key IN (SELECT lower(e) FROM json_array_elements_text($2::json) AS e)
 ORDER BY email_key
