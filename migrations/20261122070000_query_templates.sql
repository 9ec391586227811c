-- Query templates (seed 002 `query_flow_templates`): reusable parameterised SQL.
-- Timestamps are UTC ISO-8601 text; JSON columns are checked to be the JSON shape they hold.
-- Counts that can be derived (usage, runs) are derived in queries, never stored twice.
CREATE TABLE query_templates (
    id              INTEGER PRIMARY KEY,
    template_id     TEXT    NOT NULL UNIQUE
        CONSTRAINT template_id_format
        CHECK (template_id GLOB 'tpl_?*' AND substr(template_id, 5) NOT GLOB '*[^a-z0-9_]*'),
    name            TEXT    NOT NULL CONSTRAINT template_name_present CHECK (trim(name, char(32, 9, 10, 13)) <> ''),
    description     TEXT    NOT NULL DEFAULT '',
    category        TEXT    NOT NULL DEFAULT '',
    tags            TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT template_tags_array CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    sql_text        TEXT    NOT NULL CONSTRAINT template_sql_present CHECK (trim(sql_text, char(32, 9, 10, 13)) <> ''),
    parameters      TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT template_parameters_array
        CHECK (json_valid(parameters) AND json_type(parameters) = 'array'),
    output_columns  TEXT
        CONSTRAINT template_output_columns_array
        CHECK (output_columns IS NULL OR (json_valid(output_columns) AND json_type(output_columns) = 'array')),
    chart_config    TEXT
        CONSTRAINT template_chart_config_object
        CHECK (chart_config IS NULL OR (json_valid(chart_config) AND json_type(chart_config) = 'object')),
    version         INTEGER NOT NULL DEFAULT 1 CONSTRAINT template_version_positive CHECK (version >= 1),
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX query_templates_category ON query_templates (category);
CREATE INDEX query_templates_is_active ON query_templates (is_active);

-- `updated_at` follows every change unless the writer set it itself (seed 004).
CREATE TRIGGER query_templates_touch AFTER UPDATE ON query_templates
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE query_templates SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
