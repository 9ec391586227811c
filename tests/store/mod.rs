//! The store against a real SQLite file, one module per aggregate.

mod executions;
mod flex_tables;
mod flows;
mod schedules;
mod sources;
mod table_browse;
mod table_changes;
mod table_computed;
mod table_decimals;
mod table_imports;
mod table_writes;
mod templates;
mod versions;
