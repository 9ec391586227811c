//! Moving flows between files and a workspace. An import is one transaction: the templates
//! it adds or replaces and the flow are written together, or nothing is.

use super::{FlowFile, ReadError, TemplatePack, check_file};
use crate::engine::PlanProblem;
use crate::engine::plan_check::{self, Checker};
use crate::ids::{CompositionId, TemplateId};
use crate::model::{Flow, Node, Template, TemplateKind};
use crate::render;
use crate::store::{Store, StoreError, StoreTx};
use crate::validation::{self, Catalog, Code, Diagnostic};
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
    /// The file's templates or flow conflict with the workspace's (`template_conflict`,
    /// `flow_conflict`) and the import was asked to fail on a conflict: nothing else is wrong.
    #[error("{}", .0.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))]
    Conflicts(Vec<Diagnostic>),
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
    import_checked(store, text, on_conflict, newer, None).await
}

/// [`import_with`], each node's SQL first planned by `checker` where one is given: the file is judged by [`check_in_workspace`], as `validate
/// --workspace` judges it, before anything is written.
pub async fn import_checked(
    store: &Store,
    text: &str,
    on_conflict: OnConflict,
    newer: NewerTemplates,
    checker: Option<&dyn Checker>,
) -> Result<ImportOutcome, ImportError> {
    let file = FlowFile::read(text)?;
    let (_, diagnostics) = check_in_workspace(store, file, on_conflict, checker).await?;
    refuse_errors(diagnostics)?;
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
    refuse_errors(diagnostics)?;
    // Each node names the version it is built on, so the stored template it ends up on
    // (renamed, or renumbered by a replace) can be followed; one on a template the file does
    // not carry is on the workspace's.
    let templates = file.templates.clone();
    let (mut flow, _) = super::with_workspace(file, &workspace);
    let mut fates = Vec::with_capacity(templates.len());
    let mut followed = HashSet::new();
    for (k, template) in templates.into_iter().enumerate() {
        let (id, version) = (template.template_id.clone(), template.version);
        let (fate, template) = place_template(tx, k, template, on_conflict, &mut followed).await?;
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
            OnConflict::Fail => return Err(ImportError::Conflicts(vec![flow_conflict(&id)])),
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

/// Everything that decides whether `file` imports into the workspace behind `store` with
/// `on_conflict`, which is also what `validate --workspace` reports: the file's own checks
/// against the workspace's templates and data files ([`check_file`]), the carried templates
/// and the flow that conflict with the workspace's (errors when the import fails on a
/// conflict), and, with `checker`, each node's SQL planned where it runs ([`plan_check`]). Import
/// and validate both judge a file here, so they cannot disagree.
pub async fn check_in_workspace(
    store: &Store,
    file: FlowFile,
    on_conflict: OnConflict,
    checker: Option<&dyn Checker>,
) -> Result<(FlowFile, Vec<Diagnostic>), StoreError> {
    let (flow, _) = file.clone().into_parts();
    let workspace = store.catalog_for(&flow).await?;
    let (file, mut diagnostics) = check_file(file, &workspace);
    if on_conflict == OnConflict::Fail {
        diagnostics.extend(conflicts(store, &file).await?);
    }
    if let Some(checker) = checker {
        // Planned against the tables as they are now (a data table made since the engine
        // last looked, a file added to data/).
        checker.refresh_tables().await;
        let (flow, catalog) = super::with_workspace(file.clone(), &workspace);
        diagnostics.extend(plan_check::problems(&flow, &catalog, checker).await);
    }
    diagnostics.sort_by_cached_key(|d| (validation::path_key(&d.path), d.code, d.message.clone()));
    diagnostics.dedup();
    Ok((file, diagnostics))
}

/// The carried templates an import would find in conflict with the workspace's (see
/// [`place_template`], which decides the same way as it writes), and the flow when the
/// workspace has one of its id.
async fn conflicts(store: &Store, file: &FlowFile) -> Result<Vec<Diagnostic>, StoreError> {
    let mut out = Vec::new();
    let mut followed = HashSet::new();
    for (k, template) in file.templates.iter().enumerate() {
        let id = &template.template_id;
        let existing = match store.get_template(id).await {
            Ok(detail) => Some(detail.template),
            Err(StoreError::NotFound { .. }) => None,
            Err(err) => return Err(err),
        };
        let conflict = match existing {
            None => {
                followed.insert(id.clone());
                false
            }
            Some(existing) if existing == *template => {
                followed.insert(id.clone());
                false
            }
            Some(existing) if followed.contains(id) && template.version > existing.version => false,
            Some(_) => {
                store.template_version(id, template.version).await?.as_ref() != Some(template)
            }
        };
        if conflict {
            out.push(template_conflict(k, id));
        }
    }
    let id = &file.composition.composition_id;
    if store.flow_exists(id).await? {
        out.push(flow_conflict(id));
    }
    Ok(out)
}

fn template_conflict(k: usize, id: &TemplateId) -> Diagnostic {
    Diagnostic::error(
        Code::TemplateConflict,
        format!("/templates/{k}/template_id"),
        format!("template `{id}` already exists with other content; choose keep-both or replace"),
    )
}

fn flow_conflict(id: &CompositionId) -> Diagnostic {
    Diagnostic::error(
        Code::FlowConflict,
        "/composition/composition_id",
        format!("flow `{id}` already exists; choose keep-both or replace"),
    )
}

/// Nothing when `diagnostics` hold no error; the conflicts alone when they are the only
/// errors (the app then asks what to do); otherwise every diagnostic.
fn refuse_errors(diagnostics: Vec<Diagnostic>) -> Result<(), ImportError> {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return Ok(());
    }
    if errors
        .iter()
        .all(|d| matches!(d.code, Code::TemplateConflict | Code::FlowConflict))
    {
        return Err(ImportError::Conflicts(
            errors.into_iter().cloned().collect(),
        ));
    }
    Err(ImportError::Invalid(diagnostics))
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
    let sources = tx.source_kinds().await?;
    Ok(earlier
        .into_iter()
        .fold(Catalog::from_details(details), Catalog::with_version)
        .with_sources(sources))
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
    let mut file = FlowFile::new(&detail.flow, pinned.into_iter().chain(current));
    file.sources = store.source_refs(&file.templates).await?;
    Ok(file)
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
    import_templates_checked(store, text, on_conflict, None).await
}

/// [`import_templates`], each template's SQL first planned where it runs by `checker`
/// where one is given. A pack whose templates [`check_pack`] finds errors in
/// imports nothing.
pub async fn import_templates_checked(
    store: &Store,
    text: &str,
    on_conflict: OnConflict,
    checker: Option<&dyn Checker>,
) -> Result<PackOutcome, ImportError> {
    let pack = TemplatePack::read(text)?;
    if let Some(checker) = checker {
        checker.refresh_tables().await;
    }
    let diagnostics = check_pack(&pack, checker).await;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(ImportError::Invalid(diagnostics));
    }
    let mut tx = store.begin().await?;
    let mut fates = Vec::with_capacity(pack.templates.len());
    for (k, template) in pack.templates.into_iter().enumerate() {
        let id = template.template_id.clone();
        let (fate, _) =
            place_template(&mut tx, k, template, on_conflict, &mut HashSet::new()).await?;
        fates.push((id, fate));
    }
    tx.commit().await?;
    Ok(PackOutcome { templates: fates })
}

/// Every problem of a pack's templates that a flow file carrying them would have (see
/// [`check_file`]): a malformed id, a blank name or SQL, a version 0, SQL that cannot be
/// rendered or parsed, and, with `checker`, SQL that does not plan where it runs. Paths point into
/// the pack (`/templates/<k>/…`).
pub async fn check_pack(pack: &TemplatePack, checker: Option<&dyn Checker>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (k, template) in pack.templates.iter().enumerate() {
        out.extend(super::template_problems(k, template));
        let path = format!("/templates/{k}/sql");
        let named = format!(
            "template `{}` (version {})",
            template.template_id, template.version
        );
        if template.kind == TemplateKind::DataTable || validation::is_blank(&template.sql) {
            continue;
        }
        let rendering = render::problems(&template.sql, &template.parameters);
        for problem in &rendering {
            out.push(Diagnostic::error(
                Code::BadTemplateSql,
                &path,
                format!("{named}: its SQL cannot run: {problem}"),
            ));
        }
        if !rendering.is_empty() {
            continue;
        }
        if let Some(why) = validation::sql_syntax_problem(template) {
            out.push(Diagnostic::error(
                Code::SqlSyntax,
                &path,
                format!("{named}: its SQL does not parse: {why}"),
            ));
        } else if let Some(checker) = checker
            && let Some(problem) = plan_check::template_problem(template, checker).await
        {
            let code = match problem {
                PlanProblem::Syntax(_) => Code::SqlSyntax,
                PlanProblem::UnknownTable(_) => Code::UnknownTable,
                PlanProblem::UnknownColumn(_) => Code::UnknownColumn,
                PlanProblem::Other(_) => Code::BadTemplateSql,
            };
            out.push(Diagnostic::error(
                code,
                &path,
                format!("{named}: its SQL does not plan: {}", problem.message()),
            ));
        }
    }
    out.sort_by_cached_key(|d| (validation::path_key(&d.path), d.code, d.message.clone()));
    out.dedup();
    out
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
    k: usize,
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
            OnConflict::Fail => {
                return Err(ImportError::Conflicts(vec![template_conflict(k, &id)]));
            }
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
