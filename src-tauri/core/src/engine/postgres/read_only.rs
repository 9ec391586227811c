//! A PostgreSQL source only reads: a template's statement is one query that changes
//! nothing, told before it is sent (by validation too, which prepares it without running
//! it). The READ ONLY transaction every query runs in would refuse a write anyway; this
//! says so first, in the template's words. Refused: a statement that is not a query, more
//! than one statement, a CTE that writes (`WITH d AS (DELETE … RETURNING …)`), `SELECT …
//! INTO` (it makes a table) and `FOR UPDATE`/`FOR SHARE` (they lock rows).

use super::EngineError;
use datafusion::sql::sqlparser::ast::{Query, SetExpr, Statement, Visit, Visitor};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::parser::Parser;
use std::ops::ControlFlow;

/// `Err` naming what in `sql` is not a read; SQL the parser cannot read passes, for the
/// server to judge with its own message.
pub(super) fn refuse_writes(sql: &str) -> Result<(), EngineError> {
    let refused = |why: String| {
        Err(EngineError::Query {
            message: format!("a PostgreSQL source only reads: {why}"),
        })
    };
    let word = first_word(sql);
    if word.is_empty() {
        return Err(EngineError::Query {
            message: "the template's SQL is empty".to_owned(),
        });
    }
    if !["select", "with", "values", "table"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
    {
        return refused(format!(
            "this statement starts with `{word}`; a template runs a SELECT, WITH, VALUES or \
             TABLE query"
        ));
    }
    writes_within(sql)
}

/// What in `sql`, a query by its first word, writes or locks (see the module's list); SQL
/// the parser cannot read passes.
pub(super) fn writes_within(sql: &str) -> Result<(), EngineError> {
    let refused = |why: String| {
        Err(EngineError::Query {
            message: format!("a PostgreSQL source only reads: {why}"),
        })
    };
    let Ok(statements) = Parser::parse_sql(&PostgreSqlDialect {}, sql) else {
        return Ok(());
    };
    if statements.len() > 1 {
        return refused(format!(
            "a template runs one query and this SQL holds {} statements: put each in a node \
             of its own",
            statements.len()
        ));
    }
    match statements.visit(&mut Writes) {
        ControlFlow::Break(why) => refused(why),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// Finds the first part of a statement that writes or locks.
struct Writes;

impl Visitor for Writes {
    type Break = String;

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<String> {
        match statement {
            Statement::Query(_) => ControlFlow::Continue(()),
            other => {
                let text = other.to_string();
                let word = text.split_whitespace().next().unwrap_or_default();
                ControlFlow::Break(format!(
                    "it holds a `{word}` (in a WITH, it still changes data)"
                ))
            }
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<String> {
        if !query.locks.is_empty() {
            return ControlFlow::Break(
                "`FOR UPDATE` and `FOR SHARE` lock rows: leave them out".to_owned(),
            );
        }
        if let SetExpr::Select(select) = query.body.as_ref()
            && select.into.is_some()
        {
            return ControlFlow::Break(
                "`SELECT … INTO` makes a table: select the rows without INTO".to_owned(),
            );
        }
        ControlFlow::Continue(())
    }
}

/// The first word of `sql`, past whitespace, comments and opening parentheses.
fn first_word(sql: &str) -> &str {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(comment) = trimmed.strip_prefix("--") {
            rest = comment.find('\n').map_or("", |n| &comment[n..]);
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            rest = comment.find("*/").map_or("", |n| &comment[n + 2..]);
        } else {
            let end = trimmed
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(trimmed.len());
            return &trimmed[..end];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refuse_writes;

    #[test]
    fn only_one_query_that_changes_nothing_passes() {
        for read in [
            "  -- c\n/* x */ (SELECT 1)",
            "WITH a AS (SELECT 1) SELECT * FROM a",
            "SELECT id FROM orders WHERE id = ANY($1) AND note = 'DELETE FROM t; --'",
            "VALUES (1), (2)",
            "SELECT * FROM a UNION SELECT * FROM b ORDER BY 1",
        ] {
            assert!(refuse_writes(read).is_ok(), "{read}");
        }
        for (write, says) in [
            ("delete from t", "starts with `delete`"),
            (
                "SELECT 1 AS x; DELETE FROM orders WHERE id = 101",
                "2 statements",
            ),
            ("SELECT 1 AS x; COMMIT; DELETE FROM orders", "3 statements"),
            (
                "WITH d AS (DELETE FROM orders WHERE id = 101 RETURNING id) SELECT id FROM d",
                "`DELETE`",
            ),
            (
                "WITH u AS (UPDATE orders SET amount = 0 RETURNING id) SELECT * FROM u",
                "`UPDATE`",
            ),
            ("SELECT id AS x INTO TEMP t1 FROM orders", "makes a table"),
            ("SELECT * FROM orders FOR UPDATE", "lock rows"),
            ("SELECT * FROM orders FOR SHARE SKIP LOCKED", "lock rows"),
            ("   ", "empty"),
        ] {
            let refused = refuse_writes(write).expect_err(write).to_string();
            assert!(refused.contains(says), "{write}: {refused}");
        }
    }
}
