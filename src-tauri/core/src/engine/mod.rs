//! Running template SQL. The scheduler (to come) talks to a data engine only through the
//! [`Connector`] trait: one rendered [`Statement`] in, a stream of Arrow record batches out,
//! the query cancelled when the stream is dropped. [`LocalEngine`] is the embedded one
//! (DataFusion over the workspace's `data/` folder); a PostgreSQL, Trino or Ballista
//! connector implements the same trait, turning the statement's bound parts into its own
//! bind syntax.
//!
//! Invariant: values reach an engine only as bound parameters, never as SQL text.

mod binding;
pub mod cache;
pub mod column_types;
mod csv_files;
mod data_tables;
mod graph;
mod job;
pub use data_tables::export_table;
pub mod executor;
pub mod history;
mod local;
mod mapping;
mod node;
mod options;
pub mod plan_check;
mod plans;
pub mod postgres;
mod report;
pub mod results;
pub mod run;
pub mod shapes;
pub mod table_node;

/// Arrow, as the engines speak it: results are Arrow record batches.
pub use datafusion::arrow;
pub use datafusion::parquet;
pub use local::LocalEngine;
pub use shapes::{ColumnShape, TableKind, TableShape};

use crate::render::{RenderError, Statement};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use std::fmt;

/// A running query: its result schema and its batches as they are produced. Dropping it
/// cancels the query.
pub struct ResultStream {
    pub schema: SchemaRef,
    pub batches: BoxStream<'static, Result<RecordBatch, EngineError>>,
}

impl fmt::Debug for ResultStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultStream")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// A data engine that runs template SQL.
pub trait Connector: Send + Sync + fmt::Debug {
    /// Starts `statement` with its bound parameters.
    fn run<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<ResultStream, EngineError>>;

    /// What the data `statement` reads looks like now, for the result cache: equal
    /// fingerprints promise equal data. `None` (the default) when the engine cannot tell, or
    /// when the statement's result may change anyway (it calls `random()` or `now()`): such
    /// a node is never reused.
    fn fingerprint<'a>(
        &'a self,
        _statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Option<String>, EngineError>> {
        Box::pin(async { Ok(None) })
    }

    /// How old a kept result of this engine's may be to be reused (a source whose data
    /// cannot be fingerprinted, reused for a while all the same); `None`: any age, the
    /// fingerprint deciding.
    fn max_age(&self) -> Option<std::time::Duration> {
        None
    }

    /// Brings what the engine sees in line with the data as it is now; a run calls it once,
    /// as it starts.
    fn refresh(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// Brings the tables the engine reads in line with the data as it is now, as
    /// [`refresh`](Self::refresh) does, without a new session for runs in progress (their
    /// `now()` stays); validation and a template's test run call it.
    fn refresh_tables(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// What the engine would refuse in `statement` before reading any data (its syntax, the
    /// tables and columns it names, the types it combines), planned against the tables as
    /// they are, its values unknown: `None` when it plans, or when the engine cannot tell
    /// without running it (the default). Validation asks this where the engine is known.
    fn check<'a>(&'a self, _statement: &'a Statement) -> BoxFuture<'a, Option<PlanProblem>> {
        Box::pin(async { None })
    }

    /// The columns `statement` would return, with the types a run gives them, without
    /// running it (planned or prepared against the tables as they are; nothing is read).
    /// The default says the engine cannot tell without running it.
    fn describe<'a>(
        &'a self,
        _statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Schema, EngineError>> {
        Box::pin(async {
            Err(EngineError::Query {
                message: "this engine cannot tell a query's columns without running it: \
                          test-run the template instead"
                    .to_owned(),
            })
        })
    }

    /// Every table a query on this engine can read, named as its SQL writes it, with its
    /// columns' types in the product's words (`shapes.rs`). The default: none known.
    fn shapes(&self) -> BoxFuture<'_, Result<Vec<TableShape>, EngineError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// Why a statement does not plan, by what a user fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanProblem {
    /// It is not SQL the engine parses (or not exactly one statement).
    Syntax(String),
    /// It reads a table the engine does not have.
    UnknownTable(String),
    /// It names a column none of its tables has.
    UnknownColumn(String),
    /// Anything else planning refused: types that do not combine, an unknown function, a
    /// statement that would change data, a data file that cannot be read.
    Other(String),
}

impl PlanProblem {
    pub fn message(&self) -> &str {
        match self {
            Self::Syntax(m) | Self::UnknownTable(m) | Self::UnknownColumn(m) | Self::Other(m) => m,
        }
    }
}

/// Why a query could not run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The engine refused or failed the query (a syntax error, an unknown table or column,
    /// a type the data does not fit, a statement that would change data).
    #[error("{message}")]
    Query { message: String },
    /// A file in the data folder could not be registered as a table.
    #[error("cannot read `{file}` as a table: {message}")]
    DataFile { file: String, message: String },
    /// A database server refused or failed the query: its message, its SQLSTATE code and,
    /// when it names one, where in the statement.
    #[error("{message} (SQLSTATE {sqlstate}){}", position.as_ref().map(ServerPosition::words).unwrap_or_default())]
    Server {
        message: String,
        sqlstate: String,
        position: Option<ServerPosition>,
    },
    /// A database server could not be reached, refused the login or cut the connection.
    /// `target` names the server, database and user, never a password; `message` says
    /// what happened (`cannot connect: …`, `the connection was lost: …`).
    #[error("{target}: {message}")]
    Connection { target: String, message: String },
}

/// Where in a statement a server's error points: the statement's part (see
/// [`Statement::parts`]) and the character in it (a bound value's part when the server
/// points at a value). [`EngineError::locate`] adds the character of the template's SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerPosition {
    pub part: usize,
    /// 0-based character within the part's text.
    pub offset: usize,
    /// 1-based character in the template's SQL, once [`EngineError::locate`] knows it.
    pub template: Option<usize>,
}

impl ServerPosition {
    /// The 1-based character in `template_sql` (the SQL `statement` was rendered from) that
    /// this position points at.
    pub fn in_template(&self, template_sql: &str) -> Option<usize> {
        let placeholders = crate::render::placeholders(template_sql).ok()?;
        let byte = if self.part.is_multiple_of(2) {
            // Text parts stand between placeholders: the k-th starts where placeholder k-1 ends.
            let k = self.part / 2;
            let start = if k == 0 {
                0
            } else {
                placeholders.get(k - 1)?.end
            };
            let text = template_sql.get(start..)?;
            start
                + text
                    .char_indices()
                    .nth(self.offset)
                    .map_or(text.len(), |(i, _)| i)
        } else {
            placeholders.get(self.part / 2)?.start
        };
        Some(template_sql.get(..byte)?.chars().count() + 1)
    }

    fn words(&self) -> String {
        match self.template {
            Some(at) => format!(" at character {at} of the template's SQL"),
            None => String::new(),
        }
    }
}

impl EngineError {
    /// This error with a server's position located in `template_sql`, the SQL the failed
    /// statement was rendered from, so its message says where.
    pub fn locate(mut self, template_sql: &str) -> Self {
        if let Self::Server {
            position: Some(position),
            ..
        } = &mut self
        {
            position.template = position.in_template(template_sql);
        }
        self
    }
}

impl From<datafusion::error::DataFusionError> for EngineError {
    fn from(err: datafusion::error::DataFusionError) -> Self {
        Self::Query {
            message: plain_message(&err.strip_backtrace()),
        }
    }
}

/// The names DataFusion puts before its messages, by its own kinds of error: words about the
/// library, not about the user's SQL or data.
const LIBRARY_PREFIXES: [&str; 10] = [
    "Internal error: ",
    "Error during planning: ",
    "Execution error: ",
    "Arrow error: ",
    "External error: ",
    "Schema error: ",
    "Parquet error: ",
    "Object Store error: ",
    "ExecutionJoin error: ",
    "IO error: ",
];

/// DataFusion's words about itself in a message, and what a user reads instead: the
/// optimizer rule that met a problem, the catalog and schema it files every table under, a
/// setting of its own a user has no way to change, Arrow's type names in a cast.
static LIBRARY_WORDS: std::sync::LazyLock<Vec<(regex::Regex, &'static str)>> =
    std::sync::LazyLock::new(|| {
        [
            (r"Optimizer rule '[^']*' failed(?: caused by)?:?\s*", ""),
            (r"'datafusion\.public\.([^']+)'", "'$1'"),
            (
                r",?\s*or (?:set|disable) the datafusion\.sql_parser\.enable_ident_normalization configuration",
                "",
            ),
            (r"Cast error: ", ""),
            (r"value of U?Int(?:8|16|32|64) type", "an integer"),
            (r"value of Float(?:16|32|64) type", "a float"),
            (r"value of Decimal128\(\d+, \d+\) type", "a decimal"),
        ]
        .into_iter()
        .map(|(pattern, plain)| (regex::Regex::new(pattern).expect("a valid pattern"), plain))
        .collect()
    });

/// An engine's message as a user reads it, about their SQL and their data: DataFusion's plea
/// to file a bug report in its tracker (it adds one to every "internal" error, and a type
/// mistake in a query can come out as one) is left out, and so are the names of its kinds of
/// error; a parser's error is its message. Never empty when `message` is not.
pub(crate) fn plain_message(message: &str) -> String {
    const PLEA: &str = "This issue was likely caused by a bug";
    let mut text = message.to_owned();
    while let Some(start) = text.find(PLEA) {
        let end = text[start..]
            .find("/issues")
            .map_or(text.len(), |at| start + at + "/issues".len());
        text.replace_range(start..end, "");
        // `{desc}.\n` before the plea: one full stop, not two.
        let before = text[..start].trim_end();
        if before.ends_with("..") {
            let cut = before.len() - 1;
            text.replace_range(cut..cut + 1, "");
        }
    }
    for prefix in LIBRARY_PREFIXES {
        text = text.replace(prefix, "");
    }
    for (library, plain) in LIBRARY_WORDS.iter() {
        text = library.replace_all(&text, *plain).into_owned();
    }
    // `SQL error: ParserError("…")`: the parser's words are the message.
    if let Some(start) = text.find("SQL error: ParserError(\"") {
        let inner = start + "SQL error: ParserError(\"".len();
        if let Some(len) = text[inner..].rfind("\")") {
            let parsed = text[inner..inner + len].replace("\\\"", "\"");
            text.replace_range(start..inner + len + 2, &parsed);
        }
    }
    let plain = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(mismatch) = function_mismatch(&plain) {
        return mismatch;
    }
    if plain.is_empty() {
        message.trim().to_owned()
    } else {
        plain
    }
}

/// DataFusion's answer to a function given types it does not take (`No function matches the
/// given name and argument types 'avg(Utf8)'. … Candidate functions: avg(Decimal) …`, often
/// wrapped in words about coercion) in the product's type names: which call does not exist,
/// which do, and what to do.
fn function_mismatch(message: &str) -> Option<String> {
    const NO_MATCH: &str = "No function matches the given name and argument types '";
    let start = message.find(NO_MATCH)? + NO_MATCH.len();
    let called = &message[start..start + message[start..].find('\'')?];
    let name = called.split('(').next().unwrap_or(called);
    let call = regex::Regex::new(r"\w+\([^()]*(?:\([^()]*\)[^()]*)*\)").ok()?;
    let mut candidates: Vec<String> = Vec::new();
    if let Some(at) = message.find("Candidate functions:") {
        for found in call.find_iter(&message[at..]) {
            let words = in_type_words(found.as_str());
            // Durations and intervals are not types a data file or a parameter has.
            let foreign = ["duration", "interval"].iter().any(|t| words.contains(t));
            if !foreign && !candidates.contains(&words) {
                candidates.push(words);
            }
        }
    }
    let takes = if candidates.is_empty() {
        String::new()
    } else {
        format!(": it takes {}", candidates.join(", "))
    };
    let given = in_type_words(called);
    let given = given
        .strip_prefix(name)
        .and_then(|a| a.strip_prefix('('))
        .and_then(|a| a.strip_suffix(')'))
        .unwrap_or(&given);
    Some(format!(
        "{name} does not take {given}{takes}; cast the argument (e.g. CAST(column AS DOUBLE)) \
         or use a column of a type it takes"
    ))
}

/// Arrow's type names in a call (`avg(Utf8)`) as the product's (`avg(text)`).
fn in_type_words(call: &str) -> String {
    let Some(open) = call.find('(') else {
        return call.to_owned();
    };
    let arguments = call[open + 1..call.len().saturating_sub(1)]
        .split(", ")
        .map(|t| {
            let bare = t.split('(').next().unwrap_or(t).trim();
            match bare {
                "Utf8" | "LargeUtf8" | "Utf8View" => "text".to_owned(),
                "Int8" | "Int16" | "Int32" | "Int64" | "UInt8" | "UInt16" | "UInt32" | "UInt64" => {
                    "integer".to_owned()
                }
                "Float16" | "Float32" | "Float64" => "float".to_owned(),
                "Decimal" | "Decimal32" | "Decimal64" | "Decimal128" | "Decimal256" => {
                    "decimal".to_owned()
                }
                "Boolean" => "boolean".to_owned(),
                "Date32" | "Date64" => "date".to_owned(),
                "Timestamp" => "datetime".to_owned(),
                "Null" => "null".to_owned(),
                "UserDefined" | "Any" => "any".to_owned(),
                other => other.to_lowercase(),
            }
        })
        .collect::<Vec<_>>();
    format!("{}({})", &call[..open], arguments.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::error::DataFusionError;

    #[test]
    fn a_library_bug_plea_never_reaches_the_user() {
        let internal = DataFusionError::Internal(
            "Function 'avg' user-defined coercion failed with Utf8".to_owned(),
        );
        let err = EngineError::from(DataFusionError::Context(
            "Optimizer rule failed".to_owned(),
            Box::new(internal),
        ));
        let message = err.to_string();
        assert!(!message.contains("bug"), "{message}");
        assert!(!message.contains("DataFusion"), "{message}");
        assert!(!message.contains("Internal error"), "{message}");
        assert!(
            message.contains("Function 'avg' user-defined coercion failed with Utf8."),
            "{message}"
        );
        assert!(!message.contains(".."), "{message}");
    }

    #[test]
    fn the_engine_s_words_about_itself_are_left_out() {
        for (engine, user) in [
            (
                "Optimizer rule 'simplify_expressions' failed caused by Cast error: Cannot cast \
                 string 'x' to value of Int32 type",
                "Cannot cast string 'x' to an integer",
            ),
            (
                "Error during planning: table 'datafusion.public.sales' not found",
                "table 'sales' not found",
            ),
            (
                "Schema error: No field named revenue. Did you mean 'excel.\"Revenue\"'?. Column \
                 names are case sensitive. You can use double quotes to refer to the \
                 \"excel.\"Revenue\"\" column or set the \
                 datafusion.sql_parser.enable_ident_normalization configuration",
                "No field named revenue. Did you mean 'excel.\"Revenue\"'?. Column names are \
                 case sensitive. You can use double quotes to refer to the \
                 \"excel.\"Revenue\"\" column",
            ),
        ] {
            assert_eq!(plain_message(engine), user);
        }
    }

    #[test]
    fn a_function_given_types_it_does_not_take_is_said_in_the_product_words() {
        let message = plain_message(
            "Error during planning: Execution error: User-defined coercion failed \
             No function matches the given name and argument types 'avg(Utf8)'. You might need \
             to add explicit type casts.\n\tCandidate functions:\n\tavg(Decimal)\n\t\
             avg(Duration)\n\tavg(Float64)\n\tavg(Int64)\n\tavg(UInt64)",
        );
        assert_eq!(
            message,
            "avg does not take text: it takes avg(decimal), avg(float), \
             avg(integer); cast the argument (e.g. CAST(column AS DOUBLE)) or use a column of a \
             type it takes"
        );
        assert_eq!(
            plain_message("SQL error: ParserError(\"Expected: an SQL statement, found: SELEC\")"),
            "Expected: an SQL statement, found: SELEC"
        );
    }
}
