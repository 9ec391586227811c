-- The gallery of whole flows (seed 004 `workflow_templates`). A user's own flow is a
-- composition that may link back to the gallery entry it was made from.
CREATE TABLE flow_templates (
    id           TEXT    PRIMARY KEY
        CONSTRAINT flow_template_id_format
        CHECK (id GLOB 'ftpl_?*' AND substr(id, 6) NOT GLOB '*[^a-z0-9_]*'),
    name         TEXT    NOT NULL CONSTRAINT flow_template_name_present CHECK (trim(name, char(32, 9, 10, 13)) <> ''),
    goal         TEXT    NOT NULL DEFAULT '',
    category     TEXT    NOT NULL DEFAULT '',
    -- The whole flow as a flow file document.
    definition   TEXT    NOT NULL
        CONSTRAINT flow_template_definition_object
        CHECK (json_valid(definition) AND json_type(definition) = 'object'),
    is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX flow_templates_category ON flow_templates (category);
CREATE INDEX flow_templates_is_active ON flow_templates (is_active);

CREATE TRIGGER flow_templates_touch AFTER UPDATE ON flow_templates
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE flow_templates SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;
