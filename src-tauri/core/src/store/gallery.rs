//! The flow gallery in the store (`flow_templates`): its entries, kept in line with the
//! build's gallery, and the user flows made from them (`compositions.flow_template_id`).

use super::{Entity, Store, StoreError};
use crate::model::GalleryFlow;
use serde_json::json;
use sqlx::types::Json;

/// The `workspace_meta` key of the fingerprint of the gallery the workspace holds.
const GALLERY_FINGERPRINT: &str = "gallery_fingerprint";

impl Store {
    /// Whether the workspace holds the gallery fingerprinted `fingerprint` with every entry
    /// of `ids` (every open but the first after an upgrade): one read, no write lock.
    pub async fn holds_gallery(
        &self,
        fingerprint: &str,
        ids: &[String],
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT value FROM workspace_meta WHERE key = ?1) IS ?2
                 AND (SELECT count(*) FROM flow_templates
                      WHERE id IN (SELECT value FROM json_each(?3))) = json_array_length(?3)",
        )
        .bind(GALLERY_FINGERPRINT)
        .bind(fingerprint)
        .bind(Json(ids))
        .fetch_one(self.pool())
        .await?)
    }

    /// Adds or refreshes the gallery flows `entries`, each with its flow file whole, and
    /// keeps `fingerprint` (of the build's gallery) with them, in one transaction.
    pub async fn put_flow_templates(
        &self,
        fingerprint: &str,
        entries: &[(GalleryFlow, &str)],
    ) -> Result<(), StoreError> {
        let given: Vec<_> = entries
            .iter()
            .map(|(entry, definition)| {
                json!({
                    "id": entry.id,
                    "name": entry.name,
                    "goal": entry.goal,
                    "category": entry.category,
                    "definition": definition,
                })
            })
            .collect();
        let given = Json(given);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO flow_templates (id, name, goal, category, definition)
             SELECT e.value ->> 'id', e.value ->> 'name', e.value ->> 'goal',
                 e.value ->> 'category', json(e.value ->> 'definition')
             FROM json_each(?1) e WHERE true
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, goal = excluded.goal,
                 category = excluded.category, definition = excluded.definition
             WHERE (name, goal, category, definition)
                 IS NOT (excluded.name, excluded.goal, excluded.category, excluded.definition)",
        )
        .bind(&given)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT OR REPLACE INTO workspace_meta (key, value) VALUES (?, ?)")
            .bind(GALLERY_FINGERPRINT)
            .bind(fingerprint)
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    /// The active gallery flows, by category then name.
    pub async fn list_gallery(&self) -> Result<Vec<GalleryFlow>, StoreError> {
        let rows: Vec<(String, String, String, String, String, u32, u32)> = sqlx::query_as(
            "SELECT t.id, t.name, t.goal, t.category,
                    coalesce(json_extract(t.definition, '$.composition.description'), ''),
                    json_array_length(t.definition, '$.nodes'),
                    (SELECT count(*) FROM compositions c WHERE c.flow_template_id = t.id)
             FROM flow_templates t WHERE t.is_active = 1
             ORDER BY t.category, t.name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, goal, category, description, node_count, flows_made)| GalleryFlow {
                    id,
                    name,
                    goal,
                    category,
                    description,
                    node_count,
                    flows_made,
                },
            )
            .collect())
    }

    /// Gallery flow `id`'s flow file.
    pub async fn flow_template_definition(&self, id: &str) -> Result<String, StoreError> {
        sqlx::query_scalar("SELECT definition FROM flow_templates WHERE id = ? AND is_active = 1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: Entity::GalleryFlow,
                id: id.to_owned(),
            })
    }
}
