//! Conditions for conditional nodes and for triggers, written in CEL, Google's Common
//! Expression Language: safe (no side effects, always terminates), typed, and already known
//! to analysts from the tools that use it. A condition reads two variables:
//!
//! ```text
//! upstream.top_campaigns.row_count > 0 && params.limit <= 50
//! upstream.load.status == "COMPLETED" || has(params.region)
//! upstream.make_table.outcome == "exists"
//! upstream["top-campaigns"].first.campaign_id in params.campaign_ids
//! ```
//!
//! This module compiles, lists what a condition reads, type-checks it against the types of
//! what it reads (`types.rs`) and evaluates; what a name may refer to is validation's
//! business, what it is worth at run time the engine says through the [`Facts`] it hands to
//! [`Condition::evaluate`].

mod cost;
mod types;

pub use cost::MAX_STEPS;
pub use types::{FUNCTIONS, Type, TypeProblem};

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::objects::{Key, Map};
use cel::{Context, Env, Program, Value};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, LazyLock};

/// A compiled condition.
pub struct Condition {
    program: Program,
    /// The program's expression with its cost meters in (`cost.rs`): what is evaluated.
    metered: IdedExpr,
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition").finish_non_exhaustive()
    }
}

/// Where in the expression text compiling failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character position on the expression's line (one past its end when it
    /// ends too early).
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.column)
    }
}

impl std::error::Error for ParseError {}

/// What a condition can know when its node is about to run.
#[derive(Debug, Default)]
pub struct Facts {
    /// `params.<name>`: the node's resolved parameters and the flow's global parameters
    /// (null when declared but without a value).
    pub params: BTreeMap<String, Json>,
    /// `upstream.<node_id>`: per upstream node it reads, its facts.
    pub upstream: BTreeMap<String, UpstreamFacts>,
}

/// `upstream.<node_id>.<field>`.
#[derive(Debug, Default)]
pub struct UpstreamFacts {
    pub status: String,
    /// `success`, `error`, `exists` or `not_found`; absent when the node did not run.
    pub outcome: Option<String>,
    /// Absent when the node produced no result (skipped, failed).
    pub row_count: Option<u64>,
    /// The first row by column name, absent when there is no row.
    pub first: Option<BTreeMap<String, Json>>,
}

/// The longest condition, in characters.
pub const MAX_LENGTH: usize = 2_000;
/// The deepest a condition may nest brackets: `(`, `[`, `{`.
pub const MAX_NESTING: usize = 24;
/// The most operators one condition may chain (each of `+ - * / % == != < > <= >= && || !
/// ?` and `.` counts one).
pub const MAX_OPERATORS: usize = 200;

/// The standard library, built once: every evaluation shares it.
static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| Arc::new(Env::stdlib()));

impl Condition {
    pub fn compile(text: &str) -> Result<Condition, ParseError> {
        if text.trim().is_empty() {
            return Err(ParseError {
                column: 1,
                message: "the condition is empty".into(),
            });
        }
        check_size(text)?;
        // Parsing recurses per level of the expression: within the limits above, on a stack
        // sized for them.
        let compiled = crate::deep_stack::run(|| {
            Program::compile(text).map(|program| {
                let metered = cost::metered(program.expression());
                (program, metered)
            })
        });
        let (program, metered) = compiled.map_err(|errors| {
            let first = errors.errors.into_iter().next();
            ParseError {
                column: first
                    .as_ref()
                    .map_or(1, |e| usize::try_from(e.pos.1).unwrap_or(1).max(1)),
                message: first.map_or_else(
                    || "the condition does not parse".to_owned(),
                    |e| plain_message(&e.msg),
                ),
            }
        })?;
        Ok(Condition { program, metered })
    }

    /// Every dotted name the condition reads from `params` or `upstream` (or any other
    /// variable, which validation reports), in order of appearance: `upstream.a.first.x` is
    /// `["upstream", "a", "first", "x"]`, and `upstream["a-b"].status` reads the same way
    /// as a dotted one. Names bound by a macro such as `exists(x, …)` are not variables.
    pub fn references(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        collect(self.program.expression(), &mut Vec::new(), &mut out);
        out
    }

    /// Whether the condition holds for these facts, on a thread with a deep stack, within
    /// [`MAX_STEPS`] (past them: an error saying so). It blocks until decided: on an async
    /// task, use [`Condition::decide`].
    pub fn evaluate(&self, facts: &Facts) -> Result<bool, String> {
        crate::deep_stack::run(|| self.evaluate_here(facts, &Arc::default()))
    }

    /// [`Condition::evaluate`] on a thread of its own that the caller only awaits: dropping
    /// the future (a cancel, a timeout around it) stops the evaluation at its next step.
    pub async fn decide(self: Arc<Self>, facts: Facts) -> Result<bool, String> {
        crate::deep_stack::off_thread(move |stop| self.evaluate_here(&facts, &stop))
            .await
            .unwrap_or_else(|why| Err(why.to_owned()))
    }

    /// Whether a trigger's condition holds (see [`Condition::evaluate_trigger`]), decided as
    /// [`Condition::decide`] decides.
    pub async fn decide_trigger(
        self: Arc<Self>,
        trigger: Json,
        params: BTreeMap<String, Json>,
    ) -> Result<bool, String> {
        crate::deep_stack::off_thread(move |stop| self.trigger_here(&trigger, &params, &stop))
            .await
            .unwrap_or_else(|why| Err(why.to_owned()))
    }

    /// Evaluates on the calling thread (whose stack must be deep enough), until `stop`.
    fn evaluate_here(&self, facts: &Facts, stop: &Arc<AtomicBool>) -> Result<bool, String> {
        let params: HashMap<Key, Value> = facts
            .params
            .iter()
            .map(|(name, value)| (Key::from(name.as_str()), json_to_cel(value)))
            .collect();
        let upstream: HashMap<Key, Value> = facts
            .upstream
            .iter()
            .map(|(id, node)| {
                let mut fields: HashMap<Key, Value> = HashMap::new();
                fields.insert("status".into(), node.status.as_str().into());
                if let Some(outcome) = &node.outcome {
                    fields.insert("outcome".into(), outcome.as_str().into());
                }
                if let Some(rows) = node.row_count {
                    fields.insert("row_count".into(), Value::Int(saturating_i64(rows)));
                }
                if let Some(first) = &node.first {
                    let row: HashMap<Key, Value> = first
                        .iter()
                        .map(|(column, value)| (Key::from(column.as_str()), json_to_cel(value)))
                        .collect();
                    fields.insert("first".into(), Value::Map(Map::from(row)));
                }
                (Key::from(id.as_str()), Value::Map(Map::from(fields)))
            })
            .collect();
        self.run(
            [
                ("params", Value::Map(Map::from(params))),
                ("upstream", Value::Map(Map::from(upstream))),
            ],
            stop,
        )
    }

    /// Whether a trigger's condition holds: it reads `trigger` (what the trigger saw) and
    /// `params` (the parameter values it runs its flow with).
    pub fn evaluate_trigger(
        &self,
        trigger: &Json,
        params: &BTreeMap<String, Json>,
    ) -> Result<bool, String> {
        crate::deep_stack::run(|| self.trigger_here(trigger, params, &Arc::default()))
    }

    fn trigger_here(
        &self,
        trigger: &Json,
        params: &BTreeMap<String, Json>,
        stop: &Arc<AtomicBool>,
    ) -> Result<bool, String> {
        let params: HashMap<Key, Value> = params
            .iter()
            .map(|(name, value)| (Key::from(name.as_str()), json_to_cel(value)))
            .collect();
        self.run(
            [
                ("trigger", json_to_cel(trigger)),
                ("params", Value::Map(Map::from(params))),
            ],
            stop,
        )
    }

    fn run<const N: usize>(
        &self,
        variables: [(&str, Value); N],
        stop: &Arc<AtomicBool>,
    ) -> Result<bool, String> {
        let mut context = Context::with_env(ENV.clone());
        for (name, value) in variables {
            context.add_variable_from_value(name, value);
        }
        let meter = cost::Meter::new(stop.clone());
        meter.install(&mut context);
        let outcome = Value::resolve(&self.metered, &context);
        if let Some(cut) = meter.cut() {
            return Err(cut.message());
        }
        match outcome {
            Ok(Value::Bool(holds)) => Ok(holds),
            Ok(other) => Err(format!(
                "the condition gives {}, not true or false",
                describe(&other)
            )),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// Refuses a condition past the limits on its length, nesting and operators, before it is
/// parsed (the parser recurses once per level, so a few hundred characters of nesting would
/// overflow any stack), naming the first character past the limit.
fn check_size(text: &str) -> Result<(), ParseError> {
    let over = |column: usize, message: String| Err(ParseError { column, message });
    if text.chars().count() > MAX_LENGTH {
        return over(
            MAX_LENGTH + 1,
            format!("the condition is longer than {MAX_LENGTH} characters"),
        );
    }
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut previous = ' ';
    for (at, c) in text.chars().enumerate() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return over(
                        at + 1,
                        format!("the condition nests brackets deeper than {MAX_NESTING} levels"),
                    );
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            // `==`, `<=`, `&&`, … count once: the second character of a pair is skipped.
            '+' | '-' | '*' | '/' | '%' | '<' | '>' | '!' | '?' | '.' | '|' | '&' | '='
                if !matches!(
                    (previous, c),
                    ('=' | '<' | '>' | '!', '=') | ('&', '&') | ('|', '|')
                ) =>
            {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return over(
                        at + 1,
                        format!(
                            "the condition chains more than {MAX_OPERATORS} operators (each `.`, `+`, `==`, `&&`, … counts one)"
                        ),
                    );
                }
            }
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

/// Walks the expression, pushing each maximal chain of field selections rooted at a free
/// variable. `bound` holds the names macros bind in the part being walked.
fn collect(expr: &IdedExpr, bound: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Some(path) = chain(expr) {
        if !bound.iter().any(|name| *name == path[0]) {
            out.push(path);
        }
        return;
    }
    match &expr.expr {
        Expr::Unspecified | Expr::Literal(_) | Expr::Ident(_) => {}
        Expr::Select(select) => collect(&select.operand, bound, out),
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                collect(target, bound, out);
            }
            for arg in &call.args {
                collect(arg, bound, out);
            }
        }
        Expr::List(list) => {
            for element in &list.elements {
                collect(element, bound, out);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                if let EntryExpr::MapEntry(entry) = &entry.expr {
                    collect(&entry.key, bound, out);
                    collect(&entry.value, bound, out);
                }
            }
        }
        Expr::Struct(object) => {
            for entry in &object.entries {
                if let EntryExpr::StructField(field) = &entry.expr {
                    collect(&field.value, bound, out);
                }
            }
        }
        Expr::Comprehension(comprehension) => {
            collect(&comprehension.iter_range, bound, out);
            collect(&comprehension.accu_init, bound, out);
            let depth = bound.len();
            bound.push(comprehension.iter_var.clone());
            bound.extend(comprehension.iter_var2.clone());
            bound.push(comprehension.accu_var.clone());
            collect(&comprehension.loop_cond, bound, out);
            collect(&comprehension.loop_step, bound, out);
            collect(&comprehension.result, bound, out);
            bound.truncate(depth);
        }
    }
}

/// `a.b["c"].d` as `["a", "b", "c", "d"]`, when the expression is only that.
fn chain(expr: &IdedExpr) -> Option<Vec<String>> {
    match &expr.expr {
        Expr::Ident(name) => Some(vec![name.clone()]),
        Expr::Select(select) => {
            let mut path = chain(&select.operand)?;
            path.push(select.field.clone());
            Some(path)
        }
        Expr::Call(call) if call.func_name == "_[_]" && call.target.is_none() => {
            let [operand, key] = call.args.as_slice() else {
                return None;
            };
            let Expr::Literal(LiteralValue::String(key)) = &key.expr else {
                return None;
            };
            let mut path = chain(operand)?;
            path.push(key.to_string());
            Some(path)
        }
        _ => None,
    }
}

fn json_to_cel(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .or_else(|| n.as_u64().map(Value::UInt))
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN))),
        Json::String(s) => s.as_str().into(),
        Json::Array(items) => items.iter().map(json_to_cel).collect::<Vec<_>>().into(),
        Json::Object(fields) => {
            let map: HashMap<Key, Value> = fields
                .iter()
                .map(|(k, v)| (Key::from(k.as_str()), json_to_cel(v)))
                .collect();
            Value::Map(Map::from(map))
        }
    }
}

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn describe(value: &Value) -> String {
    match value.json() {
        Ok(json) => json.to_string(),
        Err(_) => format!("a {:?}", value.type_of()),
    }
}

/// The parser's message in plain words: the grammar's lists of expected tokens say little to
/// an analyst, and `and`/`or`/`not` (which CEL spells `&&`, `||`, `!`) deserve a hint.
fn plain_message(message: &str) -> String {
    let message = message.strip_prefix("Syntax error: ").unwrap_or(message);
    let Some(rest) = message.strip_prefix("mismatched input '") else {
        return match message.strip_prefix("missing '") {
            Some(rest) => format!("missing `{}`", rest.split('\'').next().unwrap_or(rest)),
            None => message.to_owned(),
        };
    };
    match rest.split('\'').next().unwrap_or(rest) {
        "<EOF>" => "the condition ends too early".to_owned(),
        word @ ("and" | "or" | "not") => {
            format!("unexpected `{word}` (CEL writes and, or, not as &&, ||, !)")
        }
        token => format!("unexpected `{token}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts() -> Facts {
        let mut facts = Facts::default();
        facts.params.insert("limit".into(), json!(20));
        facts.params.insert("region".into(), Json::Null);
        facts.params.insert("ids".into(), json!([3, 5, 8]));
        facts.upstream.insert(
            "top".into(),
            UpstreamFacts {
                status: "COMPLETED".into(),
                outcome: Some("success".into()),
                row_count: Some(12),
                first: Some(BTreeMap::from([("campaign_id".into(), json!(5))])),
            },
        );
        facts.upstream.insert(
            "gone-away".into(),
            UpstreamFacts {
                status: "SKIPPED".into(),
                outcome: None,
                row_count: None,
                first: None,
            },
        );
        facts
    }

    fn holds(text: &str) -> Result<bool, String> {
        Condition::compile(text)
            .map_err(|e| e.to_string())?
            .evaluate(&facts())
    }

    #[test]
    fn conditions_read_params_and_upstream_facts() {
        assert_eq!(
            holds("upstream.top.row_count > 10 && params.limit <= 50"),
            Ok(true)
        );
        assert_eq!(
            holds("upstream.top.first.campaign_id in params.ids"),
            Ok(true)
        );
        assert_eq!(holds("upstream.top.row_count > 12.5"), Ok(false));
        assert_eq!(holds(r#"upstream.top.outcome == "success""#), Ok(true));
        assert_eq!(
            holds(r#"has(upstream["gone-away"].outcome)"#),
            Ok(false),
            "a node that did not run has no outcome"
        );
        assert_eq!(
            holds(r#"upstream["gone-away"].status == "SKIPPED""#),
            Ok(true)
        );
        assert_eq!(
            holds("has(upstream.top.first) && !has(upstream['gone-away'].first)"),
            Ok(true)
        );
        assert_eq!(
            holds("params.region == null || params.region == 'EU'"),
            Ok(true)
        );
        assert_eq!(holds("params.ids.exists(x, x > 7)"), Ok(true));
    }

    #[test]
    fn a_condition_that_is_not_true_or_false_is_an_error() {
        let err = holds("params.limit + 1").expect_err("an error");
        assert!(
            err.contains("21") && err.contains("not true or false"),
            "{err}"
        );
        let err = holds("params.nowhere > 1").expect_err("an error");
        assert!(err.contains("nowhere"), "{err}");
    }

    #[test]
    fn bad_text_names_the_place() {
        let err = Condition::compile("upstream.top.row_count >").expect_err("an error");
        assert_eq!(err.message, "the condition ends too early");
        assert_eq!(err.column, 25, "one past the end: {err}");
        let err = Condition::compile("x and y").expect_err("an error");
        assert_eq!(
            err.to_string(),
            "unexpected `and` (CEL writes and, or, not as &&, ||, !) (at character 3)"
        );
        let err = Condition::compile("(a > 1").expect_err("an error");
        assert_eq!(err.message, "missing `)`");
        let err = Condition::compile("  ").expect_err("an error");
        assert_eq!(err.to_string(), "the condition is empty (at character 1)");
    }

    #[test]
    fn references_are_the_free_dotted_names() {
        let condition = Condition::compile(
            r#"upstream["a-b"].first.x > 1 && params.ids.exists(v, v == params.limit) && size(today) > 0"#,
        )
        .expect("compiles");
        let names: Vec<String> = condition
            .references()
            .iter()
            .map(|path| path.join("."))
            .collect();
        assert_eq!(
            names,
            [
                "upstream.a-b.first.x",
                "params.ids",
                "params.limit",
                "today"
            ]
        );
    }
}
