//! Moving flows between files and a workspace. An import is one transaction: the templates
//! it adds or replaces and the flow are written together, or nothing is.

use super::{FlowFile, ReadError, TemplatePack, check_file};
use crate::ids::{CompositionId, TemplateId};
use crate::model::{Flow, Node, Template};
use crate::store::{Store, StoreError, StoreTx};
use crate::validation::{self, Catalog, Diagnostic};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What to do when the file carries a template or flow whose id the workspace already has
/// with other content. Identical templates are always reused silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum OnConflict {
    /// Keep the workspace's and add the file's under a new id (`tpl_x_2`, `comp_x_2`).
    KeepBoth,
    /// Overwrite the workspace's with the file's.
    Replace,
    /// Refuse the import.
    #[default]
    Fail,
}

/// What to do with a node the file pins to an older version of its template than the
/// workspace's current one (`template_changed`), as the app's "update" and "keep" do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum NewerTemplates {
    /// Import the node as it is, on its version, with a `template_changed` warning.
    #[default]
    Warn,
    /// Move the node onto the current version (the import is refused if it is not valid
    /// there).
    Update,
    /// Keep the node on its version and decline the current one
    /// (`node_config.declined_template_version`): no warning until a later version.
    Keep,
}

/// What happened to one template the file carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case", tag = "fate", content = "new_id")]
pub enum TemplateFate {
    Added,
    /// The workspace had it word for word.
    Reused,
    /// The workspace had an earlier version the file also carries, word for word: the
    /// file's newer one became the template's next version (no conflict to choose).
    Updated,
    Replaced,
    /// Kept beside the workspace's version under this id.
    RenamedTo(TemplateId),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportOutcome {
    /// The id the flow was stored under (differs from the file's after keep-both).
    pub composition_id: CompositionId,
    pub replaced_flow: bool,
    pub templates: Vec<(TemplateId, TemplateFate)>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("the flow file has {} problem(s)", .0.len())]
    Invalid(Vec<Diagnostic>),
    #[error("template `{0}` already exists with other content; choose keep-both or replace")]
    TemplateConflict(TemplateId),
    #[error("flow `{0}` already exists; choose keep-both or replace")]
    FlowConflict(CompositionId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports a flow file's text into the workspace behind `store`. Its nodes may use the
/// templates the workspace has without the file carrying them; a node on an older version
/// than the workspace's is imported as it is, with a `template_changed` warning.
pub async fn import(
    store: &Store,
    text: &str,
    on_conflict: OnConflict,
) -> Result<ImportOutcome, ImportError> {
    import_with(store, text, on_conflict, NewerTemplates::Warn).await
}

/// [`import`], updating or keeping nodes on older template versions as `newer` says.
pub async fn import_with(
    store: &Store,
    text: &str,
    on_conflict: OnConflict,
    newer: NewerTemplates,
) -> Result<ImportOutcome, ImportError> {
    let mut tx = store.begin().await?;
    let outcome = import_in_with(&mut tx, text, on_conflict, newer).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// [`import`] inside the caller's unit of work.
pub async fn import_in(
    tx: &mut StoreTx,
    text: &str,
    on_conflict: OnConflict,
) -> Result<ImportOutcome, ImportError> {
    import_in_with(tx, text, on_conflict, NewerTemplates::Warn).await
}

/// [`import_with`] inside the caller's unit of work.
pub async fn import_in_with(
    tx: &mut StoreTx,
    text: &str,
    on_conflict: OnConflict,
    newer: NewerTemplates,
) -> Result<ImportOutcome, ImportError> {
    let file = FlowFile::read(text)?;
    let workspace = workspace_catalog(tx, &file.nodes).await?;
    let (file, diagnostics) = check_file(file, &workspace);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(ImportError::Invalid(diagnostics));
    }
    // Each node names the version it is built on, so the stored template it ends up on
    // (renamed, or renumbered by a replace) can be followed; one on a template the file does
    // not carry is on the workspace's.
    let templates = file.templates.clone();
    let (mut flow, _) = super::with_workspace(file, &workspace);
    let mut fates = Vec::with_capacity(templates.len());
    let mut followed = HashSet::new();
    for template in templates {
        let (id, version) = (template.template_id.clone(), template.version);
        let (fate, template) = place_template(tx, template, on_conflict, &mut followed).await?;
        for node in flow
            .nodes
            .iter_mut()
            .filter(|node| node.template_id == id && node.template_version == Some(version))
        {
            node.template_id = template.template_id.clone();
            node.template_version = Some(template.version);
        }
        fates.push((id, fate));
    }

    let mut replaced_flow = false;
    let id = flow.composition.composition_id.clone();
    if tx.flow_exists(&id).await? {
        match on_conflict {
            OnConflict::Fail => return Err(ImportError::FlowConflict(id)),
            OnConflict::Replace => replaced_flow = true,
            OnConflict::KeepBoth => {
                let mut n = 2;
                flow.composition.composition_id = loop {
                    let candidate = CompositionId::new(format!("{id}_{n}"));
                    if !tx.flow_exists(&candidate).await? {
                        break candidate;
                    }
                    n += 1;
                };
            }
        }
    }
    let catalog = workspace_catalog(tx, &flow.nodes).await?;
    follow_newer(&mut flow, &catalog, newer);
    let validated = validation::validate(flow, &catalog).map_err(ImportError::Invalid)?;
    let warnings = validated.warnings().to_vec();
    let flow: Flow = validated.into_planned_flow();
    tx.write_flow(&flow, replaced_flow).await?;
    Ok(ImportOutcome {
        composition_id: flow.composition.composition_id,
        replaced_flow,
        templates: fates,
        warnings,
    })
}

/// The templates of the workspace `tx` works in that `nodes` use: each one's current
/// version, and the earlier versions nodes are pinned to.
async fn workspace_catalog(tx: &mut StoreTx, nodes: &[Node]) -> Result<Catalog, StoreError> {
    let mut details = Vec::new();
    let mut earlier = Vec::new();
    let mut seen = HashSet::new();
    for node in nodes {
        if seen.insert(&node.template_id)
            && let Some(detail) = tx.template(&node.template_id).await?
        {
            details.push(detail);
        }
    }
    let mut pinned = HashSet::new();
    for node in nodes {
        let Some(version) = node.template_version else {
            continue;
        };
        let current = details
            .iter()
            .find(|d| d.template.template_id == node.template_id);
        if current.is_some_and(|d| d.template.version != version)
            && pinned.insert((&node.template_id, version))
            && let Some(template) = tx.template_version(&node.template_id, version).await?
        {
            earlier.push(template);
        }
    }
    Ok(earlier
        .into_iter()
        .fold(Catalog::from_details(details), Catalog::with_version))
}

/// Moves the nodes on an older version of their template than `catalog`'s current onto it
/// ([`NewerTemplates::Update`], even one that declined it: the importer asked), or declines
/// the current one for them ([`NewerTemplates::Keep`]).
fn follow_newer(flow: &mut Flow, catalog: &Catalog, newer: NewerTemplates) {
    if newer == NewerTemplates::Warn {
        return;
    }
    for node in &mut flow.nodes {
        let (Some(pinned), Some(current)) = (node.template_version, catalog.get(&node.template_id))
        else {
            continue;
        };
        let now = current.version;
        if pinned >= now {
            continue;
        }
        match newer {
            NewerTemplates::Update => {
                node.template_version = Some(now);
                node.node_config.declined_template_version = None;
            }
            NewerTemplates::Keep => node.node_config.declined_template_version = Some(now),
            NewerTemplates::Warn => {}
        }
    }
}

/// The flow file of a stored flow, with every template it uses.
pub async fn export(store: &Store, id: &CompositionId) -> Result<FlowFile, StoreError> {
    let detail = store.get_flow(id).await?;
    let pinned = detail.pinned_templates;
    let mut current: Vec<Template> = Vec::new();
    for node in &detail.flow.nodes {
        let on_earlier = pinned
            .iter()
            .any(|t| t.template_id == node.template_id && Some(t.version) == node.template_version);
        if !on_earlier && current.iter().all(|t| t.template_id != node.template_id) {
            current.push(store.get_template(&node.template_id).await?.template);
        }
    }
    Ok(FlowFile::new(
        &detail.flow,
        pinned.into_iter().chain(current),
    ))
}

/// What importing a template pack did to each template it carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PackOutcome {
    pub templates: Vec<(TemplateId, TemplateFate)>,
}

/// Imports a template pack (`*.templates.json`) in one transaction: each template added,
/// reused when the workspace has it word for word, or on a conflict replaced, kept beside
/// (`tpl_x_2`) or refused, as `on_conflict` says. A replaced or changed template becomes
/// its next version; the earlier ones stay.
pub async fn import_templates(
    store: &Store,
    text: &str,
    on_conflict: OnConflict,
) -> Result<PackOutcome, ImportError> {
    let pack = TemplatePack::read(text)?;
    let mut tx = store.begin().await?;
    let mut fates = Vec::with_capacity(pack.templates.len());
    for template in pack.templates {
        let id = template.template_id.clone();
        let (fate, _) = place_template(&mut tx, template, on_conflict, &mut HashSet::new()).await?;
        fates.push((id, fate));
    }
    tx.commit().await?;
    Ok(PackOutcome { templates: fates })
}

/// The template pack of templates `ids` (every template when empty), as stored now.
pub async fn export_templates(
    store: &Store,
    ids: &[TemplateId],
) -> Result<TemplatePack, StoreError> {
    let mut templates = Vec::new();
    if ids.is_empty() {
        templates.extend(
            store
                .list_templates()
                .await?
                .into_iter()
                .map(|t| t.template),
        );
    } else {
        for id in ids {
            templates.push(store.get_template(id).await?.template);
        }
    }
    Ok(TemplatePack::new(templates))
}

/// Stores a template a file carries: added; reused when the workspace has it word for
/// word; on a conflict replaced (as its next version), kept beside under a new id, or
/// refused. Returns what happened and the template as stored.
///
/// A file may carry several versions of a template, oldest first: one the workspace had as
/// that version word for word is reused, and a newer one of a template whose current
/// version the file carried (`followed`: the ids placed so far whose current version is
/// the file's) becomes its next version.
async fn place_template(
    tx: &mut StoreTx,
    mut template: Template,
    on_conflict: OnConflict,
    followed: &mut HashSet<TemplateId>,
) -> Result<(TemplateFate, Template), ImportError> {
    let id = template.template_id.clone();
    let fate = match tx.template(&id).await? {
        None => {
            tx.insert_template(&template).await?;
            followed.insert(id.clone());
            TemplateFate::Added
        }
        Some(existing) if existing.template == template => {
            followed.insert(id.clone());
            TemplateFate::Reused
        }
        Some(existing)
            if followed.contains(&id) && template.version > existing.template.version =>
        {
            tx.update_template(&template).await?;
            TemplateFate::Updated
        }
        Some(_)
            if tx.template_version(&id, template.version).await?.as_ref() == Some(&template) =>
        {
            TemplateFate::Reused
        }
        Some(existing) => match on_conflict {
            OnConflict::Fail => return Err(ImportError::TemplateConflict(id)),
            OnConflict::Replace => {
                template.version = existing.template.version + 1;
                tx.update_template(&template).await?;
                TemplateFate::Replaced
            }
            OnConflict::KeepBoth => {
                let new_id = free_template_id(tx, &id).await?;
                template.template_id = new_id.clone();
                tx.insert_template(&template).await?;
                TemplateFate::RenamedTo(new_id)
            }
        },
    };
    Ok((fate, template))
}

/// The first of `id_2`, `id_3`, … the workspace has no template under (keep-both).
async fn free_template_id(tx: &mut StoreTx, id: &TemplateId) -> Result<TemplateId, StoreError> {
    let mut n = 2;
    loop {
        let candidate = TemplateId::new(format!("{id}_{n}"));
        if tx.template(&candidate).await?.is_none() {
            return Ok(candidate);
        }
        n += 1;
    }
}
