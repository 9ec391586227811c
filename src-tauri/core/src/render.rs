//! Template SQL: its `{{name}}` placeholders, and rendering them as bound parameters.
//!
//! Rendering never pastes a value into SQL text. Each placeholder becomes a [`Part`] that a
//! connector turns into its own bind syntax: a scalar becomes a positional parameter (`$1`),
//! a list becomes a reference to a bound list, so `campaign_id IN ({{campaign_ids}})` works
//! for a list of any length. A placeholder written inside quotes as a whole literal
//! (`'{{start_date}}'`, an analyst's habit) is bound the same way; one inside a longer literal
//! or an identifier cannot be bound and is refused.
//!
//! This module owns the text; what the values are worth is [`crate::value`]'s business.

use crate::model::{ParamSpec, ScalarType, Template};
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One piece of a rendered statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// The scalar bound at this index of [`Statement::scalars`].
    Scalar(usize),
    /// The list bound at this index of [`Statement::lists`].
    List(usize),
}

/// A list parameter's values, bound as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundList {
    pub name: String,
    pub value_type: ScalarType,
    pub values: Vec<Value>,
}

/// A template's SQL with every placeholder replaced by a bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub parts: Vec<Part>,
    /// Scalar values by position, each with its parameter's name and type.
    pub scalars: Vec<(String, ScalarType, Value)>,
    pub lists: Vec<BoundList>,
}

/// Why a template's SQL cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("`{{{{{name}}}}}` at character {offset} names no declared parameter")]
    UnknownPlaceholder { name: String, offset: usize },
    #[error(
        "`{{{{{name}}}}}` at character {offset} sits inside a quoted text or name, where it cannot be bound: write it on its own, without quotes"
    )]
    QuotedPlaceholder { name: String, offset: usize },
    #[error("a `{{{{` at character {offset} is never closed with `}}}}`")]
    Unclosed { offset: usize },
    #[error("parameter `{name}` has no value")]
    MissingValue { name: String },
    #[error("the SQL is longer than {MAX_SQL_LENGTH} characters")]
    TooLong,
    #[error(
        "the SQL chains more than {MAX_SQL_OPERATORS} operators (`+`, `=`, `OR`, `UNION`, …); \
         a long list of values belongs in a list parameter (`IN ({{{{ids}}}})`)"
    )]
    TooManyOperators,
}

/// The longest template SQL, in characters.
pub const MAX_SQL_LENGTH: usize = 100_000;

/// The most operators template SQL may have in all: the engine plans a chain of them
/// (`1 + 1 + …`, `a OR b OR …`, `… UNION ALL …`) by recursing once per operator.
pub const MAX_SQL_OPERATORS: usize = 1_000;

/// Refuses SQL past the limits above, from its tokens (the tokenizer does not recurse). SQL
/// that does not tokenize is left for the engine to report.
pub fn check_size(sql: &str) -> Result<(), RenderError> {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::tokenizer::Tokenizer;
    if sql.chars().count() > MAX_SQL_LENGTH {
        return Err(RenderError::TooLong);
    }
    // Every operator takes at least one byte: a text this short cannot hold too many, and
    // most templates are, so rendering one (once per node, per value of a for-each) does
    // not tokenize it.
    if sql.len() <= MAX_SQL_OPERATORS {
        return Ok(());
    }
    let Ok(tokens) = Tokenizer::new(&GenericDialect {}, sql).tokenize() else {
        return Ok(());
    };
    let operators = tokens.iter().filter(|t| chains(t)).count();
    if operators > MAX_SQL_OPERATORS {
        return Err(RenderError::TooManyOperators);
    }
    Ok(())
}

/// Whether `token` is an operator that chains two expressions or queries (`+`, `=`, `||`,
/// `AND`, `IS`, `WHEN`, `UNION`, …): the parsers and planners recurse once per operator of a
/// chain, so the limits on user SQL count these.
pub(crate) fn chains(token: &datafusion::sql::sqlparser::tokenizer::Token) -> bool {
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::Token;
    match token {
        Token::Word(word) => matches!(
            word.keyword,
            Keyword::AND
                | Keyword::OR
                | Keyword::NOT
                | Keyword::IS
                | Keyword::WHEN
                | Keyword::UNION
                | Keyword::INTERSECT
                | Keyword::EXCEPT
        ),
        Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::Mod
        | Token::StringConcat
        | Token::Eq
        | Token::DoubleEq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq => true,
        _ => false,
    }
}

/// A placeholder found in SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    /// Byte range of the text it replaces (the whole literal when written as `'{{x}}'`).
    pub start: usize,
    pub end: usize,
    /// Written inside a longer quoted literal or identifier: cannot be bound.
    pub quoted: bool,
}

/// Every `{{name}}` in `sql` outside comments, in order.
pub fn placeholders(sql: &str) -> Result<Vec<Placeholder>, RenderError> {
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            quote @ (b'\'' | b'"') => {
                let end = closing_quote(bytes, i, quote);
                let closed = end > i + 1 && bytes[end - 1] == quote;
                let inner = &sql[i + 1..if closed { end - 1 } else { end }];
                if quote == b'\''
                    && let Some(name) = whole_placeholder(inner)
                {
                    found.push(Placeholder {
                        name: name.to_owned(),
                        start: i,
                        end,
                        quoted: false,
                    });
                } else {
                    let mut at = 0;
                    while let Some(open) = inner[at..].find("{{") {
                        let start = i + 1 + at + open;
                        let (name, len) = read_placeholder(sql, start)?;
                        found.push(Placeholder {
                            name,
                            start,
                            end: start + len,
                            quoted: true,
                        });
                        at += open + len;
                    }
                }
                i = end;
            }
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                let (name, len) = read_placeholder(sql, i)?;
                found.push(Placeholder {
                    name,
                    start: i,
                    end: i + len,
                    quoted: false,
                });
                i += len;
            }
            _ => i += 1,
        }
    }
    Ok(found)
}

/// Every problem [`render`] would meet in `sql` whatever the values: a placeholder no
/// parameter declares, one that cannot be bound where it is written, a `{{` never closed.
/// Validation reports them before a run; `render` stops at the first.
pub fn problems(sql: &str, parameters: &[ParamSpec]) -> Vec<RenderError> {
    if let Err(too_large) = check_size(sql) {
        return vec![too_large];
    }
    let found = match placeholders(sql) {
        Ok(found) => found,
        Err(err) => return vec![err],
    };
    found
        .into_iter()
        .filter_map(|placeholder| {
            let offset = placeholder.start + 1;
            if parameters.iter().all(|p| p.name != placeholder.name) {
                Some(RenderError::UnknownPlaceholder {
                    name: placeholder.name,
                    offset,
                })
            } else if placeholder.quoted {
                Some(RenderError::QuotedPlaceholder {
                    name: placeholder.name,
                    offset,
                })
            } else {
                None
            }
        })
        .collect()
}

/// Renders `sql` with `values` (already resolved and typed, one per declared parameter that
/// has a value; `Value::Null` binds SQL NULL).
pub fn render(
    sql: &str,
    parameters: &[ParamSpec],
    values: &BTreeMap<String, Value>,
) -> Result<Statement, RenderError> {
    check_size(sql)?;
    let mut statement = Statement {
        parts: Vec::new(),
        scalars: Vec::new(),
        lists: Vec::new(),
    };
    let mut bound: BTreeMap<&str, Part> = BTreeMap::new();
    let mut at = 0;
    for placeholder in placeholders(sql)? {
        let offset = placeholder.start + 1;
        let spec = parameters
            .iter()
            .find(|p| p.name == placeholder.name)
            .ok_or_else(|| RenderError::UnknownPlaceholder {
                name: placeholder.name.clone(),
                offset,
            })?;
        if placeholder.quoted {
            return Err(RenderError::QuotedPlaceholder {
                name: placeholder.name,
                offset,
            });
        }
        let part = match bound.get(spec.name.as_str()) {
            Some(part) => part.clone(),
            None => {
                let value = values
                    .get(&spec.name)
                    .ok_or_else(|| RenderError::MissingValue {
                        name: spec.name.clone(),
                    })?;
                let part = if spec.list {
                    statement.lists.push(BoundList {
                        name: spec.name.clone(),
                        value_type: spec.value_type,
                        values: match value {
                            Value::List(items) => items.clone(),
                            Value::Null => Vec::new(),
                            single => vec![single.clone()],
                        },
                    });
                    Part::List(statement.lists.len() - 1)
                } else {
                    statement
                        .scalars
                        .push((spec.name.clone(), spec.value_type, value.clone()));
                    Part::Scalar(statement.scalars.len() - 1)
                };
                bound.insert(spec.name.as_str(), part.clone());
                part
            }
        };
        statement
            .parts
            .push(Part::Text(sql[at..placeholder.start].to_owned()));
        statement.parts.push(part);
        at = placeholder.end;
    }
    statement.parts.push(Part::Text(sql[at..].to_owned()));
    Ok(statement)
}

/// `template`'s SQL rendered with every value NULL (a list empty): what a connector reads
/// to say what the SQL reads, whatever the values.
pub fn unbound(template: &Template) -> Option<Statement> {
    let nulls = template
        .parameters
        .iter()
        .map(|p| (p.name.clone(), Value::Null))
        .collect();
    render(&template.sql, &template.parameters, &nulls).ok()
}

impl Statement {
    /// The text with a placeholder (`$1`, `$2`, …) for each scalar and each list, wherever
    /// they stand (`IN ({{ids}})`, or `= {{ids}}` as a for-each node binds its one value):
    /// the text a statement's tables and functions are read from.
    pub fn shape(&self) -> String {
        let scalars = self.scalars.len();
        self.sql_with(
            |i| format!("${}", i + 1),
            |i| format!("${}", scalars + i + 1),
        )
    }

    /// The SQL text in a connector's syntax: `scalar(i)` and `list(i)` say how to write a
    /// reference to bound value `i`.
    pub fn sql_with(
        &self,
        scalar: impl Fn(usize) -> String,
        list: impl Fn(usize) -> String,
    ) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Scalar(i) => scalar(*i),
                Part::List(i) => list(*i),
            })
            .collect()
    }
}

/// The statement as a user reads it in a run's history: `$1`… for scalars and
/// `:name` for lists.
impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.sql_with(
            |i| format!("${}", i + 1),
            |i| format!(":{}", self.lists[i].name),
        );
        f.write_str(&text)
    }
}

/// The index just past the quote that closes the one at `open` (a doubled quote escapes).
fn closing_quote(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// `name` when `inner` is exactly `{{name}}` (spaces allowed inside the braces).
fn whole_placeholder(inner: &str) -> Option<&str> {
    let name = inner.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    is_name(name).then_some(name)
}

/// The name and length of the placeholder starting at `start` (which holds `{{`).
fn read_placeholder(sql: &str, start: usize) -> Result<(String, usize), RenderError> {
    let rest = &sql[start + 2..];
    let close = rest
        .find("}}")
        .ok_or(RenderError::Unclosed { offset: start + 1 })?;
    let name = rest[..close].trim();
    if !is_name(name) {
        return Err(RenderError::Unclosed { offset: start + 1 });
    }
    Ok((name.to_owned(), close + 4))
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(name: &str, value_type: ScalarType, list: bool) -> ParamSpec {
        serde_json::from_value(json!({ "name": name, "type": value_type, "list": list }))
            .expect("spec")
    }

    fn shown(sql: &str, params: &[ParamSpec], values: &[(&str, Value)]) -> String {
        let values = values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        render(sql, params, &values).map_or_else(|e| format!("error: {e}"), |s| s.to_string())
    }

    #[test]
    fn scalars_and_lists_become_bound_references() {
        let params = [
            spec("since", ScalarType::Date, false),
            spec("ids", ScalarType::Integer, true),
        ];
        let values = [
            ("since", Value::String("2026-01-01".into())),
            (
                "ids",
                Value::List(vec![Value::Integer(1), Value::Integer(2)]),
            ),
        ];
        assert_eq!(
            shown(
                "SELECT * FROM t WHERE day >= {{since}} AND id IN ({{ ids }}) AND day < {{since}} + 7",
                &params,
                &values
            ),
            "SELECT * FROM t WHERE day >= $1 AND id IN (:ids) AND day < $1 + 7"
        );
    }

    #[test]
    fn a_whole_quoted_placeholder_is_bound_and_comments_are_left_alone() {
        let params = [spec("name", ScalarType::String, false)];
        let values = [("name", Value::String("x'); DROP TABLE ads; --".into()))];
        assert_eq!(
            shown(
                "SELECT 1 -- {{nothing}} here\nWHERE n = '{{name}}' /* {{nor}} */",
                &params,
                &values
            ),
            "SELECT 1 -- {{nothing}} here\nWHERE n = $1 /* {{nor}} */"
        );
    }

    #[test]
    fn placeholders_that_cannot_be_bound_are_refused_with_where() {
        let params = [spec("name", ScalarType::String, false)];
        let values = [("name", Value::String("x".into()))];
        assert_eq!(
            shown("SELECT 'hello {{name}}'", &params, &values),
            "error: `{{name}}` at character 15 sits inside a quoted text or name, where it cannot be bound: write it on its own, without quotes"
        );
        assert_eq!(
            shown("SELECT {{other}}", &params, &values),
            "error: `{{other}}` at character 8 names no declared parameter"
        );
        assert_eq!(
            shown("SELECT {{name", &params, &values),
            "error: a `{{` at character 8 is never closed with `}}`"
        );
        assert_eq!(
            shown("SELECT {{name}}", &params, &[]),
            "error: parameter `name` has no value"
        );
    }
}
