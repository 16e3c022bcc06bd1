-- The changes of an organization after a place in its log, oldest first, of some object types.
-- Parameters: $1 org_id, $2 after revision and $3 after seq (the place), $4 the object types,
-- comma-separated ('' for all), $5 limit.
-- Columns: as list_changes.sql.
SELECT c.revision, c.seq, rolecall_micros(c.changed_at) AS changed_micros, c.actor_key_id,
       c.actor_user_id, c.request_id, c.operation, c.action, c.object_type, c.object_id,
       c.object_name, c.detail::text AS detail
  FROM changes c
 WHERE c.org_id = $1
   AND (c.revision, c.seq) > ($2::int8, $3::int4)
   AND ($4::text = '' OR c.object_type = ANY (string_to_array($4::text, ',')))
 ORDER BY c.revision, c.seq
 LIMIT $5
