-- Binds the permission stream's inputs to settings of its transaction (COPY takes no bind
-- parameters; storage/queries/user_permissions.sql reads them).
-- Parameters: $1 resume after this email key ('' from the start), $2 only this user.
-- Columns: two (unused).
SELECT set_config('rolecall.stream_after', $1, true),
       set_config('rolecall.stream_user', $2, true)
