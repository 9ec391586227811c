-- Data-table writes never lose rows silently (issue 22): the built-in template's version 2.
-- `mode` gains `upsert` (rows matched by a unique `key` are updated in place, keeping their
-- `_id` and the rows referring to them); `replace` keeps the `_id` of the rows whose key it
-- keeps; a write that would delete rows of other tables through an `on_delete: cascade`
-- reference is refused unless `allow_cascade` is true. Nodes on version 1 keep it (and are
-- told the template changed).
UPDATE query_templates
SET description = 'Creates, reads, lists or writes a data table. `write` puts the result of the node connected to it into the table: `append` adds the rows, `upsert` updates the row with the same unique `key` (keeping its _id and the rows referring to it) and adds the others, `replace` makes the result the table''s rows (a kept key keeps its row''s _id; the other rows are deleted). A write that would delete rows of other tables through an on_delete cascade reference fails unless `allow_cascade` is true. Its outcome (success, error, exists, not_found) can steer later nodes: upstream.<id>.outcome == "exists".',
    parameters = json('[
        {"name": "operation", "type": "string", "required": true, "default": "get",
         "allowed_values": ["create", "get", "list", "write"],
         "description": "create, get, list or write"},
        {"name": "table_name", "type": "string", "required": false,
         "description": "The table (lowercase snake_case); list needs none"},
        {"name": "columns", "type": "json", "required": false,
         "description": "For create: the columns, as in a table schema: [{\"name\": \"age\", \"data_type\": \"integer\"}]"},
        {"name": "mode", "type": "string", "required": false, "default": "append",
         "allowed_values": ["append", "upsert", "replace"],
         "description": "For write: add the rows; update the rows with the same key and add the others; or make them the table''s rows"},
        {"name": "key", "type": "string", "required": false,
         "description": "For upsert and replace: the unique column rows are matched by (default: the table''s first unique column)"},
        {"name": "allow_cascade", "type": "boolean", "required": false, "default": false,
         "description": "For write: let it delete rows of other tables that refer to rows it removes (on_delete cascade)"}
    ]'),
    version = version + 1
WHERE template_id = 'tpl_data_table';

INSERT INTO template_versions (template_id, version, content)
SELECT template_id, version, json_object(
    'template_id', template_id, 'name', name, 'description', description,
    'category', category, 'tags', json(tags), 'kind', kind, 'sql', sql_text,
    'parameters', json(parameters), 'output_columns', json(output_columns),
    'chart_config', json(chart_config), 'version', version)
FROM query_templates
WHERE template_id = 'tpl_data_table';
