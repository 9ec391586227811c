//! Query templates in the store (`query_templates`).

use super::error::naming_foreign_key;
use super::{Entity, Store, StoreError};
use crate::ids::{SourceId, TemplateId};
use crate::model::{
    ChartConfig, Flow, OutputColumn, ParamSpec, Template, TemplateDetail, TemplateKind,
};
use crate::validation::Catalog;
use rustc_hash::FxHashMap as HashMap;
use sqlx::types::Json;
use sqlx::{SqliteConnection, SqliteExecutor};
use std::collections::BTreeSet;

#[derive(sqlx::FromRow)]
struct TemplateRow {
    template_id: String,
    name: String,
    description: String,
    category: String,
    tags: Json<Vec<String>>,
    kind: String,
    source_id: String,
    sql_text: String,
    parameters: Json<Vec<ParamSpec>>,
    output_columns: Option<Json<Vec<OutputColumn>>>,
    chart_config: Option<Json<ChartConfig>>,
    version: u32,
    usage_count: u32,
    is_active: bool,
}

impl From<TemplateRow> for TemplateDetail {
    fn from(row: TemplateRow) -> Self {
        TemplateDetail {
            // The database allows only the kinds there are (CHECK `template_kind_known`).
            template: Template {
                template_id: TemplateId::new(row.template_id),
                name: row.name,
                description: row.description,
                category: row.category,
                tags: row.tags.0,
                kind: TemplateKind::parse(&row.kind).unwrap_or_default(),
                source_id: SourceId::new(row.source_id),
                sql: row.sql_text,
                parameters: row.parameters.0,
                output_columns: row.output_columns.map(|c| c.0),
                chart_config: row.chart_config.map(|c| c.0),
                version: row.version,
            },
            usage_count: row.usage_count,
            is_active: row.is_active,
        }
    }
}

/// Usage is derived: the nodes, in any flow, that place the template. A macro so that each
/// query built on it is still one `'static` string.
macro_rules! select_templates {
    () => {
        "
    SELECT t.template_id, t.name, t.description, t.category, t.tags, t.kind, t.source_id, t.sql_text, t.parameters,
           t.output_columns, t.chart_config, t.version, t.is_active,
           (SELECT count(*) FROM composition_nodes n WHERE n.template_id = t.template_id)
               AS usage_count
    FROM query_templates t"
    };
}

impl Store {
    /// Adds a template, active; `Conflict` if its id is taken.
    pub async fn insert_template(&self, template: &Template) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_template(&mut tx, template).await?;
        Ok(tx.commit().await?)
    }

    /// Replaces a template's content, keeping its id and whether it is active.
    pub async fn update_template(&self, template: &Template) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        update_template(&mut tx, template).await?;
        Ok(tx.commit().await?)
    }

    /// Saves a template as the editor has it: a new one is version 1; a changed one becomes
    /// the next version (its earlier ones kept); an unchanged one stays as it is.
    pub async fn save_template(&self, template: &Template) -> Result<TemplateDetail, StoreError> {
        let mut tx = self.begin_write().await?;
        match find_template(&mut *tx, &template.template_id).await? {
            None => {
                insert_template(
                    &mut tx,
                    &Template {
                        version: 1,
                        ..template.clone()
                    },
                )
                .await?;
            }
            Some(stored) => {
                let as_stored = Template {
                    version: stored.template.version,
                    ..template.clone()
                };
                if as_stored != stored.template {
                    let next = Template {
                        version: stored.template.version + 1,
                        ..template.clone()
                    };
                    update_template(&mut tx, &next).await?;
                }
            }
        }
        tx.commit().await?;
        self.get_template(&template.template_id).await
    }

    /// Every version template `id` has had, newest first.
    pub async fn template_versions(&self, id: &TemplateId) -> Result<Vec<Template>, StoreError> {
        let rows: Vec<Json<Template>> = sqlx::query_scalar(
            "SELECT content FROM template_versions WHERE template_id = ? ORDER BY version DESC",
        )
        .bind(id.as_str())
        .fetch_all(self.pool())
        .await?;
        if rows.is_empty() {
            return Err(not_found(id));
        }
        Ok(rows.into_iter().map(|t| t.0).collect())
    }

    /// Version `version` of template `id`, if it has had one.
    pub async fn template_version(
        &self,
        id: &TemplateId,
        version: u32,
    ) -> Result<Option<Template>, StoreError> {
        find_version(self.pool(), id, version).await
    }

    /// The workspace's templates as a validation catalog for `flow`: each as it is now, and
    /// the earlier versions the flow's nodes are built on.
    pub async fn catalog_for(&self, flow: &Flow) -> Result<Catalog, StoreError> {
        let details = self.list_templates().await?;
        let current: HashMap<&TemplateId, u32> = details
            .iter()
            .map(|d| (&d.template.template_id, d.template.version))
            .collect();
        let mut earlier = BTreeSet::new();
        for node in &flow.nodes {
            if let (Some(pinned), Some(&now)) =
                (node.template_version, current.get(&node.template_id))
                && pinned != now
            {
                earlier.insert((node.template_id.clone(), pinned));
            }
        }
        drop(current);
        let data_files = self
            .data_dir
            .as_deref()
            .map(|dir| crate::tables::data_file_names(dir))
            .unwrap_or_default();
        let sources = self.source_kinds().await?;
        let mut catalog = Catalog::from_details(details)
            .with_data_files(data_files)
            .with_data_tables(self.table_schemas().await?)
            .with_sources(sources);
        for (id, version) in earlier {
            if let Some(template) = self.template_version(&id, version).await? {
                catalog = catalog.with_version(template);
            }
        }
        Ok(catalog)
    }

    /// Makes a template placeable (active) or not: flows using an inactive one do not
    /// validate (`inactive_template`).
    pub async fn set_template_active(
        &self,
        id: &TemplateId,
        active: bool,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query("UPDATE query_templates SET is_active = ? WHERE template_id = ?")
            .bind(active)
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        if updated.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    pub async fn get_template(&self, id: &TemplateId) -> Result<TemplateDetail, StoreError> {
        find_template(self.pool(), id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// Every template, by category then name.
    pub async fn list_templates(&self) -> Result<Vec<TemplateDetail>, StoreError> {
        let sql = concat!(
            select_templates!(),
            " ORDER BY t.category, t.name, t.template_id"
        );
        let rows: Vec<TemplateRow> = sqlx::query_as(sql).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(TemplateDetail::from).collect())
    }

    /// Deletes a template no flow uses; one in use is refused (`template_in_use`).
    pub async fn delete_template(&self, id: &TemplateId) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM query_templates WHERE template_id = ?")
            .bind(id.as_str())
            .execute(self.pool())
            .await
            .map_err(naming_foreign_key("template_in_use", || {
                format!("template `{id}` is placed in a flow; deactivate it instead")
            }))?;
        if deleted.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }
}

pub(super) async fn find_template(
    executor: impl SqliteExecutor<'_>,
    id: &TemplateId,
) -> Result<Option<TemplateDetail>, StoreError> {
    let sql = concat!(select_templates!(), " WHERE t.template_id = ?");
    let row: Option<TemplateRow> = sqlx::query_as(sql)
        .bind(id.as_str())
        .fetch_optional(executor)
        .await?;
    Ok(row.map(TemplateDetail::from))
}

pub(super) async fn find_version(
    executor: impl SqliteExecutor<'_>,
    id: &TemplateId,
    version: u32,
) -> Result<Option<Template>, StoreError> {
    let content: Option<Json<Template>> = sqlx::query_scalar(
        "SELECT content FROM template_versions WHERE template_id = ? AND version = ?",
    )
    .bind(id.as_str())
    .bind(version)
    .fetch_optional(executor)
    .await?;
    Ok(content.map(|c| c.0))
}

pub(super) async fn insert_template(
    conn: &mut SqliteConnection,
    template: &Template,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO query_templates (template_id, name, description, category, tags, kind,
                                      source_id, sql_text, parameters, output_columns,
                                      chart_config, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(template.template_id.as_str())
    .bind(&template.name)
    .bind(&template.description)
    .bind(&template.category)
    .bind(Json(&template.tags))
    .bind(template.kind.as_str())
    .bind(template.source_id.as_str())
    .bind(&template.sql)
    .bind(Json(&template.parameters))
    .bind(template.output_columns.as_ref().map(Json))
    .bind(template.chart_config.as_ref().map(Json))
    .bind(template.version)
    .execute(&mut *conn)
    .await
    .map_err(|err| match StoreError::from(err) {
        StoreError::Constraint { constraint, .. }
            if constraint == "query_templates.template_id" =>
        {
            StoreError::Conflict {
                entity: Entity::Template,
                id: template.template_id.to_string(),
            }
        }
        other => unknown_source(other, template),
    })?;
    record_version(conn, template).await
}

pub(super) async fn update_template(
    conn: &mut SqliteConnection,
    template: &Template,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE query_templates
         SET name = ?, description = ?, category = ?, tags = ?, kind = ?, source_id = ?,
             sql_text = ?, parameters = ?, output_columns = ?, chart_config = ?, version = ?
         WHERE template_id = ?",
    )
    .bind(&template.name)
    .bind(&template.description)
    .bind(&template.category)
    .bind(Json(&template.tags))
    .bind(template.kind.as_str())
    .bind(template.source_id.as_str())
    .bind(&template.sql)
    .bind(Json(&template.parameters))
    .bind(template.output_columns.as_ref().map(Json))
    .bind(template.chart_config.as_ref().map(Json))
    .bind(template.version)
    .bind(template.template_id.as_str())
    .execute(&mut *conn)
    .await
    .map_err(|err| unknown_source(err.into(), template))?;
    if updated.rows_affected() == 0 {
        return Err(not_found(&template.template_id));
    }
    record_version(conn, template).await
}

/// A template naming a source the workspace lacks (the `template_source_exists` trigger):
/// that source was not found.
fn unknown_source(err: StoreError, template: &Template) -> StoreError {
    match err {
        StoreError::Constraint { constraint, .. } if constraint == "template_source_exists" => {
            StoreError::NotFound {
                entity: Entity::Source,
                id: template.source_id.to_string(),
            }
        }
        other => other,
    }
}

fn not_found(id: &TemplateId) -> StoreError {
    StoreError::NotFound {
        entity: Entity::Template,
        id: id.to_string(),
    }
}

/// Keeps `template` as its version (an import replacing a template with the same version
/// number replaces that version's content).
async fn record_version(
    conn: &mut SqliteConnection,
    template: &Template,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO template_versions (template_id, version, content, created_by)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (template_id, version) DO UPDATE SET content = excluded.content",
    )
    .bind(template.template_id.as_str())
    .bind(template.version)
    .bind(Json(template))
    .bind(super::os_user())
    .execute(conn)
    .await?;
    Ok(())
}
