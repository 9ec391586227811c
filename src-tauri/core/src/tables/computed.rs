//! Computed columns: a column whose value is an expression over other columns of its row,
//! kept by SQLite as a generated column (read-only, always up to date). The expression is
//! written in SQL's expression syntax and parsed, never pasted: only the table's own stored
//! columns, literals, arithmetic, comparisons, `||`, `AND`/`OR`/`NOT`, `IS [NOT] NULL`,
//! `CASE` and a few pure functions are allowed, and the SQLite text is written back from the
//! parsed expression with every name quoted.
//!
//! ```text
//! quantity * unit_price
//! lower(first_name) || ' ' || lower(last_name)
//! CASE WHEN score >= 50 THEN 'pass' ELSE 'fail' END
//! ```

use crate::model::TableSchema;
use crate::tables::ddl::{ident, literal};
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator, Value,
};
use datafusion::sql::sqlparser::dialect::SQLiteDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// The functions an expression may call: pure, deterministic, the same in SQLite everywhere.
const FUNCTIONS: [&str; 14] = [
    "abs", "coalesce", "ifnull", "iif", "length", "lower", "upper", "max", "min", "nullif",
    "round", "substr", "trim", "replace",
];

/// The longest expression, in characters.
pub const MAX_LENGTH: usize = 2_000;
/// The deepest an expression may nest parentheses.
pub const MAX_NESTING: usize = 24;
/// The most operators one expression may chain (`+`, `||`, `AND`, `WHEN`, … each count one).
pub const MAX_OPERATORS: usize = 200;

/// Column `own`'s expression `text` as SQLite runs it, or why it cannot be one. Checked
/// against the limits above first; parsed and written back (both recurse once per level)
/// on a stack sized for them.
pub fn to_sql(text: &str, schema: &TableSchema, own: &str) -> Result<String, String> {
    check_size(text).map_err(|why| format!("computed `{}`: {why}", shortened(text)))?;
    crate::deep_stack::run(|| parse_and_render(text, schema, own))
}

/// The first 60 characters of `text`, for a message about a long one.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Refuses an expression past the limits, before it is parsed.
fn check_size(text: &str) -> Result<(), String> {
    use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
    if text.chars().count() > MAX_LENGTH {
        return Err(format!("longer than {MAX_LENGTH} characters"));
    }
    let tokens = Tokenizer::new(&SQLiteDialect {}, text)
        .tokenize()
        .map_err(|e| format!("does not parse: {e}"))?;
    let (mut depth, mut operators) = (0usize, 0usize);
    for token in tokens {
        match token {
            Token::LParen => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "nests parentheses deeper than {MAX_NESTING} levels"
                    ));
                }
            }
            Token::RParen => depth = depth.saturating_sub(1),
            token if crate::render::chains(&token) => {
                operators += 1;
                if operators > MAX_OPERATORS {
                    return Err(format!("chains more than {MAX_OPERATORS} operators"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn parse_and_render(text: &str, schema: &TableSchema, own: &str) -> Result<String, String> {
    let expr = Parser::new(&SQLiteDialect {})
        .try_with_sql(text)
        .and_then(|mut parser| {
            let expr = parser.parse_expr()?;
            parser.expect_token(&datafusion::sql::sqlparser::tokenizer::Token::EOF)?;
            Ok(expr)
        })
        .map_err(|e| format!("computed `{text}` does not parse: {e}"))?;
    render(&expr, schema, own).map_err(|why| format!("computed `{text}`: {why}"))
}

fn render(expr: &Expr, schema: &TableSchema, own: &str) -> Result<String, String> {
    let go = |e: &Expr| render(e, schema, own);
    Ok(match expr {
        Expr::Identifier(name) => column(&name.value, schema, own)?,
        Expr::Value(value) => match &value.value {
            Value::Number(n, _) => n.to_string(),
            Value::SingleQuotedString(s) => literal(&serde_json::Value::String(s.clone())),
            Value::Boolean(b) => i64::from(*b).to_string(),
            Value::Null => "NULL".to_owned(),
            other => return Err(format!("`{other}` is not a number, a 'text' or null")),
        },
        Expr::Nested(inner) => format!("({})", go(inner)?),
        Expr::UnaryOp { op, expr } => {
            let op = match op {
                UnaryOperator::Minus => "-",
                UnaryOperator::Plus => "+",
                UnaryOperator::Not => "NOT ",
                other => return Err(format!("`{other}` is not allowed")),
            };
            format!("{op}{}", go(expr)?)
        }
        Expr::BinaryOp { left, op, right } => {
            use BinaryOperator as B;
            let op = match op {
                B::Plus => "+",
                B::Minus => "-",
                B::Multiply => "*",
                B::Divide => "/",
                B::Modulo => "%",
                B::StringConcat => "||",
                B::Gt => ">",
                B::Lt => "<",
                B::GtEq => ">=",
                B::LtEq => "<=",
                B::Eq => "=",
                B::NotEq => "<>",
                B::And => "AND",
                B::Or => "OR",
                other => return Err(format!("the operator `{other}` is not allowed")),
            };
            format!("{} {op} {}", go(left)?, go(right)?)
        }
        Expr::IsNull(inner) => format!("{} IS NULL", go(inner)?),
        Expr::IsNotNull(inner) => format!("{} IS NOT NULL", go(inner)?),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let mut sql = "CASE".to_owned();
            if let Some(operand) = operand {
                sql.push_str(&format!(" {}", go(operand)?));
            }
            for when in conditions {
                sql.push_str(&format!(
                    " WHEN {} THEN {}",
                    go(&when.condition)?,
                    go(&when.result)?
                ));
            }
            if let Some(otherwise) = else_result {
                sql.push_str(&format!(" ELSE {}", go(otherwise)?));
            }
            sql.push_str(" END");
            sql
        }
        Expr::Function(function) => {
            let name = function.name.to_string().to_lowercase();
            if !FUNCTIONS.contains(&name.as_str()) {
                return Err(format!(
                    "the function `{name}` is not allowed (allowed: {})",
                    FUNCTIONS.join(", ")
                ));
            }
            let FunctionArguments::List(list) = &function.args else {
                return Err(format!("`{name}` needs its arguments in parentheses"));
            };
            if list.duplicate_treatment.is_some()
                || !list.clauses.is_empty()
                || function.filter.is_some()
                || function.over.is_some()
            {
                return Err(format!("`{name}` takes plain arguments only"));
            }
            let args = list
                .args
                .iter()
                .map(|arg| match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => go(e),
                    other => Err(format!("the argument `{other}` is not allowed")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            format!("{name}({})", args.join(", "))
        }
        other => return Err(format!("`{other}` is not allowed in a computed column")),
    })
}

/// A column the expression reads: one the table stores (not itself, not another computed).
fn column(name: &str, schema: &TableSchema, own: &str) -> Result<String, String> {
    match schema.column(name) {
        _ if name == own => Err(format!("`{name}` cannot be computed from itself")),
        Some(c) if c.validation.computed.is_some() => Err(format!(
            "`{name}` is computed too: compute from stored columns"
        )),
        // A decimal is stored as the text of its digits: read as the number it spells, so
        // that comparisons compare numbers (SQLite computes in doubles).
        Some(c) if c.data_type == crate::model::ColumnType::Decimal => {
            Ok(format!("CAST({} AS REAL)", ident(name)))
        }
        Some(_) => Ok(ident(name)),
        None => Err(format!("the table has no column `{name}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> TableSchema {
        serde_json::from_value(json!({ "columns": [
            { "name": "quantity", "data_type": "integer" },
            { "name": "unit_price", "data_type": "decimal" },
            { "name": "name", "data_type": "string" },
            { "name": "total", "data_type": "decimal", "validation": { "computed": "quantity * unit_price" } }
        ]}))
        .expect("schema")
    }

    #[test]
    fn expressions_over_stored_columns_become_quoted_sqlite() {
        let sql = |text| to_sql(text, &schema(), "total");
        assert_eq!(
            sql("quantity * unit_price"),
            Ok("\"quantity\" * CAST(\"unit_price\" AS REAL)".into())
        );
        assert_eq!(
            sql("upper(name) || ' x' || ROUND(unit_price, 2)"),
            Ok("upper(\"name\") || ' x' || round(CAST(\"unit_price\" AS REAL), 2)".into())
        );
        assert_eq!(
            sql("CASE WHEN quantity >= 10 THEN 'bulk' ELSE 'single' END"),
            Ok("CASE WHEN \"quantity\" >= 10 THEN 'bulk' ELSE 'single' END".into())
        );
        assert_eq!(
            sql("name IS NULL OR NOT (quantity > -1)"),
            Ok("\"name\" IS NULL OR NOT (\"quantity\" > -1)".into())
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        let refused = |text| to_sql(text, &schema(), "total").expect_err(text);
        assert!(refused("price * 2").ends_with("the table has no column `price`"));
        assert!(refused("total + 1").ends_with("`total` cannot be computed from itself"));
        assert!(refused("random()").contains("the function `random` is not allowed"));
        assert!(refused("(SELECT 1)").contains("is not allowed in a computed column"));
        assert!(refused("quantity; DROP TABLE x").contains("does not parse"));
        assert!(refused("quantity) + (1").contains("does not parse"));
        assert!(refused("\"quantity\" || x'00'").contains("is not a number"));
    }
}
