//! The workspace's data tables ("FlexDB") as DataFusion tables: templates read them by name
//! like any data file. A table's rows are read from SQLite when a query scans it, so a query
//! sees every write made before it started.

use crate::model::{ColumnType, TableSchema};
use crate::store::Store;
use crate::tables::ddl;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
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

/// How a column of `kind` reads in SQL: numbers, text, true/false, dates and UTC timestamps.
fn arrow_type(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::Integer | ColumnType::Reference => DataType::Int64,
        ColumnType::Decimal => DataType::Float64,
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
                .map(|c| Field::new(&c.name, arrow_type(c.data_type), true)),
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
        let columns: Vec<String> = std::iter::once("\"_id\"".to_owned())
            .chain(self.schema.columns.iter().map(|c| ddl::ident(&c.name)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY \"_id\"",
            columns.join(", "),
            ddl::ident(&ddl::physical(&self.name))
        );
        let kinds: Vec<Option<ColumnType>> = std::iter::once(None)
            .chain(self.schema.columns.iter().map(|c| Some(c.data_type)))
            .collect();
        let mut builders: Vec<Builder> = kinds.iter().map(|k| Builder::new(*k)).collect();
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
    Real(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    Time(TimestampMillisecondBuilder),
    Text(StringBuilder),
}

impl Builder {
    /// `None`: the `_id`.
    fn new(kind: Option<ColumnType>) -> Self {
        match kind.map(arrow_type) {
            None | Some(DataType::Int64) => Self::Int(Int64Builder::new()),
            Some(DataType::Float64) => Self::Real(Float64Builder::new()),
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
            Self::Real(b) => b.append_option(row.try_get::<Option<f64>, _>(i)?),
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
            Self::Real(mut b) => Arc::new(b.finish()),
            Self::Bool(mut b) => Arc::new(b.finish()),
            Self::Date(mut b) => Arc::new(b.finish()),
            Self::Time(mut b) => Arc::new(b.finish()),
            Self::Text(mut b) => Arc::new(b.finish()),
        }
    }
}
