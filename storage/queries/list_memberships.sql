-- A page of groups by (name, id), each with its members' emails (by email), newline-separated.
-- Parameters: $1 org_id, $2 $3 after this (name, group_id) ('', '' from the start), $4 only this
-- group ('' every group), $5 limit. Columns: group_id, name, member_emails.
SELECT g.group_id, g.name,
       coalesce((SELECT string_agg(u.email, E'\n' ORDER BY u.email_key)
                   FROM group_members m
                   JOIN users u ON u.org_id = m.org_id AND u.user_id = m.user_id
                  WHERE m.org_id = g.org_id AND m.group_id = g.group_id), '') AS member_emails
  FROM user_groups g
 WHERE g.org_id = $1 AND (g.name, g.group_id) > ($2, $3) AND ($4 = '' OR g.group_id = $4)
 ORDER BY g.name, g.group_id
 LIMIT $5
