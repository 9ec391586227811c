//! The flow gallery in the store (`flow_templates`): its entries, kept in line with the
//! build's gallery, and the user flows made from them (`compositions.flow_template_id`).

use super::{Entity, Store, StoreError};
use crate::model::FlowTemplate;

impl Store {
    /// Adds or refreshes gallery flow `entry`, its flow file `definition` whole.
    pub async fn put_flow_template(
        &self,
        entry: &FlowTemplate,
        definition: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO flow_templates (id, name, goal, category, definition)
             VALUES (?1, ?2, ?3, ?4, json(?5))
             ON CONFLICT (id) DO UPDATE SET name = ?2, goal = ?3, category = ?4,
                 definition = json(?5)
             WHERE (name, goal, category, definition) IS NOT (?2, ?3, ?4, json(?5))",
        )
        .bind(&entry.id)
        .bind(&entry.name)
        .bind(&entry.goal)
        .bind(&entry.category)
        .bind(definition)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The active gallery flows, by category then name.
    pub async fn list_flow_templates(&self) -> Result<Vec<FlowTemplate>, StoreError> {
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
                |(id, name, goal, category, description, node_count, flows_made)| FlowTemplate {
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
                entity: Entity::FlowTemplate,
                id: id.to_owned(),
            })
    }
}
