//! Facts about the workspace itself (`workspace_meta`), and the one-time seed.

use super::flows::{Write, write_flow};
use super::templates::insert_template;
use super::{Store, StoreError};
use crate::model::{Flow, Template};

const SEEDED_AT: &str = "seeded_at";

impl Store {
    /// When the workspace received its starter content, if it ever did.
    pub async fn seeded_at(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM workspace_meta WHERE key = ?")
                .bind(SEEDED_AT)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Adds the starter templates and flows and marks the workspace seeded, all in one
    /// transaction: a workspace is seeded completely, or not at all.
    pub async fn seed(&self, templates: &[Template], flows: &[Flow]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for template in templates {
            insert_template(&mut tx, template).await?;
        }
        for flow in flows {
            write_flow(&mut tx, flow, Write::CreateOnly).await?;
        }
        sqlx::query(
            "INSERT INTO workspace_meta (key, value)
             VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        )
        .bind(SEEDED_AT)
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }
}
