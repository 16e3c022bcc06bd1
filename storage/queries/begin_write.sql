-- Begins a logged write (migration 0004), as the first statement of every write transaction:
-- advances the organization's revision once, holding it locked until the transaction ends, and
-- names the actor, request and operation that the change rows of this transaction carry.
-- Parameters: $1 org_id, $2 actor key id, $3 actor user id, $4 request id, $5 operation.
-- Columns: revision.
SELECT rolecall_begin_write($1, $2, $3, $4, $5) AS revision
