-- Data-table nodes (seed 000's `flex-table`): a template says what its node does when it
-- runs, SQL on the data engine or an operation on a data table. The one data-table template
-- is built in; its parameters choose the operation (create, get, list, write), the table,
-- the columns a create gives it and whether a write appends or replaces. A node's outcome
-- (success, error, exists, not_found) is kept in its run's result_meta.
ALTER TABLE query_templates ADD COLUMN kind TEXT NOT NULL DEFAULT 'sql'
    CONSTRAINT template_kind_known CHECK (kind IN ('sql', 'data_table'));

INSERT INTO query_templates (template_id, name, description, category, tags, kind, sql_text,
                             parameters, output_columns)
VALUES (
    'tpl_data_table',
    'Data table',
    'Creates, reads, lists or writes a data table. `write` appends the result of the node connected to it to the table, or replaces the table''s rows with it. Its outcome (success, error, exists, not_found) can steer later nodes: upstream.<id>.outcome == "exists".',
    'Data tables',
    '["data tables"]',
    'data_table',
    '-- Runs in Flowloom, not as SQL: the `operation` parameter on the data table `table_name`.',
    json('[
        {"name": "operation", "type": "string", "required": true, "default": "get",
         "allowed_values": ["create", "get", "list", "write"],
         "description": "create, get, list or write"},
        {"name": "table_name", "type": "string", "required": false,
         "description": "The table (lowercase snake_case); list needs none"},
        {"name": "columns", "type": "json", "required": false,
         "description": "For create: the columns, as in a table schema: [{\"name\": \"age\", \"data_type\": \"integer\"}]"},
        {"name": "mode", "type": "string", "required": false, "default": "append",
         "allowed_values": ["append", "replace"],
         "description": "For write: add the rows, or replace the table''s rows with them"}
    ]'),
    json('[
        {"name": "table_name", "type": "string"},
        {"name": "display_name", "type": "string"},
        {"name": "version", "type": "integer"},
        {"name": "row_count", "type": "integer"},
        {"name": "rows_written", "type": "integer"},
        {"name": "schema", "type": "json"}
    ]')
);
