-- Run history (seeds 002, 003): a flow execution, one node execution per node, and a log.
CREATE TABLE flow_executions (
    id                INTEGER PRIMARY KEY,
    -- A run's source is a user flow or a gallery flow, never both (seed 004).
    composition       INTEGER REFERENCES compositions (id) ON DELETE CASCADE,
    flow_template_id  TEXT    REFERENCES flow_templates (id) ON DELETE CASCADE,
    -- The immutable version that ran.
    version           INTEGER REFERENCES composition_versions (id) ON DELETE CASCADE,
    status            TEXT    NOT NULL DEFAULT 'PENDING'
        CONSTRAINT flow_execution_status
        CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    trigger_type      TEXT    NOT NULL DEFAULT 'manual'
        CONSTRAINT flow_execution_trigger_type
        CHECK (trigger_type IN ('manual', 'cli', 'schedule', 'file_change', 'flow_completed')),
    trigger_data      TEXT
        CONSTRAINT flow_execution_trigger_data_json CHECK (trigger_data IS NULL OR json_valid(trigger_data)),
    schedule          INTEGER REFERENCES schedules (id) ON DELETE SET NULL,
    parameter_values  TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT flow_execution_parameter_values_object
        CHECK (json_valid(parameter_values) AND json_type(parameter_values) = 'object'),
    current_step      INTEGER NOT NULL DEFAULT 0,
    started_at        TEXT,
    completed_at      TEXT,
    error_message     TEXT,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT flow_execution_exactly_one_source
        CHECK ((composition IS NULL) <> (flow_template_id IS NULL)),
    CONSTRAINT flow_execution_completed_is_final
        CHECK (completed_at IS NULL OR status IN ('COMPLETED', 'FAILED', 'CANCELLED'))
);
CREATE INDEX flow_executions_composition ON flow_executions (composition);
CREATE INDEX flow_executions_flow_template ON flow_executions (flow_template_id);
CREATE INDEX flow_executions_status ON flow_executions (status);
CREATE INDEX flow_executions_created_at ON flow_executions (created_at);

-- A version that has run is history: its content can no longer change.
CREATE TRIGGER composition_versions_immutable_after_run
BEFORE UPDATE OF snapshot, changes, version ON composition_versions
WHEN EXISTS (SELECT 1 FROM flow_executions WHERE version = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'composition_version_immutable');
END;

CREATE TABLE node_executions (
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
    attempt              INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    started_at           TEXT,
    completed_at         TEXT,
    duration_ms          INTEGER CONSTRAINT node_execution_duration_non_negative CHECK (duration_ms >= 0),
    error_message        TEXT,
    UNIQUE (execution, node_id)
);
CREATE INDEX node_executions_cache_key ON node_executions (cache_key);

CREATE TABLE execution_logs (
    id              INTEGER PRIMARY KEY,
    execution       INTEGER NOT NULL REFERENCES flow_executions (id) ON DELETE CASCADE,
    node_id         TEXT,
    step_index      INTEGER NOT NULL CONSTRAINT execution_log_step_non_negative CHECK (step_index >= 0),
    action_type     TEXT    NOT NULL,
    status          TEXT    NOT NULL
        CONSTRAINT execution_log_status CHECK (status IN ('SUCCESS', 'FAILED', 'SKIPPED')),
    input_data      TEXT CONSTRAINT execution_log_input_json CHECK (input_data IS NULL OR json_valid(input_data)),
    output_data     TEXT CONSTRAINT execution_log_output_json CHECK (output_data IS NULL OR json_valid(output_data)),
    error_message   TEXT,
    executed_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX execution_logs_execution ON execution_logs (execution);
CREATE INDEX execution_logs_executed_at ON execution_logs (executed_at);
