//! Data sources in the store (`data_sources`): the built-in `src_local` and the databases
//! the analyst adds. What a source holds is how to reach it, never a password (a CHECK
//! refuses a `password` in its config).

use super::{Entity, Store, StoreError};
use crate::ids::SourceId;
use crate::model::{DataSource, SourceConfig, SourceDetail, SourceKind};
use sqlx::types::Json;

#[derive(sqlx::FromRow)]
struct SourceRow {
    source_id: String,
    name: String,
    kind: String,
    config: Json<serde_json::Value>,
    template_count: u32,
    created_at: String,
    updated_at: String,
}

impl SourceRow {
    fn detail(self) -> Result<SourceDetail, StoreError> {
        let corrupt = |source| StoreError::Corrupt {
            entity: Entity::Source,
            id: self.source_id.clone(),
            source,
        };
        // The kind is the tag of the config as the model reads it.
        let mut config = self.config.0.clone();
        if let Some(object) = config.as_object_mut() {
            object.insert("kind".to_owned(), self.kind.clone().into());
        }
        let config: SourceConfig = serde_json::from_value(config).map_err(corrupt)?;
        Ok(SourceDetail {
            source: DataSource {
                source_id: SourceId::new(self.source_id),
                name: self.name,
                config,
            },
            template_count: self.template_count,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT_SOURCES: &str = "
    SELECT s.source_id, s.name, s.kind, s.config, s.created_at, s.updated_at,
           (SELECT count(*) FROM query_templates t WHERE t.source_id = s.source_id)
               AS template_count
    FROM data_sources s";

/// A source's config as stored: its fields without the kind, which has a column of its own.
fn stored_config(config: &SourceConfig) -> serde_json::Value {
    let mut value = serde_json::to_value(config).expect("a source's config is plain data");
    if let Some(object) = value.as_object_mut() {
        object.remove("kind");
    }
    value
}

impl Store {
    /// Every source's id and kind.
    pub async fn source_kinds(&self) -> Result<Vec<(SourceId, SourceKind)>, StoreError> {
        source_kinds(self.pool()).await
    }

    /// Every source, `src_local` first, then by name.
    pub async fn list_sources(&self) -> Result<Vec<SourceDetail>, StoreError> {
        let query = format!("{SELECT_SOURCES} ORDER BY s.source_id <> 'src_local', s.name, s.id");
        let rows: Vec<SourceRow> = sqlx::query_as(sqlx::AssertSqlSafe(query))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(SourceRow::detail).collect()
    }

    pub async fn get_source(&self, id: &SourceId) -> Result<SourceDetail, StoreError> {
        let query = format!("{SELECT_SOURCES} WHERE s.source_id = ?");
        let row: Option<SourceRow> = sqlx::query_as(sqlx::AssertSqlSafe(query))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.ok_or_else(|| not_found(id))?.detail()
    }

    /// The sources `templates` run on other than `src_local`, as a flow file names them.
    pub async fn source_refs<'a>(
        &self,
        templates: impl IntoIterator<Item = &'a crate::model::Template>,
    ) -> Result<Vec<crate::model::SourceRef>, StoreError> {
        let used: std::collections::BTreeSet<&SourceId> = templates
            .into_iter()
            .map(|t| &t.source_id)
            .filter(|id| !id.is_local())
            .collect();
        let mut refs = Vec::with_capacity(used.len());
        for id in used {
            let source = self.get_source(id).await?.source;
            refs.push(crate::model::SourceRef {
                kind: source.kind(),
                source_id: source.source_id,
                name: source.name,
            });
        }
        Ok(refs)
    }

    /// Adds `source`; refused when its id is taken or it claims to be the local engine.
    pub async fn add_source(&self, source: &DataSource) -> Result<SourceDetail, StoreError> {
        refuse_problem(source)?;
        if source.kind() == SourceKind::Local {
            return Err(StoreError::Conflict {
                entity: Entity::Source,
                id: source.source_id.to_string(),
            });
        }
        sqlx::query("INSERT INTO data_sources (source_id, name, kind, config) VALUES (?, ?, ?, ?)")
            .bind(source.source_id.as_str())
            .bind(&source.name)
            .bind(source.kind().as_str())
            .bind(Json(stored_config(&source.config)))
            .execute(self.pool())
            .await
            .map_err(|err| match StoreError::from(err) {
                StoreError::Constraint { constraint, .. }
                    if constraint == "data_sources.source_id" =>
                {
                    StoreError::Conflict {
                        entity: Entity::Source,
                        id: source.source_id.to_string(),
                    }
                }
                other => other,
            })?;
        self.get_source(&source.source_id).await
    }

    /// Changes `source`'s name and how to reach it; its id and kind stay.
    pub async fn update_source(&self, source: &DataSource) -> Result<SourceDetail, StoreError> {
        refuse_problem(source)?;
        let updated = sqlx::query(
            "UPDATE data_sources SET name = ?, config = ? WHERE source_id = ? AND kind = ?",
        )
        .bind(&source.name)
        .bind(Json(stored_config(&source.config)))
        .bind(source.source_id.as_str())
        .bind(source.kind().as_str())
        .execute(self.pool())
        .await?;
        if updated.rows_affected() == 0 {
            return Err(not_found(&source.source_id));
        }
        self.get_source(&source.source_id).await
    }

    /// Removes source `id`; refused while a template runs on it (and always for
    /// `src_local`), naming those templates.
    pub async fn remove_source(&self, id: &SourceId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let users: Vec<String> = sqlx::query_scalar(
            "SELECT template_id FROM query_templates WHERE source_id = ? ORDER BY template_id",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        if id.is_local() {
            return Err(StoreError::InUse {
                entity: Entity::Source,
                id: id.to_string(),
                by: "it is the workspace's own engine, which every workspace keeps".to_owned(),
            });
        }
        // A node kept on an earlier version of a template runs where that version does.
        let pinned: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT c.composition_id || ' (node ' || n.node_id || ', '
                 || n.template_id || ' version ' || n.template_version || ')'
             FROM composition_nodes n
             JOIN compositions c ON c.id = n.composition
             JOIN template_versions v
               ON v.template_id = n.template_id AND v.version = n.template_version
             WHERE coalesce(v.content ->> '$.source_id', 'src_local') = ?
             ORDER BY 1",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await?;
        if users.is_empty() && !pinned.is_empty() {
            return Err(StoreError::InUse {
                entity: Entity::Source,
                id: id.to_string(),
                by: format!(
                    "{} flow(s) keep a node on a template version that runs on it: {}; update \
                     those nodes to the template's current version first",
                    pinned.len(),
                    pinned.join(", ")
                ),
            });
        }
        if !users.is_empty() {
            return Err(StoreError::InUse {
                entity: Entity::Source,
                id: id.to_string(),
                by: format!(
                    "{} template(s) run on it ({}); point them at another source first",
                    users.len(),
                    users.join(", ")
                ),
            });
        }
        let removed = sqlx::query("DELETE FROM data_sources WHERE source_id = ?")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        if removed.rows_affected() == 0 {
            return Err(not_found(id));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Every source's id and kind.
pub(super) async fn source_kinds(
    executor: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<(SourceId, SourceKind)>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT source_id, kind FROM data_sources")
        .fetch_all(executor)
        .await?;
    // The database allows only the kinds there are (CHECK `source_kind_known`).
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind)| Some((SourceId::new(id), SourceKind::parse(&kind)?)))
        .collect())
}

fn not_found(id: &SourceId) -> StoreError {
    StoreError::NotFound {
        entity: Entity::Source,
        id: id.to_string(),
    }
}

/// Refuses `source` when it cannot be saved, saying why in words before the database's rules
/// would in theirs.
fn refuse_problem(source: &DataSource) -> Result<(), StoreError> {
    match source.problem() {
        Some((constraint, detail)) => Err(StoreError::Constraint {
            constraint: constraint.to_owned(),
            detail,
        }),
        None => Ok(()),
    }
}
