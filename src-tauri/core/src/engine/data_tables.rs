//! The workspace's data tables ("FlexDB") as DataFusion tables: templates read them by name
//! like any data file. A table's rows are read from SQLite when a query scans it, so a query
//! sees every write made before it started. A `decimal` column reads as `Decimal128` of its
//! declared precision and scale, from the exact digits SQLite keeps (never through a double).

use crate::model::{Column, ColumnType, TableSchema};
use crate::store::Store;
use crate::tables::ddl;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder,
    TimestampMillisecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::MemTable;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::ExecutionPlan;
use futures::TryStreamExt;
use sqlx::Row;
use std::sync::Arc;

/// How `column` reads in SQL: numbers (decimals exact, of the column's precision and scale),
/// text, true/false, dates and UTC timestamps.
fn arrow_type(column: &Column) -> DataType {
    match column.data_type {
        ColumnType::Integer | ColumnType::Reference => DataType::Int64,
        ColumnType::Decimal => {
            let (precision, scale) = column.decimal_shape();
            DataType::Decimal128(precision, i8::try_from(scale).unwrap_or(38))
        }
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Datetime => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        ColumnType::String | ColumnType::Text | ColumnType::Json => DataType::Utf8,
    }
}

/// Data table `name` as DataFusion sees it: `_id`, then its columns.
#[derive(Debug)]
pub struct DataTableProvider {
    store: Store,
    name: String,
    schema: TableSchema,
    arrow: SchemaRef,
}

impl DataTableProvider {
    pub fn new(store: Store, name: &str, schema: TableSchema) -> Self {
        let fields = std::iter::once(Field::new("_id", DataType::Int64, false)).chain(
            schema
                .columns
                .iter()
                .map(|c| Field::new(&c.name, arrow_type(c), true)),
        );
        Self {
            store,
            name: name.to_owned(),
            arrow: Arc::new(Schema::new(fields.collect::<Vec<_>>())),
            schema,
        }
    }

    /// Every row, as one batch.
    async fn read(&self) -> Result<RecordBatch> {
        // A decimal as text: its exact digits (a computed one, a double, as SQLite writes it).
        let columns: Vec<String> = std::iter::once("\"_id\"".to_owned())
            .chain(self.schema.columns.iter().map(|c| match c.data_type {
                ColumnType::Decimal => format!("CAST({} AS TEXT)", ddl::ident(&c.name)),
                _ => ddl::ident(&c.name),
            }))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY \"_id\"",
            columns.join(", "),
            ddl::ident(&ddl::physical(&self.name))
        );
        let mut builders: Vec<Builder> = std::iter::once(Builder::new(None))
            .chain(self.schema.columns.iter().map(|c| Builder::new(Some(c))))
            .collect();
        let failed = |err: sqlx::Error| DataFusionError::External(Box::new(err));
        // Checked, quoted names; nothing else in the text.
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(self.store.pool());
        while let Some(row) = rows.try_next().await.map_err(failed)? {
            for (i, builder) in builders.iter_mut().enumerate() {
                builder.append(&row, i).map_err(failed)?;
            }
        }
        let arrays: Vec<ArrayRef> = builders.into_iter().map(Builder::finish).collect();
        Ok(RecordBatch::try_new(self.arrow.clone(), arrays)?)
    }
}

/// Writes every row of data table `name` to `out` as CSV, JSON or Parquet (`_id` first).
pub async fn export_table(
    store: &Store,
    name: &str,
    format: super::results::Format,
    out: impl std::io::Write + Send,
) -> Result<u64, crate::tables::TableError> {
    use crate::tables::TableError;
    let table = store.get_table(name).await?;
    let provider = DataTableProvider::new(store.clone(), name, table.schema);
    let batch = provider
        .read()
        .await
        .map_err(|e| TableError::Export(e.to_string()))?;
    let rows = batch.num_rows() as u64;
    let page = super::results::Page {
        schema: batch.schema(),
        batches: vec![batch],
        total_rows: rows,
    };
    super::results::export(&page, format, out).map_err(|e| TableError::Export(e.to_string()))?;
    Ok(rows)
}

#[async_trait::async_trait]
impl TableProvider for DataTableProvider {
    fn schema(&self) -> SchemaRef {
        self.arrow.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let batch = self.read().await?;
        MemTable::try_new(self.arrow.clone(), vec![vec![batch]])?
            .scan(state, projection, filters, limit)
            .await
    }
}

/// One column's values, read as its Arrow type.
enum Builder {
    Int(Int64Builder),
    /// Exact, at the column's scale.
    Decimal(Decimal128Builder, i8),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Time(TimestampMillisecondBuilder),
    Text(StringBuilder),
}

impl Builder {
    /// `None`: the `_id`.
    fn new(column: Option<&Column>) -> Self {
        match column.map(arrow_type) {
            None | Some(DataType::Int64) => Self::Int(Int64Builder::new()),
            Some(data_type @ DataType::Decimal128(_, scale)) => {
                Self::Decimal(Decimal128Builder::new().with_data_type(data_type), scale)
            }
            Some(DataType::Boolean) => Self::Bool(BooleanBuilder::new()),
            Some(DataType::Date32) => Self::Date(Date32Builder::new()),
            Some(DataType::Timestamp(..)) => {
                Self::Time(TimestampMillisecondBuilder::new().with_timezone("UTC"))
            }
            Some(_) => Self::Text(StringBuilder::new()),
        }
    }

    fn append(&mut self, row: &sqlx::sqlite::SqliteRow, i: usize) -> Result<(), sqlx::Error> {
        match self {
            Self::Int(b) => b.append_option(row.try_get::<Option<i64>, _>(i)?),
            Self::Decimal(b, scale) => {
                let text = row.try_get::<Option<String>, _>(i)?;
                b.append_option(text.and_then(|t| decimal_at(&t, *scale)));
            }
            Self::Bool(b) => b.append_option(row.try_get::<Option<i64>, _>(i)?.map(|v| v != 0)),
            Self::Text(b) => b.append_option(row.try_get::<Option<String>, _>(i)?),
            Self::Date(b) => {
                let text = row.try_get::<Option<String>, _>(i)?;
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                b.append_option(text.and_then(|t| {
                    let date = chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()?;
                    i32::try_from((date - epoch).num_days()).ok()
                }));
            }
            Self::Time(b) => {
                let text = row.try_get::<Option<String>, _>(i)?;
                b.append_option(text.and_then(|t| {
                    chrono::DateTime::parse_from_rfc3339(&t)
                        .ok()
                        .map(|d| d.timestamp_millis())
                }));
            }
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self {
            Self::Int(mut b) => Arc::new(b.finish()),
            Self::Decimal(mut b, _) => Arc::new(b.finish()),
            Self::Bool(mut b) => Arc::new(b.finish()),
            Self::Date(mut b) => Arc::new(b.finish()),
            Self::Time(mut b) => Arc::new(b.finish()),
            Self::Text(mut b) => Arc::new(b.finish()),
        }
    }
}

/// A stored decimal's text as the unscaled value at `scale`: exact for a value the column's
/// checks let in; a computed one (a double) or one stored before its scale was declared is
/// rounded half to even. `None` for text that is no number (never stored by Flowloom).
fn decimal_at(text: &str, scale: i8) -> Option<i128> {
    let (unscaled, own) = crate::value::parse_decimal(text).ok()?;
    crate::value::rescale(unscaled, own, scale)
}
