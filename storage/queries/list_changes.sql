-- A page of an organization's change log, newest first, filtered (an empty filter matches all).
-- Parameters: $1 org_id, $2 since (micros, inclusive), $3 until (micros, exclusive),
-- $4 actor (API key id, user id or user email), $5 object_id, $6 operation, $7 object_type,
-- $8 after revision and $9 after seq (the cursor; the largest int8 from the newest), $10 limit.
-- Columns: revision, seq, changed_micros, actor_key_id, actor_user_id, request_id, operation,
-- action, object_type, object_id, object_name, detail (jsonb, as text).
SELECT c.revision, c.seq, rolecall_micros(c.changed_at) AS changed_micros, c.actor_key_id,
       c.actor_user_id, c.request_id, c.operation, c.action, c.object_type, c.object_id,
       c.object_name, c.detail::text AS detail
  FROM changes c
 WHERE c.org_id = $1
   AND c.changed_at >= to_timestamp($2::int8 / 1e6)
   AND ($3::int8 = 9223372036854775807 OR c.changed_at < to_timestamp($3::int8 / 1e6))
   AND ($4::text = '' OR c.actor_key_id = $4 OR c.actor_user_id = $4
        OR c.actor_user_id IN (SELECT u.user_id FROM users u
                                WHERE u.org_id = $1 AND u.email_key = lower($4)))
   AND ($5::text = '' OR c.object_id = $5)
   AND ($6::text = '' OR c.operation = $6)
   AND ($7::text = '' OR c.object_type = $7)
   AND (c.revision, c.seq) < ($8::int8, $9::int4)
 ORDER BY c.revision DESC, c.seq DESC
 LIMIT $10
