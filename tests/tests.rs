//! Flowloom's integration tests, in one binary so they compile and link once.
//! Every test works on real parts: a real SQLite file, real files, the real window.
//!
//! Table of contents:

/// Temporary workspaces and stores, the starter content, raw SQL for rows no API writes yet.
mod support;

/// The store, one module per aggregate, against a real SQLite file: every schema rule and
/// cascade, and that a failed write leaves nothing behind.
mod store;

/// First start: the sample dataset, starter templates and example flows; reopening never
/// re-seeds or overwrites.
mod workspace;

/// The committed TypeScript bindings match what the Rust commands generate.
mod bindings;

/// Architecture rules: the core and the CLI never depend on Tauri or a display.
mod tidy;

/// The window's permissions: the commands it may call are exactly those the app registers,
/// and every command that takes a path takes only one the user chose.
mod permissions;

/// Flow files: canonical form, round trips, diagnostics fixtures, upgrades, conflicts.
mod flowfile;

/// One set of rules: `validate --workspace` and `import` judge every fixture flow file
/// alike, with the same codes.
mod verdicts;

/// The embedded DataFusion engine on real files: bound parameters, read-only SQL, tables
/// that follow the data folder.
mod engine;

/// CSV files as analysts get them: missing-value markers, types from every row, dates, a
/// parsed copy made once per change of the file, engine errors in plain words.
mod csv_files;

/// Whole flows on the embedded engine: mappings, skip and fail propagation, parallelism.
mod run;

/// Run with unsaved edits: saved and validated once.
mod run_with_edits;

/// For-each nodes run their values at once within the run's budget, rows in value order;
/// timeout per value; a cancel stops every value.
mod for_each;

/// Several connections into one list parameter: the union, in connection order.
mod list_union;

/// One registry of runs for the window, the command line and the scheduler: a flow runs once
/// whoever asks second, any side cancels, a refused scheduled turn is in the history.
mod runs_api;

/// Cancel and node timeouts stop every kind of CPU-bound query: cross joins, nested loops,
/// exploding hash joins, sorts, joins of a data file.
mod cancel;

/// A condition's cost: cut off by its node's timeout and a cancel while the run goes on,
/// refused past its step budget, in nodes and schedules alike.
mod condition_cost;

/// A node run records the attempts that actually started: cancelled mid-retry, reused.
mod attempts;

/// Data-table nodes in flows: create, get, list and write, with their outcomes.
mod table_nodes;

/// Validation and the run agree: template SQL planned against the workspace's tables (as
/// the app validates), a condition reading `first` of an empty upstream.
mod planning;

/// The flow gallery: every entry used and run; a used flow's link to its entry.
mod gallery;

/// Schedules and triggers on a controllable clock: cron, catch-up, overlap, file changes,
/// flows completing, conditions.
mod schedules;

/// File-change schedules over OS notifications: nested and new folders fire, links back up
/// are followed once, a watch over too many folders is refused.
mod schedule_watches;

/// Nodes keep the template version they were built with: shown when it changed, updated
/// or kept, run as pinned, carried by flow files.
mod template_versions;

/// Reusing node results: hits, misses on any change, forcing, run from here, the clock.
mod cache;

/// Property tests: cycles are reported exactly when they exist, plans respect every edge.
mod graph_properties;

/// Input at and past every documented limit (conditions and computed columns: nesting,
/// length, operators): it
/// works at the limit and is refused past it, never overflowing a stack.
mod limits;

/// The flow file reader never panics on mutated input (time-boxed; longer with FUZZ_SECONDS).
mod fuzz;

/// The real app window, driven through tauri-driver under Xvfb.
mod e2e;

/// A throwaway PostgreSQL cluster per test binary (initdb, a free loopback port, the
/// sample dataset loaded), stopped when the tests end however they end.
mod pg_cluster;

/// The PostgreSQL connector on that real server: types into Arrow, bound parameters and
/// lists, injection, server and connection errors, cancel, restarts, read-only, check.
mod postgres;

/// Flows across data sources on that server: the example flows with their templates on
/// PostgreSQL give the rows they give on local files; PostgreSQL → local → PostgreSQL.
mod sources;

/// Writing a template against its source: its output columns without running it (the local
/// engine plans it, PostgreSQL prepares it) are its test run's; a PostgreSQL source's tables
/// and views with their types, named as the SQL writes them.
mod authoring;
