-- Each requested user id or email, in order, with the user it names (NULL when none).
-- Parameters: $1 org_id, $2 JSON array of ids or emails. Columns: requested, user_id.
SELECT x.v AS requested, u.user_id
  FROM json_array_elements_text($2::json) WITH ORDINALITY AS x(v, n)
  LEFT JOIN users u ON u.org_id = $1 AND (u.user_id = x.v OR u.email_key = lower(x.v))
 ORDER BY x.n
