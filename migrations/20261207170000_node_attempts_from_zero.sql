-- A node run records the attempts that actually started: none for a node skipped, reused
-- or cancelled before its turn (before, every node run said at least 1). SQLite cannot
-- change a CHECK in place, so the table is rebuilt with the same columns and rows. Dropping
-- the old table empties node_result_cache through its cascade: its rows are kept aside and
-- put back, naming the same node runs by the same ids.
CREATE TEMP TABLE kept_node_result_cache AS SELECT * FROM node_result_cache;

CREATE TABLE node_executions_rebuilt (
    id                   INTEGER PRIMARY KEY,
    execution            INTEGER NOT NULL REFERENCES flow_executions (id) ON DELETE CASCADE,
    node_id              TEXT    NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'PENDING'
        CONSTRAINT node_execution_status
        CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'SKIPPED')),
    resolved_parameters  TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT node_execution_parameters_object
        CHECK (json_valid(resolved_parameters) AND json_type(resolved_parameters) = 'object'),
    rendered_sql         TEXT,
    result_location      TEXT,
    result_meta          TEXT
        CONSTRAINT node_execution_result_meta_json CHECK (result_meta IS NULL OR json_valid(result_meta)),
    cache_key            TEXT,
    from_cache           INTEGER NOT NULL DEFAULT 0 CHECK (from_cache IN (0, 1)),
    attempt              INTEGER NOT NULL DEFAULT 0
        CONSTRAINT node_execution_attempts_non_negative CHECK (attempt >= 0),
    started_at           TEXT,
    completed_at         TEXT,
    duration_ms          INTEGER CONSTRAINT node_execution_duration_non_negative CHECK (duration_ms >= 0),
    error_message        TEXT,
    UNIQUE (execution, node_id)
);

INSERT INTO node_executions_rebuilt (
    id, execution, node_id, status, resolved_parameters, rendered_sql, result_location,
    result_meta, cache_key, from_cache, attempt, started_at, completed_at, duration_ms,
    error_message
)
SELECT id, execution, node_id, status, resolved_parameters, rendered_sql, result_location,
       result_meta, cache_key, from_cache, attempt, started_at, completed_at, duration_ms,
       error_message
FROM node_executions;

DROP TABLE node_executions;
ALTER TABLE node_executions_rebuilt RENAME TO node_executions;

INSERT INTO node_result_cache (composition, cache_key, node_execution)
SELECT composition, cache_key, node_execution FROM kept_node_result_cache;
DROP TABLE kept_node_result_cache;
