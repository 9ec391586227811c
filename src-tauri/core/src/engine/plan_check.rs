//! Template SQL planned before a run, where the engine and its tables are known (`validate
//! --workspace`, imports into a workspace, the app): a statement that does not parse, reads
//! a table the workspace lacks, names a column its tables lack or combines types that do not
//! combine fails its node's run, so validation says so first, by node.
//!
//! Each template's SQL is planned where it runs (a [`Checker`] picks the engine by the
//! template's data source): the workspace's engine for `src_local`, a database's own
//! description of the statement (PostgreSQL's `PREPARE`) for the others.
//!
//! Each template version is planned once, its parameters bound as typed values the way a
//! run binds them (a list, a for-each node's parameter included, as one value of its type);
//! nothing is read or executed. A template whose SQL validation already refuses
//! (`bad_template_sql`, `sql_syntax`, `blank_text`) is not planned.

use super::{Connector, PlanProblem};
use crate::ids::{SourceId, TemplateId};
use crate::model::{Flow, Node, Template, TemplateKind};
use crate::render;
use crate::render::Statement;
use crate::validation::{self, Catalog, Code, Diagnostic, ValidatedFlow};
use crate::value::Value;
use futures::future::BoxFuture;
use std::collections::BTreeMap;

/// Where templates' SQL is planned, by the data source each names.
pub trait Checker: Sync {
    /// Brings what the engines see in line with the data as it is now (see
    /// [`Connector::refresh_tables`]).
    fn refresh_tables(&self) -> BoxFuture<'_, ()>;

    /// What the engine behind `source` refuses in `statement` (see [`Connector::check`]);
    /// `None` too when no engine for `source` can be reached now: its run will say why.
    fn check<'a>(
        &'a self,
        source: &'a SourceId,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Option<PlanProblem>>;
}

/// One engine alone (the workspace's, without the workspace's other data sources) plans the
/// templates on `src_local`; the others are left to their databases.
impl<T: Connector> Checker for T {
    fn refresh_tables(&self) -> BoxFuture<'_, ()> {
        Connector::refresh_tables(self)
    }

    fn check<'a>(
        &'a self,
        source: &'a SourceId,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Option<PlanProblem>> {
        if source.is_local() {
            Connector::check(self, statement)
        } else {
            Box::pin(async { None })
        }
    }
}

/// Every problem of `flow` as drawn in a workspace (the app's canvas): validation against
/// `catalog` (`validation::check`), and each node's SQL planned by `checker`, which first
/// catches up with the data folder and the data tables. The workspace's engine keeps a
/// statement's answer until a table changes, so validating on every edit plans only what
/// changed.
pub async fn check_in_workspace(
    flow: &Flow,
    catalog: &Catalog,
    checker: &dyn Checker,
) -> Vec<Diagnostic> {
    checker.refresh_tables().await;
    let mut diagnostics = validation::check(flow, catalog);
    diagnostics.extend(problems(flow, catalog, checker).await);
    validation::finish(diagnostics)
}

/// `flow` checked as [`check_in_workspace`] checks it, in one pass: its problems, and the
/// flow ready to run when none of them is an error (a save followed by a run validates
/// once).
pub async fn validate_in_workspace(
    flow: Flow,
    catalog: &Catalog,
    checker: &dyn Checker,
) -> (Vec<Diagnostic>, Option<ValidatedFlow>) {
    checker.refresh_tables().await;
    let planned = problems(&flow, catalog, checker).await;
    match validation::validate(flow, catalog) {
        Ok(valid) if planned.is_empty() => (valid.warnings().to_vec(), Some(valid)),
        Ok(valid) => {
            let mut diagnostics = valid.warnings().to_vec();
            diagnostics.extend(planned);
            (validation::finish(diagnostics), None)
        }
        Err(mut diagnostics) => {
            diagnostics.extend(planned);
            (validation::finish(diagnostics), None)
        }
    }
}

/// Every node of `flow` whose template SQL does not plan where it runs, as diagnostics on
/// the node: `sql_syntax`, `unknown_table`, `unknown_column`, or `bad_template_sql` for the
/// rest (types, functions, a statement that would change data).
pub async fn problems(flow: &Flow, catalog: &Catalog, checker: &dyn Checker) -> Vec<Diagnostic> {
    let mut planned: BTreeMap<(TemplateId, u32), Option<PlanProblem>> = BTreeMap::new();
    // A table a create node of the flow makes does not exist before the run: a query
    // reading it is not planned against it (what else it names is known when it runs).
    let created = validation::tables_created(flow, catalog);
    let mut out = Vec::new();
    for (i, node) in flow.nodes.iter().enumerate() {
        let Some(template) = catalog.for_node(node) else {
            continue;
        };
        let key = (template.template_id.clone(), template.version);
        let problem = match planned.get(&key) {
            Some(problem) => problem.clone(),
            None => {
                let problem = template_problem(template, checker).await;
                planned.insert(key, problem.clone());
                problem
            }
        };
        match problem {
            Some(PlanProblem::UnknownTable(message))
                if missing_table(&message).is_some_and(|t| created.contains(t)) => {}
            Some(problem) => out.push(diagnostic(node, i, template, &problem)),
            None => {}
        }
    }
    out
}

/// What the engine `template` runs on refuses in its SQL, its values unknown; `None` too
/// for SQL validation refuses already.
pub async fn template_problem(template: &Template, checker: &dyn Checker) -> Option<PlanProblem> {
    if template.kind == TemplateKind::DataTable
        || validation::is_blank(&template.sql)
        || !render::problems(&template.sql, &template.parameters).is_empty()
        || validation::sql_syntax_problem(template).is_some()
    {
        return None;
    }
    let values = template
        .parameters
        .iter()
        .map(|p| {
            let value = if p.list {
                Value::List(vec![Value::Null])
            } else {
                Value::Null
            };
            (p.name.clone(), value)
        })
        .collect();
    let statement = render::render(&template.sql, &template.parameters, &values).ok()?;
    checker.check(&template.source_id, &statement).await
}

/// The table an unknown-table message names (`table 'datafusion.public.x' not found` →
/// `x`).
fn missing_table(message: &str) -> Option<&str> {
    let start = message.find("table '")? + "table '".len();
    let end = start + message[start..].find("' not found")?;
    message[start..end].rsplit('.').next()
}

/// The column an unknown-column message names: DataFusion's (`No field named s."Qty". Did
/// you mean …` → `Qty`) or PostgreSQL's (`column s.qty does not exist` → `qty`).
fn missing_column(message: &str) -> Option<&str> {
    let named = match message.find("No field named ") {
        Some(start) => {
            let rest = &message[start + "No field named ".len()..];
            let named = rest.find(". ").map_or(rest, |end| &rest[..end]);
            named.strip_suffix('.').unwrap_or(named)
        }
        None => {
            let end = message.find(" does not exist")?;
            let start = message[..end].rfind("column ")? + "column ".len();
            &message[start..end]
        }
    };
    Some(named.rsplit('.').next()?.trim_matches('"'))
}

fn diagnostic(node: &Node, i: usize, template: &Template, problem: &PlanProblem) -> Diagnostic {
    let holder = if template.source_id.is_local() {
        "the workspace".to_owned()
    } else {
        format!("data source `{}`", template.source_id)
    };
    let (code, what) = match problem {
        PlanProblem::Syntax(_) => (Code::SqlSyntax, "does not parse".to_owned()),
        PlanProblem::UnknownTable(_) => (
            Code::UnknownTable,
            format!("reads a table {holder} does not have"),
        ),
        PlanProblem::UnknownColumn(_) => (
            Code::UnknownColumn,
            "names a column its tables do not have".to_owned(),
        ),
        PlanProblem::Other(_) => (Code::BadTemplateSql, "does not plan".to_owned()),
    };
    let diagnostic = Diagnostic::error(
        code,
        format!("/nodes/{i}/template_id"),
        format!(
            "node `{}` uses template `{}` (version {}), whose SQL {what}: {}",
            node.node_id,
            template.template_id,
            template.version,
            problem.message()
        ),
    )
    .node(&node.node_id);
    match problem {
        PlanProblem::UnknownColumn(message) => match missing_column(message) {
            Some(column) => diagnostic.column(column),
            None => diagnostic,
        },
        _ => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use super::missing_column;

    #[test]
    fn an_unknown_column_is_named_as_the_sql_wrote_it() {
        for (message, column) in [
            ("No field named budget.", "budget"),
            (
                "No field named dep_delay. Did you mean 'flights.arr_delay'? Valid fields are …",
                "dep_delay",
            ),
            (
                "No field named s.quantity. Valid fields are s.qty.",
                "quantity",
            ),
            ("No field named \"Revenue\".", "Revenue"),
            (
                "column \"spendd\" does not exist (SQLSTATE 42703)",
                "spendd",
            ),
            ("column a.clickz does not exist", "clickz"),
        ] {
            assert_eq!(missing_column(message), Some(column), "{message}");
        }
        assert_eq!(missing_column("table 'x' not found"), None);
        assert_eq!(missing_column("relation \"x\" does not exist"), None);
    }
}
