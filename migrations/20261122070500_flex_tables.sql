-- User-defined data tables, "FlexDB" (seed 001): metadata and schema history. The rows
-- themselves live in tables of their own, created when a table is defined.
CREATE TABLE flex_tables (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL
        CONSTRAINT flex_table_name_format
        CHECK (name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z0-9_]*'),
    display_name     TEXT    NOT NULL DEFAULT '',
    schema           TEXT    NOT NULL
        CONSTRAINT flex_table_schema_object CHECK (json_valid(schema) AND json_type(schema) = 'object'),
    indexed_columns  TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT flex_table_indexed_columns_object
        CHECK (json_valid(indexed_columns) AND json_type(indexed_columns) = 'object'),
    version          INTEGER NOT NULL DEFAULT 1 CONSTRAINT flex_table_version_positive CHECK (version >= 1),
    is_active        INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at       TEXT
);
-- Names are unique among the tables that are not deleted (soft delete frees the name).
CREATE UNIQUE INDEX flex_tables_live_name ON flex_tables (name) WHERE deleted_at IS NULL;

CREATE TRIGGER flex_tables_touch AFTER UPDATE ON flex_tables
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE flex_tables SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

CREATE TABLE flex_table_versions (
    id               INTEGER PRIMARY KEY,
    table_id         INTEGER NOT NULL REFERENCES flex_tables (id) ON DELETE CASCADE,
    version          INTEGER NOT NULL CONSTRAINT flex_table_version_number_positive CHECK (version >= 1),
    previous_schema  TEXT
        CONSTRAINT flex_table_previous_schema_object
        CHECK (previous_schema IS NULL OR (json_valid(previous_schema) AND json_type(previous_schema) = 'object')),
    new_schema       TEXT    NOT NULL
        CONSTRAINT flex_table_new_schema_object CHECK (json_valid(new_schema) AND json_type(new_schema) = 'object'),
    changes          TEXT    NOT NULL DEFAULT '[]'
        CONSTRAINT flex_table_changes_array CHECK (json_valid(changes) AND json_type(changes) = 'array'),
    created_by       TEXT,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (table_id, version)
);
