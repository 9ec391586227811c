//! What the server or the driver said, as an [`EngineError`] a user reads: the server's
//! message with its SQLSTATE and the position mapped back into the statement; a failure to
//! connect naming the server and the user (never the password); a write refused as such.

use super::bind::Bound;
use crate::engine::{EngineError, PlanProblem};
use sqlx::postgres::{PgDatabaseError, PgErrorPosition};

/// SQLSTATE codes the connector reads.
pub(super) mod sqlstate {
    pub const SYNTAX: &str = "42601";
    pub const UNDEFINED_TABLE: &str = "42P01";
    pub const UNDEFINED_COLUMN: &str = "42703";
    pub const READ_ONLY: &str = "25006";
    pub const ADMIN_SHUTDOWN: &str = "57P01";
    pub const CRASH_SHUTDOWN: &str = "57P02";
    pub const CANNOT_CONNECT_NOW: &str = "57P03";
}

/// Login failures: the server refused who is connecting (class 28), or the database is
/// missing or not accepting connections.
fn is_login(code: &str) -> bool {
    code.starts_with("28") || code == "3D000" || code == sqlstate::CANNOT_CONNECT_NOW
}

/// An error from running `bound` (`None`: no statement, e.g. opening the transaction).
pub(super) fn from_sqlx(err: sqlx::Error, bound: Option<&Bound>, target: &str) -> EngineError {
    match err {
        sqlx::Error::Database(db) => match db.try_downcast::<PgDatabaseError>() {
            Ok(pg) => server(&pg, bound, target),
            Err(db) => EngineError::Query {
                message: db.message().to_owned(),
            },
        },
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => EngineError::Connection {
            target: target.to_owned(),
            message: format!(
                "the connection was lost ({err}); run it again once the server is back"
            ),
        },
        sqlx::Error::PoolTimedOut => EngineError::Connection {
            target: target.to_owned(),
            message: "cannot connect: no connection became free in time (the server did not \
                      answer, or every connection of the pool stayed busy)"
                .to_owned(),
        },
        other => EngineError::Query {
            message: other.to_string(),
        },
    }
}

/// An error while connecting: refused, unknown host, bad password.
pub(super) fn connecting(err: sqlx::Error, target: &str) -> EngineError {
    let message = match err {
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                "the connection was refused: is the server running and listening on that port?"
                    .to_owned()
            }
            _ => io.to_string(),
        },
        sqlx::Error::Tls(tls) => format!("TLS: {tls}"),
        sqlx::Error::PoolTimedOut => "the server did not answer in time".to_owned(),
        other => other.to_string(),
    };
    EngineError::Connection {
        target: target.to_owned(),
        message: format!("cannot connect: {message}"),
    }
}

fn server(pg: &PgDatabaseError, bound: Option<&Bound>, target: &str) -> EngineError {
    let code = pg.code();
    if is_login(code) {
        return EngineError::Connection {
            target: target.to_owned(),
            message: format!("cannot connect: {}", pg.message()),
        };
    }
    let mut message = pg.message().to_owned();
    if code == sqlstate::READ_ONLY {
        message = format!(
            "{message}: a PostgreSQL source only reads; a template that changes data is refused"
        );
    }
    if matches!(code, sqlstate::ADMIN_SHUTDOWN | sqlstate::CRASH_SHUTDOWN) {
        return EngineError::Connection {
            target: target.to_owned(),
            message: format!(
                "the connection was lost: {message}; run it again once the server is back"
            ),
        };
    }
    if let Some(detail) = pg.detail() {
        message = format!("{message} ({detail})");
    }
    if let Some(hint) = pg.hint() {
        message = format!("{message}. {hint}");
    }
    let position = match pg.position() {
        Some(PgErrorPosition::Original(at)) => bound.and_then(|b| b.locate(at)),
        _ => None,
    };
    EngineError::Server {
        message,
        sqlstate: code.to_owned(),
        position,
    }
}

/// A statement the server would not prepare, by what a user fixes.
pub(super) fn plan_problem(err: EngineError) -> Option<PlanProblem> {
    match &err {
        EngineError::Server { sqlstate: code, .. } => {
            let message = err.to_string();
            Some(match code.as_str() {
                sqlstate::SYNTAX => PlanProblem::Syntax(message),
                sqlstate::UNDEFINED_TABLE => PlanProblem::UnknownTable(message),
                sqlstate::UNDEFINED_COLUMN => PlanProblem::UnknownColumn(message),
                _ => PlanProblem::Other(message),
            })
        }
        // Whether the server is there is no fault of the statement: the run reports it.
        EngineError::Connection { .. } => None,
        _ => Some(PlanProblem::Other(err.to_string())),
    }
}
