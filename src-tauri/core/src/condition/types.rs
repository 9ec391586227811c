//! Type-checking a condition against what it will read, before anything runs: the declared
//! types of the parameters and of the upstream facts (`row_count` an int, `status` and
//! `outcome` strings, `first.<column>` typed from the upstream template's output columns).
//!
//! The rules are the evaluator's own (cel 0.15 with this crate's features): a problem found
//! here is an operation the run would refuse whatever the values, or an equality that can
//! never hold. Where a type is not known in advance (a `json` value, an unknown name, which
//! validation reports on its own) it is `Dyn`, and nothing about it is refused.

use super::Condition;
use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, operators};
use std::collections::BTreeMap;
use std::fmt;

/// What a value in a condition is known to be before the run.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// Anything: not known in advance.
    Dyn,
    Null,
    Bool,
    Int,
    UInt,
    Double,
    /// An int or a double, whichever the value happens to be (a `decimal`).
    Number,
    String,
    Bytes,
    List(Box<Type>),
    /// A map with text keys.
    Map(Box<Type>),
    /// Named fields known in advance: `params`, `upstream`, one node's facts, its first row.
    /// A field not named here is validation's to report; here it is `Dyn`.
    Record(BTreeMap<String, Type>),
    /// A type value, an optional: accepted wherever it goes.
    Other,
}

impl Type {
    fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::UInt | Type::Double | Type::Number)
    }

    fn is_open(&self) -> bool {
        matches!(self, Type::Dyn | Type::Other)
    }

    /// The type of a value that is one of `self` or `other`.
    fn join(self, other: Type) -> Type {
        match (self, other) {
            (a, b) if a == b => a,
            (Type::Null, t) | (t, Type::Null) => t,
            (a, b) if a.is_numeric() && b.is_numeric() => Type::Number,
            (Type::List(a), Type::List(b)) => Type::List(Box::new(a.join(*b))),
            _ => Type::Dyn,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dyn | Type::Other => f.write_str("a value"),
            Type::Null => f.write_str("null"),
            Type::Bool => f.write_str("a bool"),
            Type::Int => f.write_str("an int"),
            Type::UInt => f.write_str("a uint"),
            Type::Double => f.write_str("a double"),
            Type::Number => f.write_str("a number"),
            Type::String => f.write_str("a string"),
            Type::Bytes => f.write_str("bytes"),
            Type::List(_) => f.write_str("a list"),
            Type::Map(_) | Type::Record(_) => f.write_str("a map"),
        }
    }
}

/// One thing the condition does that cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeProblem {
    /// 1-based character position of the operator, call or field concerned.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for TypeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.column)
    }
}

/// The functions a condition can call, as the evaluator's standard library declares them.
pub const FUNCTIONS: [&str; 13] = [
    "size",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "bytes",
    "dyn",
    "type",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
];

impl Condition {
    /// Every operation in the condition that cannot work on the types `variables` declare
    /// (`params`, `upstream`), and a result that is not true or false.
    pub fn type_problems(&self, variables: &BTreeMap<String, Type>) -> Vec<TypeProblem> {
        let source = &self.program.source_info().source;
        let mut checker = Checker {
            source,
            offsets: self.program.source_info(),
            scopes: vec![variables.clone()],
            problems: Vec::new(),
        };
        let root = self.program.expression();
        let result = checker.check(root);
        if !matches!(result, Type::Bool | Type::Dyn | Type::Other) {
            let column = checker.column(root);
            checker.problems.push(TypeProblem {
                column,
                message: format!("the condition gives {result}, not true or false"),
            });
        }
        checker.problems.sort_by_key(|p| p.column);
        checker.problems.dedup();
        checker.problems
    }
}

struct Checker<'a> {
    source: &'a str,
    offsets: &'a cel::common::ast::SourceInfo,
    /// Variables in scope, innermost last: the condition's own, then names macros bind.
    scopes: Vec<BTreeMap<String, Type>>,
    problems: Vec<TypeProblem>,
}

impl Checker<'_> {
    fn column(&self, expr: &IdedExpr) -> usize {
        let byte = self
            .offsets
            .offset_for(expr.id)
            .map_or(0, |(start, _)| start as usize);
        self.source
            .get(..byte.min(self.source.len()))
            .map_or(1, |before| before.chars().count() + 1)
    }

    fn problem(&mut self, at: &IdedExpr, message: String) -> Type {
        let column = self.column(at);
        self.problems.push(TypeProblem { column, message });
        Type::Dyn
    }

    fn lookup(&self, name: &str) -> Type {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| scope.get(name).cloned())
            .unwrap_or(Type::Dyn)
    }

    fn check(&mut self, expr: &IdedExpr) -> Type {
        match &expr.expr {
            Expr::Unspecified | Expr::Struct(_) => Type::Other,
            Expr::Literal(literal) => match literal {
                LiteralValue::Boolean(_) => Type::Bool,
                LiteralValue::Bytes(_) => Type::Bytes,
                LiteralValue::Double(_) => Type::Double,
                LiteralValue::Int(_) => Type::Int,
                LiteralValue::Null => Type::Null,
                LiteralValue::String(_) => Type::String,
                LiteralValue::UInt(_) => Type::UInt,
            },
            Expr::Ident(name) => self.lookup(name),
            Expr::List(list) => {
                let mut element = None::<Type>;
                for item in &list.elements {
                    let t = self.check(item);
                    element = Some(match element {
                        None => t,
                        Some(e) => e.join(t),
                    });
                }
                Type::List(Box::new(element.unwrap_or(Type::Dyn)))
            }
            Expr::Map(map) => {
                let mut value = None::<Type>;
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(entry) = &entry.expr {
                        self.check(&entry.key);
                        let t = self.check(&entry.value);
                        value = Some(match value {
                            None => t,
                            Some(v) => v.join(t),
                        });
                    }
                }
                Type::Map(Box::new(value.unwrap_or(Type::Dyn)))
            }
            Expr::Select(select) => {
                let operand = self.check(&select.operand);
                let field = self.field(expr, operand, &select.field);
                if select.test { Type::Bool } else { field }
            }
            Expr::Comprehension(c) => {
                let range = self.check(&c.iter_range);
                let (first, second) = match range {
                    Type::List(element) => match c.iter_var2 {
                        Some(_) => (Type::Int, *element),
                        None => (*element, Type::Dyn),
                    },
                    Type::Map(value) => (Type::String, *value),
                    Type::Record(_) => (Type::String, Type::Dyn),
                    t if t.is_open() => (Type::Dyn, Type::Dyn),
                    t => {
                        self.problem(
                            &c.iter_range,
                            format!(
                                "a macro such as exists() or all() needs a list or a map, not {t}"
                            ),
                        );
                        (Type::Dyn, Type::Dyn)
                    }
                };
                let init = match self.check(&c.accu_init) {
                    Type::List(e) if *e == Type::Dyn => Type::List(Box::new(Type::Dyn)),
                    t => t,
                };
                let mut scope = BTreeMap::from([
                    (c.iter_var.clone(), first),
                    (c.accu_var.clone(), init.clone()),
                ]);
                if let Some(var) = &c.iter_var2 {
                    scope.insert(var.clone(), second);
                }
                self.scopes.push(scope);
                self.check(&c.loop_cond);
                let step = self.check(&c.loop_step);
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(c.accu_var.clone(), init.join(step));
                }
                let result = self.check(&c.result);
                self.scopes.pop();
                result
            }
            Expr::Call(call) => {
                let args: Vec<Type> = call.args.iter().map(|a| self.check(a)).collect();
                match &call.target {
                    None if is_operator(&call.func_name) => {
                        self.operator(expr, &call.func_name, &call.args, args)
                    }
                    None => self.function(expr, &call.func_name, None, args),
                    Some(target) => {
                        if let Expr::Ident(namespace) = &target.expr
                            && namespace == "optional"
                        {
                            return Type::Other;
                        }
                        let on = self.check(target);
                        self.function(expr, &call.func_name, Some(on), args)
                    }
                }
            }
        }
    }

    /// `operand.field`.
    fn field(&mut self, at: &IdedExpr, operand: Type, field: &str) -> Type {
        match operand {
            Type::Record(fields) => fields.get(field).cloned().unwrap_or(Type::Dyn),
            Type::Map(value) => *value,
            t if t.is_open() => Type::Dyn,
            t => self.problem(
                at,
                format!("`.{field}` reads a field of {t}, which has none"),
            ),
        }
    }

    fn operator(&mut self, at: &IdedExpr, name: &str, exprs: &[IdedExpr], args: Vec<Type>) -> Type {
        let mut args = args.into_iter();
        match (name, args.next(), args.next(), args.next()) {
            (operators::LOGICAL_AND | operators::LOGICAL_OR, Some(a), Some(b), None) => {
                for t in [a, b] {
                    if !matches!(t, Type::Bool) && !t.is_open() {
                        let op = symbol(name);
                        self.problem(
                            at,
                            format!("`{op}` needs true or false on each side, not {t}"),
                        );
                    }
                }
                Type::Bool
            }
            (operators::LOGICAL_NOT, Some(t), None, None) => {
                if !matches!(t, Type::Bool) && !t.is_open() {
                    self.problem(at, format!("`!` needs true or false, not {t}"));
                }
                Type::Bool
            }
            (operators::NOT_STRICTLY_FALSE, Some(_), None, None) => Type::Bool,
            (operators::CONDITIONAL, Some(c), Some(a), Some(b)) => {
                if !matches!(c, Type::Bool) && !c.is_open() {
                    self.problem(at, format!("`? :` needs true or false before `?`, not {c}"));
                }
                a.join(b)
            }
            (operators::EQUALS | operators::NOT_EQUALS, Some(a), Some(b), None) => {
                if !comparable_for_equality(&a, &b) {
                    let op = symbol(name);
                    self.problem(
                        at,
                        format!("`{op}` compares {a} with {b}, which are never equal"),
                    );
                } else if let [x, y] = exprs
                    && let Some(message) =
                        unknown_fact_value(x, y).or_else(|| unknown_fact_value(y, x))
                {
                    self.problem(at, message);
                }
                Type::Bool
            }
            (
                operators::LESS
                | operators::LESS_EQUALS
                | operators::GREATER
                | operators::GREATER_EQUALS,
                Some(a),
                Some(b),
                None,
            ) => {
                let ordered = a.is_open()
                    || b.is_open()
                    || (a.is_numeric() && b.is_numeric())
                    || matches!(
                        (&a, &b),
                        (Type::String, Type::String)
                            | (Type::Bool, Type::Bool)
                            | (Type::Bytes, Type::Bytes)
                    );
                if !ordered {
                    let op = symbol(name);
                    self.problem(at, format!("`{op}` cannot order {a} against {b}"));
                }
                Type::Bool
            }
            (
                operators::ADD
                | operators::SUBSTRACT
                | operators::MULTIPLY
                | operators::DIVIDE
                | operators::MODULO,
                Some(a),
                Some(b),
                None,
            ) => match arithmetic(name, &a, &b) {
                Some(t) => t,
                None => {
                    let op = symbol(name);
                    self.problem(at, format!("`{op}` cannot combine {a} with {b}"))
                }
            },
            (operators::NEGATE, Some(t), None, None) => match t {
                Type::Int | Type::Double | Type::Number => t,
                t if t.is_open() => Type::Dyn,
                t => self.problem(at, format!("`-` cannot negate {t}")),
            },
            (operators::IN, Some(item), Some(container), None) => {
                match container {
                    Type::List(element) => {
                        if !comparable_for_equality(&item, &element) {
                            self.problem(
                                at,
                                format!("`in` looks for {item} in a list of values that are each {element}, so it never finds it"),
                            );
                        }
                    }
                    Type::Map(_) | Type::Record(_) => {
                        if !matches!(item, Type::String) && !item.is_open() {
                            self.problem(
                                at,
                                format!(
                                    "`in` looks for {item} among a map's keys, which are strings"
                                ),
                            );
                        }
                    }
                    t if t.is_open() => {}
                    t => {
                        self.problem(
                            at,
                            format!("`in` needs a list or a map on its right, not {t}"),
                        );
                    }
                }
                Type::Bool
            }
            (operators::INDEX | operators::OPT_INDEX, Some(on), Some(index), None) => match on {
                Type::List(element) => {
                    if !matches!(index, Type::Int | Type::UInt | Type::Number) && !index.is_open() {
                        self.problem(at, format!("a list is indexed by a number, not {index}"));
                    }
                    *element
                }
                Type::Map(value) => *value,
                Type::Record(fields) => match exprs.get(1).map(|e| &e.expr) {
                    Some(Expr::Literal(LiteralValue::String(key))) => {
                        fields.get(&key.to_string()).cloned().unwrap_or(Type::Dyn)
                    }
                    _ => Type::Dyn,
                },
                t if t.is_open() => Type::Dyn,
                t => self.problem(at, format!("`[ ]` cannot index {t}")),
            },
            _ => Type::Other,
        }
    }

    /// A named function, called as `name(args)` or, with `on`, as `on.name(args)`.
    fn function(&mut self, at: &IdedExpr, name: &str, on: Option<Type>, args: Vec<Type>) -> Type {
        let method = on.is_some();
        let call = if method {
            format!(".{name}()")
        } else {
            format!("{name}()")
        };
        let args: Vec<Type> = on.into_iter().chain(args).collect();
        // What each function takes (its one argument, or its target and one argument) and
        // gives; `None`: not callable this way.
        let (takes, gives): (&[&[Kind]], Type) = match (name, method) {
            ("size", _) => (
                &[&[Kind::String, Kind::Bytes, Kind::List, Kind::Map]],
                Type::Int,
            ),
            ("int", false) => (&[NUMBER_OR_TEXT], Type::Int),
            ("uint", false) => (&[NUMBER_OR_TEXT], Type::UInt),
            ("double", false) => (&[NUMBER_OR_TEXT], Type::Double),
            ("string", false) => (
                &[&[Kind::String, Kind::Bool, Kind::Number, Kind::Bytes]],
                Type::String,
            ),
            ("bool", false) => (&[&[Kind::Bool, Kind::String]], Type::Bool),
            ("bytes", false) => (&[&[Kind::String, Kind::Bytes]], Type::Bytes),
            ("dyn", false) => (&[&[Kind::Any]], Type::Dyn),
            ("type", false) => (&[&[Kind::Any]], Type::Other),
            ("contains" | "startsWith" | "endsWith", true) | ("matches", _) => {
                (&[&[Kind::String], &[Kind::String]], Type::Bool)
            }
            ("value" | "hasValue" | "or" | "orValue", true) => return Type::Other,
            _ => {
                return self.problem(
                    at,
                    format!(
                        "`{call}` is not a function a condition can call (there are {})",
                        FUNCTIONS.join(", ")
                    ),
                );
            }
        };
        if args.len() != takes.len() {
            let wanted = if method { takes.len() - 1 } else { takes.len() };
            let given = if method { args.len() - 1 } else { args.len() };
            return self.problem(
                at,
                format!(
                    "`{call}` takes {wanted} argument{}, not {given}",
                    if wanted == 1 { "" } else { "s" }
                ),
            );
        }
        for (t, kinds) in args.iter().zip(takes) {
            if !kinds.iter().any(|k| k.admits(t)) {
                self.problem(at, format!("`{call}` cannot take {t}"));
            }
        }
        gives
    }
}

/// What a function's argument may be.
#[derive(Clone, Copy)]
enum Kind {
    Any,
    Bool,
    Number,
    String,
    Bytes,
    List,
    Map,
}

const NUMBER_OR_TEXT: &[Kind] = &[Kind::Number, Kind::String];

impl Kind {
    fn admits(self, t: &Type) -> bool {
        t.is_open()
            || match self {
                Kind::Any => true,
                Kind::Bool => *t == Type::Bool,
                Kind::Number => t.is_numeric(),
                Kind::String => *t == Type::String,
                Kind::Bytes => *t == Type::Bytes,
                Kind::List => matches!(t, Type::List(_)),
                Kind::Map => matches!(t, Type::Map(_) | Type::Record(_)),
            }
    }
}

fn is_operator(name: &str) -> bool {
    name.starts_with('_')
        || name.starts_with('@')
        || name == operators::LOGICAL_NOT
        || name == operators::NEGATE
}

/// An operator as it is written.
fn symbol(name: &str) -> &str {
    name.trim_matches(|c| c == '_' || c == '@')
}

/// Whether `==` between these can ever hold: the evaluator compares values of different
/// kinds as unequal, never as an error, so a comparison across kinds is a mistake.
/// The values an upstream node's `status` and `outcome` take (`NodeStatus`, `NodeOutcome`
/// as the run writes them).
const STATUSES: [&str; 6] = [
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "SKIPPED",
];
const OUTCOMES: [&str; 4] = ["success", "error", "exists", "not_found"];

/// Why `fact == literal` can never hold, when `fact` is `upstream.<id>.status` or
/// `.outcome` and `literal` a text it never takes (a typo: `"notfound"`, `"completed"`).
fn unknown_fact_value(fact: &IdedExpr, literal: &IdedExpr) -> Option<String> {
    let Expr::Literal(LiteralValue::String(text)) = &literal.expr else {
        return None;
    };
    let path = super::chain(fact)?;
    let [head, id, field] = path.as_slice() else {
        return None;
    };
    let known: &[&str] = match field.as_str() {
        "status" => &STATUSES,
        "outcome" => &OUTCOMES,
        _ => return None,
    };
    let text: &str = text;
    (head == "upstream" && !known.contains(&text)).then(|| {
        format!(
            "`upstream.{id}.{field}` is never \"{text}\": it is one of {}",
            known
                .iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn comparable_for_equality(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (a, b) if a.is_open() || b.is_open() => true,
        (Type::Null, _) | (_, Type::Null) => true,
        (a, b) if a.is_numeric() && b.is_numeric() => true,
        (Type::List(x), Type::List(y)) => comparable_for_equality(x, y),
        (Type::Map(_) | Type::Record(_), Type::Map(_) | Type::Record(_)) => true,
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// The type of `a <op> b` for an arithmetic operator, `None` when the evaluator refuses it
/// whatever the values: numbers combine only with numbers of their own kind (a `Number` may
/// be an int or a double), `+` also joins strings, bytes and lists (a map's keys too).
fn arithmetic(op: &str, a: &Type, b: &Type) -> Option<Type> {
    if a.is_open() || b.is_open() {
        return Some(Type::Dyn);
    }
    let modulo = op == operators::MODULO;
    match (a, b) {
        (Type::Int, Type::Int) | (Type::UInt, Type::UInt) => Some(a.clone()),
        (Type::Double, Type::Double) if !modulo => Some(Type::Double),
        (Type::Number, Type::Int) | (Type::Int, Type::Number) => Some(Type::Number),
        (Type::Number, Type::Number) => Some(Type::Number),
        (Type::Number, Type::Double) | (Type::Double, Type::Number) if !modulo => {
            Some(Type::Number)
        }
        _ if op != operators::ADD => None,
        (Type::String, Type::String) | (Type::Bytes, Type::Bytes) => Some(a.clone()),
        (Type::List(x), Type::List(y)) => {
            Some(Type::List(Box::new((**x).clone().join((**y).clone()))))
        }
        // A list takes whatever it can iterate: a map's keys.
        (Type::List(x), Type::Map(_) | Type::Record(_)) => {
            Some(Type::List(Box::new((**x).clone().join(Type::String))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::Facts;

    /// One literal of each kind a condition can hold.
    const LITERALS: [&str; 9] = [
        "2", "2u", "2.5", "'2'", "true", "null", "b'a'", "[2]", "{'a': 2}",
    ];

    fn problems(text: &str) -> Vec<TypeProblem> {
        Condition::compile(text)
            .expect("compiles")
            .type_problems(&BTreeMap::new())
    }

    fn runs(text: &str) -> Result<bool, String> {
        Condition::compile(text)
            .expect("compiles")
            .evaluate(&Facts::default())
    }

    /// The checker refuses an operation exactly when the evaluator fails on it, for every
    /// pair of kinds: the rules are the evaluator's, not a stricter or looser guess.
    #[test]
    fn operators_are_refused_exactly_when_the_evaluator_fails() {
        let mut disagreements = Vec::new();
        for op in ["+", "-", "*", "/", "%", "<", "<=", ">", ">="] {
            for left in LITERALS {
                for right in LITERALS {
                    // `type(…)` makes any value a true-or-false answer, so only the
                    // operation itself can fail.
                    let text = format!("type({left} {op} {right}) != null");
                    let refused = !problems(&text).is_empty();
                    let failed = runs(&text).is_err();
                    if refused != failed {
                        disagreements.push(format!(
                            "{text}: checker {:?}, evaluator {:?}",
                            problems(&text),
                            runs(&text)
                        ));
                    }
                }
            }
        }
        for text in [
            "-2",
            "-2.5",
            "-2u",
            "-'2'",
            "!true",
            "!2",
            "2 in [2]",
            "2 in 2",
            "'a' in {'a': 2}",
        ] {
            let text = format!("type({text}) != null");
            if problems(&text).is_empty() == runs(&text).is_err() {
                disagreements.push(format!(
                    "{text}: checker {:?}, evaluator {:?}",
                    problems(&text),
                    runs(&text)
                ));
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }

    /// An equality the checker refuses is one that can never hold.
    #[test]
    fn refused_equalities_never_hold() {
        for left in LITERALS {
            for right in LITERALS {
                let text = format!("{left} == {right}");
                if !problems(&text).is_empty() {
                    assert_eq!(runs(&text), Ok(false), "{text}");
                }
            }
        }
        assert!(problems("2 == 2.5 || 2u == 2 || null == 2 || [2] == [2.5]").is_empty());
        assert_eq!(problems("2 == '2'").len(), 1);
    }

    /// Functions: the names and the argument kinds the evaluator's library declares.
    #[test]
    fn functions_are_refused_exactly_when_the_evaluator_has_no_such_overload() {
        let mut disagreements = Vec::new();
        for function in FUNCTIONS.iter().chain(&["today", "lower", "len"]) {
            for argument in LITERALS {
                // A text each conversion reads, so only the kind decides.
                let argument = match (*function, argument) {
                    ("bool", "'2'") => "'true'",
                    (_, a) => a,
                };
                for text in [
                    format!("type({function}({argument})) != null"),
                    format!("type({argument}.{function}()) != null"),
                    format!("type({argument}.{function}('2')) != null"),
                    format!("type({function}({argument}, '2')) != null"),
                ] {
                    if problems(&text).is_empty() == runs(&text).is_err() {
                        disagreements.push(format!(
                            "{text}: checker {:?}, evaluator {:?}",
                            problems(&text),
                            runs(&text)
                        ));
                    }
                }
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }

    #[test]
    fn declared_facts_type_a_condition() {
        let first = Type::Record(BTreeMap::from([
            ("campaign_id".to_owned(), Type::String),
            ("spend".to_owned(), Type::Number),
        ]));
        let node = Type::Record(BTreeMap::from([
            ("row_count".to_owned(), Type::Int),
            ("status".to_owned(), Type::String),
            ("first".to_owned(), first),
        ]));
        let variables = BTreeMap::from([
            (
                "params".to_owned(),
                Type::Record(BTreeMap::from([(
                    "ids".to_owned(),
                    Type::List(Box::new(Type::String)),
                )])),
            ),
            (
                "upstream".to_owned(),
                Type::Record(BTreeMap::from([("top".to_owned(), node)])),
            ),
        ]);
        let check = |text: &str| -> Vec<String> {
            Condition::compile(text)
                .expect("compiles")
                .type_problems(&variables)
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert!(
            check(
                "upstream.top.row_count > 2 && upstream.top.first.campaign_id in params.ids \
             && upstream.top.first.spend > 10 && upstream['top'].first.spend * 2 > 1 \
             && params.ids.exists(id, id.startsWith('c')) && has(upstream.top.first)"
            )
            .is_empty()
        );
        assert_eq!(
            check("upstream.top.row_count > '2'"),
            ["`>` cannot order an int against a string (at character 24)"]
        );
        assert_eq!(
            check("upstream.top.first.spend in params.ids"),
            [
                "`in` looks for a number in a list of values that are each a string, so it never finds it (at character 26)"
            ]
        );
        assert_eq!(
            check("params.ids.exists(id, id > 2)"),
            ["`>` cannot order a string against an int (at character 26)"]
        );
        assert_eq!(
            check("upstream.top.row_count"),
            ["the condition gives an int, not true or false (at character 13)"]
        );
        assert_eq!(
            check("upstream.top.status.lower() == 'ok'"),
            [
                "`.lower()` is not a function a condition can call (there are size, int, uint, double, string, bool, bytes, dyn, type, contains, startsWith, endsWith, matches) (at character 26)"
            ]
        );
    }
}
