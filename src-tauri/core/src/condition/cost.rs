//! A condition's cost bound. CEL always terminates, but not soon: a few hundred characters of
//! nested `all` over lists, or a `map` whose items are lists added to themselves, ask for
//! billions of steps (one such condition held a run for 30 s, deaf to Ctrl-C). So every
//! evaluation is metered: the compiled expression is rewritten once so that each item a
//! macro visits (`all`, `exists`, `exists_one`, `map`, `filter`) counts one step, and each
//! `+` counts the size of what it makes (the elements of a list, the characters of a text)
//! and each `in` the size of what it looks in;
//! past [`MAX_STEPS`], or once its caller asks it to stop (a cancel, the node's timeout), the
//! evaluation ends with an error at its next step.
//!
//! The meters are calls to functions whose names (`@…`) no condition can spell, wrapped
//! around what the interpreter evaluates anyway, so a condition means what it meant: the
//! macro's loop condition, the guard of a `filter` (or `map`, whose step gets `true` as
//! its guard), and each `+` a user wrote (not the macros' own `@result + [item]`, which
//! grows by one item per step already counted, and which the interpreter appends in place
//! only in that shape).

use cel::common::ast::{CallExpr, EntryExpr, Expr, IdedExpr, LiteralValue, operators};
use cel::common::types::CelBool;
use cel::objects::ResolveResult;
use cel::{Context, ExecutionError, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The most steps one evaluation may take (see the module's doc).
pub const MAX_STEPS: u64 = 100_000;

/// Counts one step and passes its argument through.
const STEP: &str = "@flowloom_step";
/// Counts the size of its argument (a `+`'s result, what an `in` looks in) and passes it
/// through.
const GROWTH: &str = "@flowloom_growth";

/// Why an evaluation stopped before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cut {
    /// It took more than [`MAX_STEPS`].
    TooCostly,
    /// Its caller asked it to stop.
    Stopped,
}

impl Cut {
    pub(super) fn message(self) -> String {
        match self {
            Cut::TooCostly => format!(
                "the condition takes more than {MAX_STEPS} steps to decide (each item that \
                 `all`, `exists`, `exists_one`, `map` or `filter` visits counts one, nested \
                 ones multiply, each `+` the items or characters it makes, each `in` the \
                 items it looks in): decide it over fewer values"
            ),
            Cut::Stopped => "the condition's evaluation was stopped".to_owned(),
        }
    }
}

/// One evaluation's steps, and the flag its caller sets to stop it.
pub(super) struct Meter {
    steps: AtomicU64,
    stop: Arc<AtomicBool>,
}

impl Meter {
    pub(super) fn new(stop: Arc<AtomicBool>) -> Arc<Self> {
        Arc::new(Self {
            steps: AtomicU64::new(0),
            stop,
        })
    }

    /// Counts `steps`; fails once the evaluation is over its budget or asked to stop.
    fn charge(&self, steps: u64) -> Result<(), Cut> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(Cut::Stopped);
        }
        let before = self.steps.fetch_add(steps, Ordering::Relaxed);
        if before.saturating_add(steps) > MAX_STEPS {
            return Err(Cut::TooCostly);
        }
        Ok(())
    }

    /// Why the evaluation was cut short, if it was: a result reached after a meter failed
    /// (an error that `||` or `&&` absorbed) is not the condition's answer.
    pub(super) fn cut(&self) -> Option<Cut> {
        if self.stop.load(Ordering::Relaxed) {
            Some(Cut::Stopped)
        } else if self.steps.load(Ordering::Relaxed) > MAX_STEPS {
            Some(Cut::TooCostly)
        } else {
            None
        }
    }

    /// Adds the meters' functions to an evaluation's context.
    pub(super) fn install(self: &Arc<Self>, context: &mut Context<'_, '_>) {
        let meter = self.clone();
        let step = move |value: Value| -> ResolveResult {
            meter.charge(1).map_err(refusal)?;
            Ok(value)
        };
        let meter = self.clone();
        let growth = move |value: Value| -> ResolveResult {
            meter.charge(size(&value)).map_err(refusal)?;
            Ok(value)
        };
        // Neither name can clash with the standard library's: no CEL name starts with `@`.
        context
            .add_function(STEP, step)
            .expect("`@` names are free");
        context
            .add_function(GROWTH, growth)
            .expect("`@` names are free");
    }
}

fn refusal(cut: Cut) -> ExecutionError {
    ExecutionError::function_error("condition", cut.message())
}

/// What a `+` made costs: its items or characters, one at least.
fn size(value: &Value) -> u64 {
    let len = match value {
        Value::List(items) => items.len(),
        Value::Map(map) => map.map.len(),
        Value::String(text) => text.len(),
        Value::Bytes(bytes) => bytes.len(),
        _ => 1,
    };
    u64::try_from(len).unwrap_or(u64::MAX).max(1)
}

/// `expr` with its meters in (see the module's doc). Recurses once per level of the
/// expression, within the limits `check_size` keeps (call it on a deep stack).
pub(super) fn metered(expr: &IdedExpr) -> IdedExpr {
    let mut expr = expr.clone();
    meter(&mut expr);
    expr
}

fn meter(expr: &mut IdedExpr) {
    match &mut expr.expr {
        Expr::Unspecified | Expr::Literal(_) | Expr::Ident(_) => {}
        Expr::Select(select) => meter(&mut select.operand),
        Expr::Call(call) => {
            if let Some(target) = &mut call.target {
                meter(target);
            }
            for arg in &mut call.args {
                meter(arg);
            }
        }
        Expr::List(list) => list.elements.iter_mut().for_each(meter),
        Expr::Map(map) => {
            for entry in &mut map.entries {
                if let EntryExpr::MapEntry(entry) = &mut entry.expr {
                    meter(&mut entry.key);
                    meter(&mut entry.value);
                }
            }
        }
        Expr::Struct(object) => {
            for entry in &mut object.entries {
                if let EntryExpr::StructField(field) = &mut entry.expr {
                    meter(&mut field.value);
                }
            }
        }
        Expr::Comprehension(comprehension) => {
            let comprehension = comprehension.as_mut();
            for part in [
                &mut comprehension.iter_range,
                &mut comprehension.accu_init,
                &mut comprehension.loop_cond,
                &mut comprehension.loop_step,
                &mut comprehension.result,
            ] {
                meter(part);
            }
            let accu = comprehension.accu_var.clone();
            if !matches!(comprehension.loop_cond.expr, Expr::Literal(_)) {
                // `all`, `exists`: the loop condition is evaluated before each item.
                wrap(&mut comprehension.loop_cond, STEP);
            } else if let Expr::Call(call) = &mut comprehension.loop_step.expr
                && call.func_name == operators::CONDITIONAL
                && let [guard, _, otherwise] = call.args.as_mut_slice()
                && is_ident(otherwise, &accu)
            {
                // `filter`, `exists_one`, a guarded `map`: the guard, before each item.
                wrap(guard, STEP);
            } else {
                // `map`: its step becomes `@step(true) ? step : @result`, the shape of a
                // guarded one.
                let step = std::mem::take(&mut comprehension.loop_step);
                let guard = call(STEP, literal_true());
                let otherwise = IdedExpr {
                    id: 0,
                    expr: Expr::Ident(accu),
                };
                comprehension.loop_step = IdedExpr {
                    id: 0,
                    expr: Expr::Call(CallExpr {
                        func_name: operators::CONDITIONAL.to_owned(),
                        target: None,
                        args: vec![guard, step, otherwise],
                    }),
                };
            }
        }
    }
    // `x in list` walks the list: its size is counted as it is read.
    if let Expr::Call(call) = &mut expr.expr
        && call.func_name == operators::IN
        && let [_, container] = call.args.as_mut_slice()
    {
        wrap(container, GROWTH);
    }
    if let Expr::Call(call) = &expr.expr
        && call.func_name == operators::ADD
        && call.target.is_none()
        && !call
            .args
            .first()
            .is_some_and(|lhs| matches!(&lhs.expr, Expr::Ident(name) if name.starts_with('@')))
    {
        wrap(expr, GROWTH);
    }
}

fn is_ident(expr: &IdedExpr, name: &str) -> bool {
    matches!(&expr.expr, Expr::Ident(ident) if ident == name)
}

fn literal_true() -> IdedExpr {
    IdedExpr {
        id: 0,
        expr: Expr::Literal(LiteralValue::Boolean(CelBool::TRUE)),
    }
}

fn call(function: &str, arg: IdedExpr) -> IdedExpr {
    IdedExpr {
        id: 0,
        expr: Expr::Call(CallExpr {
            func_name: function.to_owned(),
            target: None,
            args: vec![arg],
        }),
    }
}

/// Replaces `expr` with `function(expr)`.
fn wrap(expr: &mut IdedExpr, function: &str) {
    let inner = std::mem::take(expr);
    *expr = call(function, inner);
}

#[cfg(test)]
mod tests {
    use super::super::{Condition, Facts};
    use super::{Cut, MAX_STEPS};
    use serde_json::json;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    fn holds(text: &str) -> Result<bool, String> {
        let mut facts = Facts::default();
        facts.params.insert("ids".into(), json!([3, 5, 8]));
        facts.params.insert("name".into(), json!("ab"));
        Condition::compile(text).expect("compiles").evaluate(&facts)
    }

    /// Ten values, as a CEL list.
    const TEN: &str = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";

    /// `depth` nested `all`s over [`TEN`]: 10^depth steps.
    fn nested_all(depth: usize) -> String {
        let mut text = "true".to_owned();
        for level in 0..depth {
            text = format!("{TEN}.all(v{level}, v{level} >= 0 && {text})");
        }
        text
    }

    #[test]
    fn metering_keeps_what_every_macro_and_addition_means() {
        for (text, expected) in [
            ("params.ids.all(x, x > 2)", true),
            ("params.ids.all(x, x > 3)", false),
            ("params.ids.exists(x, x == 8)", true),
            ("params.ids.exists(x, x == 9)", false),
            ("params.ids.exists_one(x, x > 4)", false),
            ("params.ids.exists_one(x, x > 5)", true),
            ("params.ids.map(x, x * 2) == [6, 10, 16]", true),
            ("params.ids.map(x, x > 3, x) == [5, 8]", true),
            ("params.ids.filter(x, x % 2 == 1) == [3, 5]", true),
            ("params.ids + [1] == [3, 5, 8, 1]", true),
            (
                "5 in params.ids && !(4 in params.ids) && 'a' in {'a': 1}",
                true,
            ),
            ("params.name + 'c' == 'abc' && 1 + 2 == 3", true),
            (
                "params.ids.map(x, params.ids.filter(y, y > x)).size() == 3",
                true,
            ),
            // An error inside `all` that a later item decides stays absorbed, as in CEL.
            ("[0, 1].all(x, 1 / x > 0 && false)", false),
        ] {
            assert_eq!(holds(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn a_condition_within_the_budget_is_decided() {
        // 11,110 steps: 10 + 100 + 1,000 + 10,000.
        assert_eq!(holds(&nested_all(4)), Ok(true));
    }

    #[test]
    fn a_condition_past_the_budget_is_refused_saying_so() {
        let started = std::time::Instant::now();
        // 10^9 steps, 458 characters: before metering, minutes of CPU.
        let text = nested_all(9);
        let err = holds(&text).expect_err("over the budget");
        assert_eq!(err, Cut::TooCostly.message());
        assert!(err.contains(&MAX_STEPS.to_string()), "{err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "cut off at the budget, not run to the end: {:?}",
            started.elapsed()
        );
        // Growth by `+` counts what it makes: 2^30 items from 30 doublings.
        let doubling = format!("[[1]]{}[0].size() > 0", ".map(l, l + l)".repeat(30));
        let err = holds(&doubling).expect_err("over the budget");
        assert_eq!(err, Cut::TooCostly.message());
    }

    #[test]
    fn an_absorbed_refusal_is_still_a_refusal() {
        let err = holds(&format!("{} || true", nested_all(9))).expect_err("no answer");
        assert_eq!(err, Cut::TooCostly.message());
    }

    #[test]
    fn a_stopped_evaluation_says_so() {
        let condition = Condition::compile(&nested_all(9)).expect("compiles");
        let stop = Arc::new(AtomicBool::new(true));
        let err = crate::deep_stack::run(|| condition.evaluate_here(&Facts::default(), &stop))
            .expect_err("stopped");
        assert_eq!(err, Cut::Stopped.message());
    }
}
