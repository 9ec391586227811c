-- Template versions (issue: templates are versioned): every content a template had, by
-- version number, so a change can be seen and an older version read back. The row in
-- query_templates is the newest.
CREATE TABLE template_versions (
    id           INTEGER PRIMARY KEY,
    template_id  TEXT    NOT NULL REFERENCES query_templates (template_id)
        ON DELETE CASCADE ON UPDATE CASCADE,
    version      INTEGER NOT NULL CONSTRAINT template_version_number_positive CHECK (version >= 1),
    content      TEXT    NOT NULL
        CONSTRAINT template_version_content_object
        CHECK (json_valid(content) AND json_type(content) = 'object'),
    created_by   TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (template_id, version)
);

-- Every template's current content is its first recorded version.
INSERT INTO template_versions (template_id, version, content)
SELECT template_id, version, json_object(
    'template_id', template_id, 'name', name, 'description', description,
    'category', category, 'tags', json(tags), 'kind', kind, 'sql', sql_text,
    'parameters', json(parameters), 'output_columns', json(output_columns),
    'chart_config', json(chart_config), 'version', version)
FROM query_templates;
