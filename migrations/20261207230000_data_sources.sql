-- Data sources (issue #26): where a template's SQL runs. `src_local` is every workspace's
-- own engine (DataFusion over `data/` and the data tables) and cannot be removed. `config`
-- says how to reach the database, by kind; a password is never stored here (it is in the
-- OS keyring, an environment variable the source names, or the PostgreSQL password file).
CREATE TABLE data_sources (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT    NOT NULL UNIQUE
        CONSTRAINT source_id_format
        CHECK (source_id GLOB 'src_?*' AND substr(source_id, 5) NOT GLOB '*[^a-z0-9_]*'),
    name        TEXT    NOT NULL CONSTRAINT source_name_present CHECK (trim(name, char(32, 9, 10, 13)) <> ''),
    kind        TEXT    NOT NULL CONSTRAINT source_kind_known CHECK (kind IN ('local', 'postgres')),
    config      TEXT    NOT NULL DEFAULT '{}'
        CONSTRAINT source_config_object CHECK (json_valid(config) AND json_type(config) = 'object')
        CONSTRAINT source_config_has_no_password CHECK (json_type(config, '$.password') IS NULL),
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT source_local_is_local CHECK ((source_id = 'src_local') = (kind = 'local'))
);

INSERT INTO data_sources (source_id, name, kind) VALUES ('src_local', 'This computer', 'local');

CREATE TRIGGER data_sources_touch AFTER UPDATE ON data_sources
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE data_sources SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END;

-- A template names the source it runs on. (A REFERENCES clause cannot be added to a column
-- with a default: the triggers below hold the same rule.)
ALTER TABLE query_templates ADD COLUMN source_id TEXT NOT NULL DEFAULT 'src_local';
CREATE INDEX query_templates_source ON query_templates (source_id);

CREATE TRIGGER query_templates_source_exists BEFORE INSERT ON query_templates
WHEN NOT EXISTS (SELECT 1 FROM data_sources WHERE source_id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'template_source_exists');
END;

CREATE TRIGGER query_templates_source_exists_on_update BEFORE UPDATE OF source_id ON query_templates
WHEN NOT EXISTS (SELECT 1 FROM data_sources WHERE source_id = NEW.source_id)
BEGIN
    SELECT RAISE(ABORT, 'template_source_exists');
END;

CREATE TRIGGER data_sources_in_use BEFORE DELETE ON data_sources
WHEN OLD.source_id = 'src_local'
  OR EXISTS (SELECT 1 FROM query_templates WHERE source_id = OLD.source_id)
BEGIN
    SELECT RAISE(ABORT, 'source_in_use');
END;

CREATE TRIGGER data_sources_id_fixed BEFORE UPDATE OF source_id, kind ON data_sources
WHEN NEW.source_id <> OLD.source_id OR NEW.kind <> OLD.kind
BEGIN
    SELECT RAISE(ABORT, 'source_id_fixed');
END;
