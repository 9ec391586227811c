//! The results runs keep.

use super::RunsError;
use crate::ids::NodeId;
use crate::model::RunId;
use crate::workspace::Workspace;

/// Where run `run` kept node `node`'s result (a location under the workspace's results
/// folder, for `engine::results::page`).
pub async fn kept_result(
    workspace: &Workspace,
    run: RunId,
    node: &NodeId,
) -> Result<String, RunsError> {
    let detail = workspace.store().get_run(run).await?;
    let Some(record) = detail.nodes.into_iter().find(|n| &n.node_id == node) else {
        return Err(RunsError::NoSuchNode {
            run,
            node: node.clone(),
        });
    };
    record.result_location.ok_or_else(|| RunsError::NoResult {
        run,
        node: node.clone(),
        why: format!("it {}", record.status),
    })
}
