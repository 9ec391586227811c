//! A unit of work over several aggregates (an import writes templates and a flow): reads
//! and writes inside one SQLite transaction, committed together or not at all.

use super::flows::{Write, write_flow};
use super::templates::{find_template, find_version, insert_template, update_template};
use super::{Store, StoreError};
use crate::ids::{CompositionId, SourceId, TemplateId};
use crate::model::{Flow, SourceKind, Template, TemplateDetail};
use sqlx::{Sqlite, Transaction};

#[derive(Debug)]
pub struct StoreTx {
    tx: Transaction<'static, Sqlite>,
}

impl Store {
    /// Starts a unit of work; dropping it without [`StoreTx::commit`] writes nothing.
    pub async fn begin(&self) -> Result<StoreTx, StoreError> {
        Ok(StoreTx {
            tx: self.begin_write().await?,
        })
    }
}

impl StoreTx {
    pub async fn template(
        &mut self,
        id: &TemplateId,
    ) -> Result<Option<TemplateDetail>, StoreError> {
        find_template(&mut *self.tx, id).await
    }

    /// The workspace's data sources and their kinds.
    pub async fn source_kinds(&mut self) -> Result<Vec<(SourceId, SourceKind)>, StoreError> {
        super::sources::source_kinds(&mut *self.tx).await
    }

    /// Version `version` of template `id`, if it has had one.
    pub async fn template_version(
        &mut self,
        id: &TemplateId,
        version: u32,
    ) -> Result<Option<Template>, StoreError> {
        find_version(&mut *self.tx, id, version).await
    }

    pub async fn insert_template(&mut self, template: &Template) -> Result<(), StoreError> {
        insert_template(&mut self.tx, template).await
    }

    pub async fn update_template(&mut self, template: &Template) -> Result<(), StoreError> {
        update_template(&mut self.tx, template).await
    }

    pub async fn flow_exists(&mut self, id: &CompositionId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM compositions WHERE composition_id = ?")
                .bind(id.as_str())
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(found.is_some())
    }

    /// Stores `flow`, replacing one with the same id when `replace` is set.
    pub async fn write_flow(&mut self, flow: &Flow, replace: bool) -> Result<(), StoreError> {
        let mode = if replace {
            Write::CreateOrReplace
        } else {
            Write::CreateOnly
        };
        write_flow(&mut self.tx, flow, mode).await.map(drop)
    }

    /// Links flow `id` to the gallery flow it was made from.
    pub async fn link_flow_template(
        &mut self,
        id: &CompositionId,
        flow_template: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE compositions SET flow_template_id = ? WHERE composition_id = ?")
            .bind(flow_template)
            .bind(id.as_str())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}
