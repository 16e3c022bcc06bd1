-- Prunes the change log of every organization to the retention
-- (storage/migrations/0005_retention.sql): unless another server is pruning.
-- Parameters: $1 the retention in days (at least 1).
-- Columns: deleted (rows; -1 when another server is pruning), oldest_micros (the oldest change
-- kept; NULL when none).
SELECT deleted, oldest_micros FROM rolecall_prune_changes($1::int)
