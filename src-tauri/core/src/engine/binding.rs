//! How a rendered statement's values reach DataFusion. Scalars are bound as positional
//! parameters (`$1`); a list of up to 1,000 values as one positional parameter per value
//! (`IN ($2, $3, …)`), a longer one as a one-column in-memory table that the statement reads
//! as `(SELECT value FROM …)`, so `IN ({{ids}})` holds any number of values.

use super::EngineError;
use crate::model::ScalarType;
use crate::render::Statement;
use crate::value::Value;
use chrono::NaiveDate;
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Lists up to this long are bound value by value (`IN ($3, $4, …)`), which DataFusion
/// plans as a hashed IN list; longer ones as an in-memory table (`IN (SELECT value FROM …)`),
/// which holds any number of values.
const INLINE_LIST_MAX: usize = 1_000;

/// How one statement's parameters reach DataFusion: every scalar, then the values of the
/// short lists, as positional parameters, and the long (or empty) lists as in-memory tables,
/// deregistered on drop.
pub(super) struct BoundLists<'a> {
    ctx: &'a SessionContext,
    /// Per list: the SQL that stands for it inside `IN (…)`.
    pub(super) sql: Vec<String>,
    /// The positional parameters' values, `$1` first.
    pub(super) params: Vec<ScalarValue>,
    pub(super) tables: Vec<String>,
}

impl<'a> BoundLists<'a> {
    pub(super) fn register(
        ctx: &'a SessionContext,
        next_list: &AtomicU64,
        statement: &Statement,
    ) -> Result<Self, EngineError> {
        let mut bound = Self {
            ctx,
            sql: Vec::with_capacity(statement.lists.len()),
            params: statement
                .scalars
                .iter()
                .map(|(_, value_type, value)| scalar(*value_type, value))
                .collect::<Result<_, _>>()?,
            tables: Vec::new(),
        };
        for list in &statement.lists {
            let data_type = data_type(list.value_type);
            // One column, one type: each value is cast to it (decimals of other scales).
            let values = list
                .values
                .iter()
                .map(|v| Ok(scalar(list.value_type, v)?.cast_to(&data_type)?))
                .collect::<Result<Vec<_>, EngineError>>()?;
            if !values.is_empty() && values.len() <= INLINE_LIST_MAX {
                let first = bound.params.len() + 1;
                let placeholders: Vec<String> = (first..first + values.len())
                    .map(|n| format!("${n}"))
                    .collect();
                bound.sql.push(placeholders.join(", "));
                bound.params.extend(values);
                continue;
            }
            // An empty list is a table too: `IN ()` is not SQL, and `NOT IN` an empty set
            // must hold for every row.
            let n = next_list.fetch_add(1, Ordering::Relaxed);
            let name = format!("__flowloom_list_{n}");
            let array = if values.is_empty() {
                datafusion::arrow::array::new_empty_array(&data_type)
            } else {
                ScalarValue::iter_to_array(values)?
            };
            let schema = Arc::new(Schema::new(vec![Field::new("value", data_type, true)]));
            let batch = RecordBatch::try_new(schema.clone(), vec![array]).map_err(|e| {
                EngineError::Query {
                    message: e.to_string(),
                }
            })?;
            let table = MemTable::try_new(schema, vec![vec![batch]])?;
            ctx.register_table(name.as_str(), Arc::new(table))?;
            bound.sql.push(format!("SELECT value FROM {name}"));
            bound.tables.push(name);
        }
        Ok(bound)
    }
}

impl Drop for BoundLists<'_> {
    fn drop(&mut self) {
        for name in &self.tables {
            // Deregistering a table this struct registered cannot meaningfully fail.
            let _ = self.ctx.deregister_table(name.as_str());
        }
    }
}

/// The Arrow type a parameter of `value_type` is bound as.
pub(super) fn data_type(value_type: ScalarType) -> DataType {
    match value_type {
        ScalarType::String | ScalarType::Json => DataType::Utf8,
        ScalarType::Integer => DataType::Int64,
        ScalarType::Decimal => DataType::Decimal128(38, 10),
        ScalarType::Boolean => DataType::Boolean,
        ScalarType::Date => DataType::Date32,
        ScalarType::Datetime => DataType::Timestamp(TimeUnit::Microsecond, None),
    }
}

/// A bound value as DataFusion holds it.
pub(super) fn scalar(value_type: ScalarType, value: &Value) -> Result<ScalarValue, EngineError> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch is a date");
    Ok(match value {
        Value::Null => ScalarValue::try_from(data_type(value_type))?,
        Value::String(s) | Value::Json(s) => ScalarValue::Utf8(Some(s.clone())),
        Value::Integer(i) => ScalarValue::Int64(Some(*i)),
        Value::Decimal { unscaled, scale } => ScalarValue::Decimal128(Some(*unscaled), 38, *scale),
        Value::Boolean(b) => ScalarValue::Boolean(Some(*b)),
        Value::Date(d) => ScalarValue::Date32(Some(
            i32::try_from((*d - epoch).num_days()).unwrap_or(i32::MAX),
        )),
        Value::Datetime(t) => ScalarValue::TimestampMicrosecond(
            Some(t.naive_utc().and_utc().timestamp_micros()),
            None,
        ),
        Value::List(_) => {
            return Err(EngineError::Query {
                message: "a list was bound where a single value belongs".to_owned(),
            });
        }
    })
}
