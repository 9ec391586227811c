//! Whether a table's name and schema make sense, and what changed between two schemas.

use crate::model::{Column, ColumnType, OnDelete, SchemaChange, TableSchema};
use crate::tables::computed;
use crate::tables::value::{self, Cell};
use std::collections::HashSet;
use std::fmt;

/// The longest table or column name.
pub const MAX_NAME: usize = 63;

/// Something wrong with a table definition, and the column it concerns (none: the table).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct SchemaProblem {
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "column `{column}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A definition given as JSON (a data-table node's `columns`): the columns as a schema
/// lists them, or a whole schema.
pub fn from_json(columns: &serde_json::Value) -> Result<TableSchema, String> {
    let schema = match columns {
        serde_json::Value::Array(_) => serde_json::json!({ "columns": columns }),
        other => other.clone(),
    };
    serde_json::from_value(schema).map_err(|e| format!("parameter `columns`: {e}"))
}

/// Whether `name` is a table or column name: lowercase snake_case, starting with a letter.
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= MAX_NAME
}

/// Every problem with table `name` defined by `schema` (empty: it can be created).
/// Which tables exist (for references) is the store's to check.
pub fn check(name: &str, schema: &TableSchema) -> Vec<SchemaProblem> {
    let mut problems = Vec::new();
    let table = |message: String| SchemaProblem {
        column: None,
        message,
    };
    if !is_snake_case(name) {
        problems.push(table(format!(
            "table name `{name}` must be lowercase snake_case (a letter, then letters, digits \
             or _; at most {MAX_NAME}), e.g. customer_orders"
        )));
    }
    if schema.columns.is_empty() {
        problems.push(table("a table needs at least one column".into()));
    }
    let mut seen = HashSet::new();
    for column in &schema.columns {
        if !seen.insert(column.name.as_str()) {
            problems.push(table(format!("column `{}` is defined twice", column.name)));
        }
        let expression = column
            .validation
            .computed
            .as_deref()
            .map(|text| computed::to_sql(text, schema, &column.name).err());
        problems.extend(
            check_column(column)
                .into_iter()
                .chain(expression.flatten())
                .map(|message| SchemaProblem {
                    column: Some(column.name.clone()),
                    message,
                }),
        );
    }
    problems
}

fn check_column(column: &Column) -> Vec<String> {
    use ColumnType as T;
    let mut problems = Vec::new();
    let rules = &column.validation;
    let kind = column.data_type;
    let type_name = type_name(kind);
    if !is_snake_case(&column.name) {
        problems.push(
            "the name must be lowercase snake_case (a letter, then letters, digits or _)".into(),
        );
    }
    if kind == T::Decimal {
        let (precision, scale) = column.decimal_shape();
        if !(1..=38).contains(&precision) {
            problems.push(format!(
                "precision {precision} is not 1 to 38 digits (a decimal holds at most 38)"
            ));
        } else if scale > precision {
            problems.push(format!("scale {scale} is more than precision {precision}"));
        }
    } else {
        for (rule, set) in [
            ("precision", column.precision.is_some()),
            ("scale", column.scale.is_some()),
        ] {
            if set {
                problems.push(format!("{rule} applies to decimal, not {type_name}"));
            }
        }
    }
    let textual = matches!(kind, T::String | T::Text);
    if !textual {
        for (rule, set) in [
            ("max_length", rules.max_length.is_some()),
            ("min_length", rules.min_length.is_some()),
            ("pattern", rules.pattern.is_some()),
        ] {
            if set {
                problems.push(format!(
                    "{rule} applies to string and text, not {type_name}"
                ));
            }
        }
    }
    if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
        && min > max
    {
        problems.push(format!("min_length {min} is more than max_length {max}"));
    }
    if let Some(pattern) = &rules.pattern
        && let Err(err) = value::compiled_pattern(pattern)
    {
        problems.push(format!(
            "pattern `{pattern}` is not a regular expression: {err}"
        ));
    }
    let ordered = matches!(kind, T::Integer | T::Decimal | T::Date | T::Datetime);
    let mut bounds = Vec::new();
    for (rule, bound) in [("min", &rules.min), ("max", &rules.max)] {
        let Some(bound) = bound else { continue };
        if !ordered {
            problems.push(format!(
                "{rule} applies to integer, decimal, date and datetime, not {type_name}"
            ));
            continue;
        }
        match value::convert(kind, bound) {
            Ok(cell) => bounds.push(cell),
            Err(err) => problems.push(format!("{rule} {bound} is not a {type_name}: {err}")),
        }
    }
    if let [min, max] = bounds.as_slice()
        && value::compare(min, max) == Some(std::cmp::Ordering::Greater)
    {
        problems.push("min is more than max".into());
    }
    if let Some(allowed) = &rules.allowed {
        if allowed.is_empty() {
            problems.push("enum lists no values".into());
        }
        for v in allowed {
            if let Err(err) = value::convert(kind, v) {
                problems.push(format!("enum value {v} is not a {type_name}: {err}"));
            }
        }
    }
    let reference = kind == T::Reference;
    match (&rules.target_table, reference) {
        (None, true) => problems.push("a reference names its target_table".into()),
        (Some(_), false) => problems.push(format!(
            "target_table applies to references, not {type_name}"
        )),
        (Some(target), true) if !is_snake_case(target) => {
            problems.push(format!("target_table `{target}` is not a table name"));
        }
        _ => {}
    }
    if rules.on_delete.is_some() && !reference {
        problems.push(format!("on_delete applies to references, not {type_name}"));
    }
    if rules.on_delete == Some(OnDelete::SetNull) && column.required {
        problems.push("on_delete set-null cannot empty a required column".into());
    }
    if rules.computed.is_some() {
        for (rule, set) in [
            ("required", column.required),
            ("unique", column.unique),
            ("default_value", column.default_value.is_some()),
            ("a reference", reference),
        ] {
            if set {
                problems.push(format!("a computed column cannot be {rule}"));
            }
        }
    }
    if let Some(default) = &column.default_value {
        match value::convert(kind, default) {
            Ok(Cell::Null) => {}
            Ok(cell) if value::decimal_misfit(column, &cell).is_some() => problems.push(format!(
                "default_value: {}",
                value::decimal_misfit(column, &cell).unwrap_or_default()
            )),
            Ok(cell) => problems.extend(
                value::broken_rules(column, &cell)
                    .into_iter()
                    .map(|rule| format!("default_value {default} breaks its own rule: {rule}")),
            ),
            Err(err) => problems.push(format!(
                "default_value {default} is not a {type_name}: {err}"
            )),
        }
    }
    problems
}

/// A type's name as users write it.
pub fn type_name(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::String => "string",
        ColumnType::Text => "text",
        ColumnType::Integer => "integer",
        ColumnType::Decimal => "decimal",
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        ColumnType::Datetime => "datetime",
        ColumnType::Json => "json",
        ColumnType::Reference => "reference",
    }
}

/// What changed from `old` (none: the table is new) to `new`, column by column, matched by
/// name: added, removed, modified (seed 000's `computeSchemaChanges`). In `new`'s order, with
/// removals after.
pub fn changes(old: Option<&TableSchema>, new: &TableSchema) -> Vec<SchemaChange> {
    let before = |name: &str| old.and_then(|o| o.column(name));
    let mut changes: Vec<SchemaChange> = new
        .columns
        .iter()
        .filter_map(|after| match before(&after.name) {
            None => Some(SchemaChange::AddColumn {
                after: after.clone(),
            }),
            Some(was) if was != after => Some(SchemaChange::ModifyColumn {
                before: Box::new(was.clone()),
                after: Box::new(after.clone()),
            }),
            Some(_) => None,
        })
        .collect();
    if let Some(old) = old {
        changes.extend(
            old.columns
                .iter()
                .filter(|c| new.column(&c.name).is_none())
                .map(|before| SchemaChange::RemoveColumn {
                    before: before.clone(),
                }),
        );
    }
    changes
}
