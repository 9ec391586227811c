//! Flow files (`*.flow.json`) and template packs (`*.templates.json`): self-contained,
//! git-friendly documents that carry flows and templates between workspaces.
//!
//! Format v1 holds the composition, every template its nodes use, the nodes and the
//! connections. Mappings live only on connections. Writing is deterministic (stable key and
//! array order, 2-space indentation, a final newline), so export → import → export is
//! byte-identical and a one-node change is a small diff.
//!
//! Reading goes: size and depth limits → JSON → format header → upgrade of older versions
//! ([`upgrade`]) → the JSON Schema ([`schema`]) → typed document. What the document *means*
//! is checked by [`check`] through validation; [`import`] and [`export`] move flows between
//! files and a workspace.

mod exchange;
pub mod schema;
mod upgrade;

pub use exchange::{
    ImportError, ImportOutcome, NewerTemplates, OnConflict, PackOutcome, TemplateFate,
    check_in_workspace, check_pack, export, export_templates, import, import_checked, import_in,
    import_in_with, import_templates, import_templates_checked, import_with,
};

use crate::ids::{SourceId, TemplateId};
use crate::model::{Composition, Connection, Flow, Node, SourceKind, SourceRef, Template};
use crate::validation::{self, Catalog, Code, Diagnostic};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub const FLOW_FORMAT: &str = "flowloom.flow";
pub const TEMPLATES_FORMAT: &str = "flowloom.templates";
/// The newest format version this build reads, and the one it writes.
pub const FORMAT_VERSION: u32 = 1;
/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// JSON nested deeper than this is refused before parsing.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(
    title = "Flowloom flow file",
    description = "A query flow with every template it uses."
)]
#[serde(deny_unknown_fields)]
pub struct FlowFile {
    /// Always `flowloom.flow`.
    pub format: String,
    /// The format version; older versions are upgraded on import.
    pub format_version: u32,
    pub composition: Composition,
    /// Every template a node uses, sorted by id; several versions of one template when its
    /// nodes are built on different ones (sorted by version).
    pub templates: Vec<Template>,
    pub nodes: Vec<Node>,
    pub connections: Vec<Connection>,
    /// The data sources its templates run on other than `src_local`: each one's id and
    /// kind, never how to reach it (a workspace importing the file must have them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
}

/// A set of templates travelling without a flow (the starter templates ship as one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplatePack {
    pub format: String,
    pub format_version: u32,
    pub templates: Vec<Template>,
    /// As a flow file's: the sources its templates run on other than `src_local`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRef>,
}

/// Why a file could not be read as a flow file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Not something to look inside: too large, too deep, or not JSON.
    #[error("{}", .0.message)]
    Unreadable(Box<Diagnostic>),
    /// JSON, but not a flow file this build accepts; every problem is listed.
    #[error("{} problem(s) in the flow file", .0.len())]
    Invalid(Vec<Diagnostic>),
}

impl ReadError {
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Self::Unreadable(d) => vec![(**d).clone()],
            Self::Invalid(ds) => ds.clone(),
        }
    }
}

impl FlowFile {
    /// The file for `flow`, carrying `templates` (the versions its nodes use, sorted by id
    /// and version). A node names its template version only where the file carries more
    /// than one version of that template. The plan (`execution_order`) is left out: it is
    /// computed, never authored.
    pub fn new(flow: &Flow, templates: impl IntoIterator<Item = Template>) -> Self {
        let mut templates: Vec<Template> = templates
            .into_iter()
            .filter(|t| flow.nodes.iter().any(|n| uses(n, t)))
            .collect();
        templates.sort_by(|a, b| (&a.template_id, a.version).cmp(&(&b.template_id, b.version)));
        templates.dedup_by(|a, b| a.template_id == b.template_id && a.version == b.version);
        let mut nodes = flow.nodes.clone();
        for node in &mut nodes {
            node.execution_order = None;
            let carried = templates
                .iter()
                .filter(|t| t.template_id == node.template_id)
                .count();
            if carried == 1 {
                node.template_version = None;
            }
        }
        Self {
            format: FLOW_FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            composition: flow.composition.clone(),
            templates,
            nodes,
            connections: flow.connections.clone(),
            sources: Vec::new(),
        }
    }

    /// Reads a flow file, upgrading older versions; every structural problem at once.
    pub fn read(text: &str) -> Result<Self, ReadError> {
        let value = read_json(text)?;
        let value = upgrade::to_current(value, FLOW_FORMAT).map_err(ReadError::Invalid)?;
        let problems = schema::check_flow_file(&value);
        if !problems.is_empty() {
            return Err(ReadError::Invalid(problems));
        }
        typed(&value)
    }

    /// The flow it describes and the templates it carries.
    pub fn into_parts(self) -> (Flow, Vec<Template>) {
        let flow = Flow {
            composition: self.composition,
            nodes: self.nodes,
            connections: self.connections,
        };
        (flow, self.templates)
    }

    /// The canonical text: stable order, 2-space indentation, final newline.
    pub fn to_text(&self) -> String {
        to_text(self)
    }
}

impl TemplatePack {
    pub fn new(templates: impl IntoIterator<Item = Template>) -> Self {
        let mut templates: Vec<Template> = templates.into_iter().collect();
        templates.sort_by(|a, b| a.template_id.cmp(&b.template_id));
        Self {
            format: TEMPLATES_FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            templates,
            sources: Vec::new(),
        }
    }

    pub fn read(text: &str) -> Result<Self, ReadError> {
        let value = read_json(text)?;
        let value = upgrade::to_current(value, TEMPLATES_FORMAT).map_err(ReadError::Invalid)?;
        typed(&value)
    }

    pub fn to_text(&self) -> String {
        to_text(self)
    }
}

/// Everything wrong with a flow file: its structure, then what it means (validation against
/// the templates it carries), with file-level checks such as duplicate or unused templates.
/// Empty when the file is valid; warnings do not make it invalid.
pub fn check(text: &str) -> Result<(FlowFile, Vec<Diagnostic>), ReadError> {
    check_with_data_files(text, std::iter::empty())
}

/// [`check`] for a workspace whose data files give tables `data_files` (their stems): a
/// data-table node naming one of them is `table_name_taken_by_file`.
pub fn check_with_data_files(
    text: &str,
    data_files: impl IntoIterator<Item = String>,
) -> Result<(FlowFile, Vec<Diagnostic>), ReadError> {
    let workspace = Catalog::default().with_data_files(data_files);
    Ok(check_file(FlowFile::read(text)?, &workspace))
}

/// [`check`] of a file already read, against the templates it carries over those a workspace
/// has (`workspace`: see [`with_workspace`]), and the names its data files take.
pub fn check_file(file: FlowFile, workspace: &Catalog) -> (FlowFile, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut seen = BTreeSet::new();
    let newest = newest_versions(&file.templates);
    let used: BTreeSet<_> = file
        .nodes
        .iter()
        .map(|n| {
            let newest = newest.get(&n.template_id).copied().unwrap_or_default();
            (&n.template_id, n.template_version.unwrap_or(newest))
        })
        .collect();
    for (k, template) in file.templates.iter().enumerate() {
        let path = format!("/templates/{k}/template_id");
        let id = &template.template_id;
        diagnostics.extend(template_problems(k, template));
        let version = template.version;
        let named = if file
            .templates
            .iter()
            .filter(|t| &t.template_id == id)
            .count()
            > 1
        {
            format!("template `{id}` version {version}")
        } else {
            format!("template `{id}`")
        };
        if !seen.insert((id, version)) {
            diagnostics.push(Diagnostic::error(
                Code::DuplicateId,
                &path,
                format!("{named} is carried twice"),
            ));
        }
        if !used.contains(&(id, version)) {
            diagnostics.push(Diagnostic::warning(
                Code::UnusedOutput,
                &path,
                format!("{named} is carried but no node uses it"),
            ));
        }
    }
    diagnostics.extend(source_problems(&file.templates, &file.sources, workspace));
    // A file checked alone runs on the sources it lists (and `src_local`).
    let listed;
    let workspace = if workspace.knows_sources() {
        workspace
    } else {
        let sources = file.sources.iter().map(|s| (s.source_id.clone(), s.kind));
        listed = workspace
            .clone()
            .with_sources(std::iter::once((SourceId::local(), SourceKind::Local)).chain(sources));
        &listed
    };
    let (flow, catalog) = with_workspace(file.clone(), workspace);
    diagnostics.extend(validation::check(&flow, &catalog));
    diagnostics.sort_by_cached_key(|d| (validation::path_key(&d.path), d.code, d.message.clone()));
    diagnostics.dedup();
    (file, diagnostics)
}

/// The sources carried templates run on that the file does not list with their kind, and
/// those a workspace (`workspace`, when it knows its sources) has as another kind. (One the
/// workspace lacks is `unknown_source` on the nodes, from validation.)
pub(super) fn source_problems(
    templates: &[Template],
    listed: &[SourceRef],
    workspace: &Catalog,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (k, template) in templates.iter().enumerate() {
        let id = &template.source_id;
        if id.is_local() {
            continue;
        }
        let path = format!("/templates/{k}/source_id");
        let Some(listed) = listed.iter().find(|s| &s.source_id == id) else {
            out.push(Diagnostic::error(
                Code::UnknownSource,
                path,
                format!(
                    "template `{}` runs on data source `{id}`, which the file's `sources` does not list: add `{{\"source_id\": \"{id}\", \"kind\": \"postgres\"}}` (its kind) there",
                    template.template_id
                ),
            ));
            continue;
        };
        if let Some(kind) = workspace.source_kind(id)
            && kind != listed.kind
        {
            out.push(Diagnostic::error(
                Code::SourceCannotRun,
                path,
                format!(
                    "template `{}` runs on data source `{id}`, which the file says is {}, but this workspace's `{id}` is {kind}",
                    template.template_id, listed.kind
                ),
            ));
        }
    }
    out
}

/// What a workspace refuses to store of template `k` a file or pack carries, whatever uses
/// it: a malformed id, a blank name or SQL, version 0.
pub(super) fn template_problems(k: usize, template: &Template) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let id = &template.template_id;
    if !id.is_well_formed() {
        out.push(Diagnostic::error(
            Code::BadIdFormat,
            format!("/templates/{k}/template_id"),
            format!(
                "template id `{id}` must be `tpl_` followed by lowercase letters, digits or `_`"
            ),
        ));
    }
    if validation::is_blank(&template.name) {
        out.push(Diagnostic::error(
            Code::BlankText,
            format!("/templates/{k}/name"),
            format!("template `{id}` has no name: give it one"),
        ));
    }
    if validation::is_blank(&template.sql) {
        out.push(Diagnostic::error(
            Code::BlankText,
            format!("/templates/{k}/sql"),
            format!("template `{id}` has no SQL"),
        ));
    }
    if template.version == 0 {
        out.push(Diagnostic::error(
            Code::SchemaViolation,
            format!("/templates/{k}/version"),
            format!("template `{id}`: versions are numbered from 1"),
        ));
    }
    out
}

/// A file's flow and the templates it may use: those the file carries, over those of a
/// workspace (`workspace`, e.g. `Store::catalog_for`; empty for the file alone). A node that
/// names no version is on the newest version the file carries of its template, or on the
/// workspace's current one when the file carries none; one on an older version than the
/// workspace's current warns `template_changed`.
pub fn with_workspace(file: FlowFile, workspace: &Catalog) -> (Flow, Catalog) {
    let (mut flow, templates) = file.into_parts();
    let newest = newest_versions(&templates);
    for node in &mut flow.nodes {
        if node.template_version.is_none() {
            node.template_version = newest.get(&node.template_id).copied();
        }
    }
    let catalog = templates
        .into_iter()
        .fold(workspace.clone(), Catalog::with_version);
    (flow, catalog)
}

/// Whether `node` runs `template`: its version, or the newest carried when it names none.
fn uses(node: &Node, template: &Template) -> bool {
    node.template_id == template.template_id
        && node.template_version.is_none_or(|v| v == template.version)
}

/// The newest version carried of each template: the one a node naming none uses.
pub(super) fn newest_versions(templates: &[Template]) -> BTreeMap<&TemplateId, u32> {
    let mut newest = BTreeMap::new();
    for t in templates {
        let v = newest.entry(&t.template_id).or_insert(t.version);
        *v = (*v).max(t.version);
    }
    newest
}

fn to_text<T: Serialize>(document: &T) -> String {
    let mut text =
        serde_json::to_string_pretty(document).expect("a flow document always serialises");
    text.push('\n');
    text
}

/// Size, depth and syntax: the checks before anything looks inside.
fn read_json(text: &str) -> Result<Value, ReadError> {
    let unreadable = |message: String| {
        ReadError::Unreadable(Box::new(Diagnostic::error(Code::BadFile, "", message)))
    };
    // Editors on Windows start UTF-8 files with a byte order mark; it is no part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "the file is {:.1} MB; flow files are limited to {} MB",
            text.len() as f64 / 1e6,
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if let Some(line) = too_deep(text) {
        return Err(unreadable(format!(
            "the JSON nests deeper than {MAX_DEPTH} levels (at line {line})"
        )));
    }
    // A parameter value with more digits than a JSON number keeps is read as its digits.
    serde_json::from_str(&crate::value::exact_numbers(text))
        .map_err(|err| unreadable(format!("not valid JSON: {err}")))
}

/// The line at which brackets outside strings first nest deeper than [`MAX_DEPTH`].
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1usize, false, false);
    for byte in text.bytes() {
        match byte {
            b'\n' => line += 1,
            _ if in_string => match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            },
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The typed document, or where in it the JSON does not fit the Rust type.
fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, ReadError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = json_pointer(&err.path().to_string());
        ReadError::Invalid(vec![Diagnostic::error(
            Code::SchemaViolation,
            path,
            err.inner().to_string(),
        )])
    })
}

/// serde_path_to_error's `a.b[3].c` as a JSON pointer `/a/b/3/c`.
fn json_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    path.split('.')
        .flat_map(|part| part.split('[').map(|p| p.trim_end_matches(']')))
        .filter(|p| !p.is_empty())
        .map(|p| format!("/{}", validation::pointer_segment(p)))
        .collect()
}
