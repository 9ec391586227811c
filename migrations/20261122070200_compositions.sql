-- Flows (seed 002 `template_flow_compositions`), their nodes and connections, favourites
-- and saved versions. A composition is also the "user flow" of seed 004.
CREATE TABLE compositions (
    id                 INTEGER PRIMARY KEY,
    composition_id     TEXT    NOT NULL UNIQUE
        CONSTRAINT composition_id_format
        CHECK (composition_id GLOB 'comp_?*' AND substr(composition_id, 6) NOT GLOB '*[^a-z0-9_]*'),
    name               TEXT    NOT NULL CONSTRAINT composition_name_present CHECK (trim(name, char(32, 9, 10, 13)) <> ''),
    description        TEXT    NOT NULL DEFAULT '',
    canvas_state       TEXT    NOT NULL DEFAULT '{"viewport":{"x":0,"y":0,"zoom":1}}'
        CONSTRAINT composition_canvas_state_object
        CHECK (json_valid(canvas_state) AND json_type(canvas_state) = 'object'),
    global_parameters  TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT composition_global_parameters_array
        CHECK (json_valid(global_parameters) AND json_type(global_parameters) = 'array'),
    tags               TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT composition_tags_array CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    is_public          INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    is_active          INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_by         TEXT,
    -- The gallery entry this flow was made from; the flow outlives it (seed 004).
    flow_template_id   TEXT    REFERENCES flow_templates (id) ON DELETE SET NULL,
    last_used_at       TEXT,
    created_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX compositions_created_by ON compositions (created_by);
CREATE INDEX compositions_active_public ON compositions (is_active, is_public);
CREATE INDEX compositions_flow_template ON compositions (flow_template_id);

CREATE TRIGGER compositions_touch AFTER UPDATE ON compositions
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE compositions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TABLE composition_nodes (
    id                    INTEGER PRIMARY KEY,
    composition           INTEGER NOT NULL REFERENCES compositions (id) ON DELETE CASCADE,
    node_id               TEXT    NOT NULL
        CONSTRAINT node_id_format
        CHECK (node_id GLOB '[a-z]*' AND node_id NOT GLOB '*[^a-z0-9_]*'),
    -- A template in use cannot be deleted; deactivate it instead.
    template_id           TEXT    NOT NULL REFERENCES query_templates (template_id) ON DELETE RESTRICT,
    position_x            REAL    NOT NULL DEFAULT 0,
    position_y            REAL    NOT NULL DEFAULT 0,
    node_config           TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT node_config_object CHECK (json_valid(node_config) AND json_type(node_config) = 'object'),
    parameter_overrides   TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT node_parameter_overrides_object
        CHECK (json_valid(parameter_overrides) AND json_type(parameter_overrides) = 'object'),
    -- Longest path from a source, computed from the graph on save; NULL until planned.
    execution_order       INTEGER CONSTRAINT node_execution_order_non_negative CHECK (execution_order >= 0),
    is_conditional        INTEGER NOT NULL DEFAULT 0 CHECK (is_conditional IN (0, 1)),
    condition_expression  TEXT,
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT node_condition_present
        CHECK (is_conditional = 0 OR trim(coalesce(condition_expression, ''), char(32, 9, 10, 13)) <> ''),
    UNIQUE (composition, node_id)
);
CREATE INDEX composition_nodes_template ON composition_nodes (template_id);
CREATE INDEX composition_nodes_order ON composition_nodes (composition, execution_order);

CREATE TRIGGER composition_nodes_touch AFTER UPDATE ON composition_nodes
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE composition_nodes SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- Both ends are nodes of the same composition: composite foreign keys, as in seed 002.
CREATE TABLE composition_connections (
    id                    INTEGER PRIMARY KEY,
    composition           INTEGER NOT NULL REFERENCES compositions (id) ON DELETE CASCADE,
    connection_id         TEXT    NOT NULL
        CONSTRAINT connection_id_format
        CHECK (connection_id GLOB '[a-z]*' AND connection_id NOT GLOB '*[^a-z0-9_]*'),
    source_node_id        TEXT    NOT NULL,
    target_node_id        TEXT    NOT NULL,
    -- {target_param: source_column}: the one home of a node's parameter mappings.
    field_mappings        TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT connection_field_mappings_object
        CHECK (json_valid(field_mappings) AND json_type(field_mappings) = 'object'),
    -- {target_param: transformation}
    transformation_rules  TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT connection_transformation_rules_object
        CHECK (json_valid(transformation_rules) AND json_type(transformation_rules) = 'object'),
    is_required           INTEGER NOT NULL DEFAULT 1 CHECK (is_required IN (0, 1)),
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (composition, connection_id),
    FOREIGN KEY (composition, source_node_id)
        REFERENCES composition_nodes (composition, node_id) ON DELETE CASCADE,
    FOREIGN KEY (composition, target_node_id)
        REFERENCES composition_nodes (composition, node_id) ON DELETE CASCADE
);
CREATE INDEX composition_connections_source ON composition_connections (composition, source_node_id);
CREATE INDEX composition_connections_target ON composition_connections (composition, target_node_id);

CREATE TABLE composition_favorites (
    composition  INTEGER PRIMARY KEY REFERENCES compositions (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every saved change to a flow is a version: the whole flow as it was, and what changed.
CREATE TABLE composition_versions (
    id           INTEGER PRIMARY KEY,
    composition  INTEGER NOT NULL REFERENCES compositions (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CONSTRAINT composition_version_positive CHECK (version >= 1),
    snapshot     TEXT    NOT NULL
        CONSTRAINT composition_version_snapshot_object
        CHECK (json_valid(snapshot) AND json_type(snapshot) = 'object'),
    changes      TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT composition_version_changes_array
        CHECK (json_valid(changes) AND json_type(changes) = 'array'),
    created_by   TEXT,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (composition, version)
);
