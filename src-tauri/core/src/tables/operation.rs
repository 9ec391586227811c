//! What a data-table node is asked to do, read from its resolved parameters: create, get,
//! list or write a data table. Validation reads it before a run; `engine::table_node` does
//! it.

use super::schema;
use super::write::WriteOptions;
use crate::model::{TableSchema, WriteMode};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt;

/// What a data-table node was asked to do, read from its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    Create {
        table: String,
        schema: TableSchema,
    },
    Get {
        table: String,
    },
    List,
    Write {
        table: String,
        options: WriteOptions,
    },
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Create { table, schema } => write!(
                f,
                "-- data table: create `{table}` with {} column(s)",
                schema.columns.len()
            ),
            Self::Get { table } => write!(f, "-- data table: get `{table}`"),
            Self::List => write!(f, "-- data table: list every table"),
            Self::Write { table, options } => {
                let how = match options.mode {
                    WriteMode::Append => "append to",
                    WriteMode::Replace => "replace the rows of",
                    WriteMode::Upsert => "upsert into",
                };
                write!(f, "-- data table: {how} `{table}` the upstream result")?;
                if let Some(key) = &options.key {
                    write!(f, " by `{key}`")?;
                }
                if options.allow_cascade {
                    write!(f, " (cascading deletes allowed)")?;
                }
                Ok(())
            }
        }
    }
}

impl Operation {
    /// The operation a node's resolved parameter values ask for, or why they ask for none.
    pub fn from_params(values: &BTreeMap<String, Json>) -> Result<Self, String> {
        let text = |name: &str| values.get(name).and_then(Json::as_str).map(str::to_owned);
        let table = || {
            text("table_name")
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| "parameter `table_name`: this operation needs a table".to_owned())
        };
        match text("operation").as_deref() {
            Some("create") => {
                let columns = values
                    .get("columns")
                    .filter(|c| !c.is_null())
                    .ok_or("parameter `columns`: create needs the table's columns".to_owned())?;
                Ok(Self::Create {
                    table: table()?,
                    schema: schema::from_json(columns)?,
                })
            }
            Some("get") => Ok(Self::Get { table: table()? }),
            Some("list") => Ok(Self::List),
            Some("write") => Ok(Self::Write {
                table: table()?,
                options: WriteOptions {
                    mode: match text("mode").as_deref() {
                        None | Some("append") => WriteMode::Append,
                        Some("replace") => WriteMode::Replace,
                        Some("upsert") => WriteMode::Upsert,
                        Some(other) => {
                            return Err(format!(
                                "parameter `mode`: `{other}` is not append, replace or upsert"
                            ));
                        }
                    },
                    key: text("key").filter(|k| !k.trim().is_empty()),
                    allow_cascade: match values.get("allow_cascade") {
                        None | Some(Json::Null) => false,
                        Some(Json::Bool(allowed)) => *allowed,
                        Some(other) => {
                            return Err(format!(
                                "parameter `allow_cascade`: expected true or false, got {other}"
                            ));
                        }
                    },
                },
            }),
            Some(other) => Err(format!(
                "parameter `operation`: `{other}` is not create, get, list or write"
            )),
            None => Err("parameter `operation` has no value".to_owned()),
        }
    }
}
