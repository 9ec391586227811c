//! A query's rows into Arrow record batches: the schema first (a numeric without a declared
//! scale takes the most places its first batch's values show), then a batch per
//! [`BATCH_ROWS`] rows, each value read from PostgreSQL's binary format (`arrow.rs`).

use super::BATCH_ROWS;
use super::arrow::{self, Column, Kind};
use crate::engine::EngineError;
use crate::engine::arrow::datatypes::{Field, Schema, SchemaRef};
use crate::engine::arrow::record_batch::RecordBatch;
use sqlx::Row as _;
use sqlx::ValueRef as _;
use sqlx::postgres::{PgRow, PgValueFormat};
use std::sync::Arc;

/// What a query's stream carries: its columns once, then its batches.
pub(super) enum Message {
    Schema(SchemaRef),
    Batch(RecordBatch),
}

/// Rows into record batches: the schema first (a numeric without a declared scale takes
/// the most places its first batch's values show), then a batch per [`BATCH_ROWS`] rows.
pub(super) struct Batcher {
    names: Vec<String>,
    kinds: Vec<Kind>,
    schema: Option<SchemaRef>,
    columns: Vec<Column>,
    /// Rows held until the schema is known.
    pending: Vec<PgRow>,
    /// Rows in the batch being built, and in all.
    rows: usize,
    seen: usize,
}

impl Batcher {
    pub(super) fn new(described: Vec<(String, Kind)>) -> Self {
        let (names, kinds): (Vec<_>, Vec<_>) = described.into_iter().unzip();
        let mut batcher = Self {
            names,
            kinds,
            schema: None,
            columns: Vec::new(),
            pending: Vec::new(),
            rows: 0,
            seen: 0,
        };
        if !batcher.kinds.iter().any(Kind::needs_scale) {
            batcher.fix_schema();
        }
        batcher
    }

    /// The schema, once the described types fix it (a numeric without a declared scale
    /// waits for the first batch's values).
    pub(super) fn schema(&self) -> Option<&SchemaRef> {
        self.schema.as_ref()
    }

    fn fix_schema(&mut self) {
        let fields: Vec<Field> = self
            .names
            .iter()
            .zip(&self.kinds)
            .map(|(name, kind)| Field::new(name, kind.data_type(), true))
            .collect();
        self.schema = Some(Arc::new(Schema::new(fields)));
        self.columns = self
            .kinds
            .iter()
            .map(|kind| Column::new(kind.clone(), BATCH_ROWS))
            .collect();
    }

    /// Adds a row; the messages ready to send.
    pub(super) fn push(&mut self, row: PgRow) -> Result<Vec<Message>, EngineError> {
        if self.schema.is_none() {
            self.pending.push(row);
            if self.pending.len() < BATCH_ROWS {
                return Ok(Vec::new());
            }
            return self.settle();
        }
        self.append(&row)?;
        if self.rows >= BATCH_ROWS {
            return Ok(vec![self.flush()?]);
        }
        Ok(Vec::new())
    }

    /// Sets the missing scales from the rows held, and sends the schema and those rows.
    fn settle(&mut self) -> Result<Vec<Message>, EngineError> {
        let pending = std::mem::take(&mut self.pending);
        for (i, kind) in self.kinds.iter_mut().enumerate() {
            if !kind.needs_scale() {
                continue;
            }
            let mut most: i8 = 0;
            for row in &pending {
                if let Some(bytes) = raw(row, i).ok().flatten() {
                    most = most.max(arrow::places(kind, bytes).unwrap_or(0));
                }
            }
            *kind = kind.with_scale(most);
        }
        self.fix_schema();
        let mut messages = vec![Message::Schema(self.schema.clone().expect("schema fixed"))];
        for row in &pending {
            self.append(row)?;
        }
        if self.rows > 0 {
            messages.push(self.flush()?);
        }
        Ok(messages)
    }

    fn append(&mut self, row: &PgRow) -> Result<(), EngineError> {
        self.seen += 1;
        for (i, column) in self.columns.iter_mut().enumerate() {
            let value = raw(row, i)?;
            column.append(value).map_err(|why| {
                let (name, kind) = (&self.names[i], &self.kinds[i]);
                // A numeric without a declared scale took its places from the first batch.
                let settled = match kind {
                    Kind::Numeric {
                        scale: Some(places),
                        ..
                    } if self.seen > BATCH_ROWS => {
                        format!(
                            " (the first {BATCH_ROWS} rows had at most {places}; declare the \
                             places in the SQL, e.g. `{name}::numeric(18, 4)`)"
                        )
                    }
                    _ => String::new(),
                };
                EngineError::Query {
                    message: format!("column `{name}`, row {}: {why}{settled}", self.seen),
                }
            })?;
        }
        self.rows += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<Message, EngineError> {
        let schema = self.schema.clone().expect("a batch after the schema");
        let arrays = self.columns.iter_mut().map(Column::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(schema, arrays)
            .map(Message::Batch)
            .map_err(|e| EngineError::Query {
                message: e.to_string(),
            })
    }

    /// What is left to send once the rows end: the schema if not sent yet, the last batch.
    pub(super) fn finish(&mut self) -> Result<Vec<Message>, EngineError> {
        if self.schema.is_none() {
            return self.settle();
        }
        if self.rows > 0 {
            return Ok(vec![self.flush()?]);
        }
        Ok(Vec::new())
    }
}

/// Column `i` of `row` in binary format, `None` when NULL.
fn raw(row: &PgRow, i: usize) -> Result<Option<&[u8]>, EngineError> {
    let value = row.try_get_raw(i).map_err(|e| EngineError::Query {
        message: e.to_string(),
    })?;
    if value.is_null() {
        return Ok(None);
    }
    if value.format() != PgValueFormat::Binary {
        return Err(EngineError::Query {
            message: "the server sent a value as text where binary was asked".to_owned(),
        });
    }
    value.as_bytes().map(Some).map_err(|e| EngineError::Query {
        message: e.to_string(),
    })
}
