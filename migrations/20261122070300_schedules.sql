-- Schedules and triggers (seeds 002, 003): what starts a flow besides a click.
CREATE TABLE schedules (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL CONSTRAINT schedule_name_present CHECK (trim(name, char(32, 9, 10, 13)) <> ''),
    -- The one flow this schedule runs: a user flow or a gallery flow, never both, never neither.
    composition          INTEGER REFERENCES compositions (id) ON DELETE CASCADE,
    flow_template_id     TEXT    REFERENCES flow_templates (id) ON DELETE CASCADE,
    trigger_type         TEXT    NOT NULL
        CONSTRAINT schedule_trigger_type CHECK (trigger_type IN ('cron', 'file_change', 'flow_completed')),
    cron_expression      TEXT,
    timezone             TEXT    NOT NULL DEFAULT 'UTC',
    watch_path           TEXT,
    watched_composition  INTEGER REFERENCES compositions (id) ON DELETE CASCADE,
    watched_status       TEXT
        CONSTRAINT schedule_watched_status
        CHECK (watched_status IS NULL OR watched_status IN ('COMPLETED', 'FAILED', 'CANCELLED')),
    condition_expression TEXT,
    parameter_values     TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT schedule_parameter_values_object
        CHECK (json_valid(parameter_values) AND json_type(parameter_values) = 'object'),
    catch_up             INTEGER NOT NULL DEFAULT 0 CHECK (catch_up IN (0, 1)),
    overlap_policy       TEXT    NOT NULL DEFAULT 'skip'
        CONSTRAINT schedule_overlap_policy CHECK (overlap_policy IN ('skip', 'queue')),
    is_enabled           INTEGER NOT NULL DEFAULT 1 CHECK (is_enabled IN (0, 1)),
    last_run_at          TEXT,
    next_run_at          TEXT,
    created_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT schedule_exactly_one_target
        CHECK ((composition IS NULL) <> (flow_template_id IS NULL)),
    -- Each trigger kind carries exactly what it needs.
    CONSTRAINT schedule_trigger_config CHECK (
        (trigger_type = 'cron' AND cron_expression IS NOT NULL AND watch_path IS NULL AND watched_composition IS NULL)
        OR (trigger_type = 'file_change' AND watch_path IS NOT NULL AND cron_expression IS NULL AND watched_composition IS NULL)
        OR (trigger_type = 'flow_completed' AND watched_composition IS NOT NULL AND watched_status IS NOT NULL
            AND cron_expression IS NULL AND watch_path IS NULL)
    )
);
CREATE INDEX schedules_composition ON schedules (composition);
CREATE INDEX schedules_flow_template ON schedules (flow_template_id);
CREATE INDEX schedules_enabled_next ON schedules (is_enabled, next_run_at);

CREATE TRIGGER schedules_touch AFTER UPDATE ON schedules
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE schedules SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
