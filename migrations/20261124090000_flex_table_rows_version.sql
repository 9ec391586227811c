-- How many times a data table's rows have been written (inserted, deleted, rebuilt by a schema
-- change): with the schema version, what the result cache knows a table's data by.
ALTER TABLE flex_tables ADD COLUMN rows_version INTEGER NOT NULL DEFAULT 0;
