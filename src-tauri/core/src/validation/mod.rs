//! Validation: the one way a [`Flow`] becomes a [`ValidatedFlow`] (parse, then validate).
//!
//! Every problem is reported at once, sorted by where it is and deduplicated, each as a
//! [`Diagnostic`] with a stable code. The engine accepts nothing but a `ValidatedFlow`.
//!
//! Invariant: graph indices live only inside one call (see [`graph`]); diagnostics name
//! nodes and connections by their domain ids and by their path in the flow file layout.

mod conditions;
mod diagnostic;
mod graph;
mod parameters;
pub(crate) mod reuse;
mod table_nodes;
pub(crate) mod values;

pub use diagnostic::{Code, Diagnostic, Severity, pointer_segment};
pub use graph::{Cycle, FlowGraph, Plan};

use crate::ids::{NodeId, SourceId, TemplateId};
use crate::model::{Flow, Node, SourceKind, TableSchema, Template, TemplateDetail, TemplateKind};
use crate::render::{self, RenderError};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// The templates a flow may use: each one's current version, whether it may be placed, and
/// the earlier versions nodes are pinned to.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    templates: BTreeMap<TemplateId, Entry>,
    /// The names the workspace's data files give tables (`data/<name>.csv`, …), which a data
    /// table must not share; empty where no workspace is known.
    data_files: std::collections::BTreeSet<String>,
    /// The workspace's data tables by name, with their schemas; `None` where no workspace is
    /// known (a file checked alone), so nothing is said about the tables nodes name.
    data_tables: Option<BTreeMap<String, TableSchema>>,
    /// The workspace's data sources and their kinds; `None` where no workspace is known (a
    /// file checked alone), so nothing is said about the sources templates name.
    sources: Option<BTreeMap<SourceId, SourceKind>>,
}

#[derive(Debug, Clone)]
struct Entry {
    current: Template,
    active: bool,
    earlier: BTreeMap<u32, Template>,
}

impl Catalog {
    /// A workspace's templates, active or not, as they are now (see [`Catalog::with_version`]
    /// for the earlier versions a flow's nodes are pinned to).
    pub fn from_details(details: impl IntoIterator<Item = TemplateDetail>) -> Self {
        Self {
            templates: details
                .into_iter()
                .map(|d| {
                    let entry = Entry {
                        current: d.template,
                        active: d.is_active,
                        earlier: BTreeMap::new(),
                    };
                    (entry.current.template_id.clone(), entry)
                })
                .collect(),
            data_files: std::collections::BTreeSet::new(),
            data_tables: None,
            sources: None,
        }
    }

    /// This catalog with the names the workspace's data files give tables (see
    /// `tables::data_file_names`): a data-table node naming one is an error.
    pub fn with_data_files(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.data_files.extend(names);
        self
    }

    /// This catalog knowing the workspace's data tables (`Store::table_schemas`): a
    /// data-table node's write is checked against its table's schema, and a table that does
    /// not exist is `unknown_table`.
    pub fn with_data_tables(
        mut self,
        tables: impl IntoIterator<Item = (String, TableSchema)>,
    ) -> Self {
        self.data_tables = Some(tables.into_iter().collect());
        self
    }

    /// This catalog knowing the workspace's data sources: a template naming another is
    /// `unknown_source`.
    pub fn with_sources(
        mut self,
        sources: impl IntoIterator<Item = (SourceId, SourceKind)>,
    ) -> Self {
        self.sources = Some(sources.into_iter().collect());
        self
    }

    /// Whether this catalog knows the workspace's sources.
    pub fn knows_sources(&self) -> bool {
        self.sources.is_some()
    }

    /// The kind of the workspace's source `id`, when the workspace is known and has it.
    pub fn source_kind(&self, id: &SourceId) -> Option<SourceKind> {
        self.sources.as_ref()?.get(id).copied()
    }

    /// The workspace's data tables, when the workspace is known.
    pub fn data_tables(&self) -> Option<&BTreeMap<String, TableSchema>> {
        self.data_tables.as_ref()
    }

    /// Whether a data file of the workspace gives a table the name `name`.
    pub fn has_data_file(&self, name: &str) -> bool {
        self.data_files.contains(name)
    }

    /// Templates carried by a file, all active; of several versions of one template, the
    /// newest is its current one.
    pub fn from_templates(templates: impl IntoIterator<Item = Template>) -> Self {
        let mut catalog = Self::default();
        for template in templates {
            catalog.add(template, true);
        }
        catalog
    }

    /// Adds `template` as one of its template's versions (an earlier one, or the newest).
    pub fn with_version(mut self, template: Template) -> Self {
        self.add(template, true);
        self
    }

    fn add(&mut self, template: Template, active: bool) {
        match self.templates.get_mut(&template.template_id) {
            None => {
                let entry = Entry {
                    current: template,
                    active,
                    earlier: BTreeMap::new(),
                };
                self.templates
                    .insert(entry.current.template_id.clone(), entry);
            }
            Some(entry) if template.version > entry.current.version => {
                let old = std::mem::replace(&mut entry.current, template);
                entry.earlier.insert(old.version, old);
            }
            Some(entry) if template.version < entry.current.version => {
                entry.earlier.insert(template.version, template);
            }
            Some(entry) => entry.current = template,
        }
    }

    /// The template as it is now.
    pub fn get(&self, id: &TemplateId) -> Option<&Template> {
        self.templates.get(id).map(|e| &e.current)
    }

    /// The template `node` runs: the version it is pinned to, or the current one.
    pub fn for_node(&self, node: &Node) -> Option<&Template> {
        let entry = self.templates.get(&node.template_id)?;
        match node.template_version {
            Some(v) if v != entry.current.version => entry.earlier.get(&v),
            _ => Some(&entry.current),
        }
    }

    fn is_active(&self, id: &TemplateId) -> bool {
        self.templates.get(id).is_some_and(|e| e.active)
    }
}

/// A flow that passed validation, with its plan and the templates it uses; every node in it
/// names the template version it runs.
#[derive(Debug, Clone)]
pub struct ValidatedFlow {
    flow: Flow,
    plan: Plan,
    /// By id, then version.
    templates: BTreeMap<TemplateId, BTreeMap<u32, Template>>,
    warnings: Vec<Diagnostic>,
}

impl ValidatedFlow {
    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The template version `node` (one of this flow's) runs.
    pub fn template_of(&self, node: &Node) -> Option<&Template> {
        self.templates
            .get(&node.template_id)?
            .get(&node.template_version?)
    }

    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The flow with each node's `execution_order` set from the plan.
    pub fn into_planned_flow(mut self) -> Flow {
        for (node, &level) in self.flow.nodes.iter_mut().zip(&self.plan.levels) {
            node.execution_order = Some(level);
        }
        self.flow
    }
}

/// Validates `flow` against `catalog`: a `ValidatedFlow` (warnings allowed), or every
/// diagnostic found (at least one of them an error).
pub fn validate(flow: Flow, catalog: &Catalog) -> Result<ValidatedFlow, Vec<Diagnostic>> {
    let graph = FlowGraph::new(&flow);
    let diagnostics = check_with(&flow, catalog, &graph);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let plan = graph
        .plan()
        .expect("a flow without diagnostics has no cycle");
    drop(graph);
    let mut flow = flow;
    let mut templates = BTreeMap::new();
    for node in &mut flow.nodes {
        let template = catalog
            .for_node(node)
            .expect("a flow without diagnostics has every template it uses");
        node.template_version = Some(template.version);
        let versions: &mut BTreeMap<u32, Template> = match templates.get_mut(&node.template_id) {
            Some(versions) => versions,
            None => templates.entry(node.template_id.clone()).or_default(),
        };
        versions
            .entry(template.version)
            .or_insert_with(|| template.clone());
    }
    Ok(ValidatedFlow {
        flow,
        plan,
        templates,
        warnings: diagnostics,
    })
}

/// Every problem in `flow`, errors and warnings, sorted by path and deduplicated.
pub fn check(flow: &Flow, catalog: &Catalog) -> Vec<Diagnostic> {
    check_with(flow, catalog, &FlowGraph::new(flow))
}

fn check_with(flow: &Flow, catalog: &Catalog, graph: &FlowGraph<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_ids(flow, graph, &mut out);
    check_templates(flow, catalog, &mut out);
    for cycle in graph.cycles() {
        let path: Vec<&str> = cycle.path.iter().map(NodeId::as_str).collect();
        let index = flow
            .nodes
            .iter()
            .position(|n| n.node_id == cycle.path[0])
            .unwrap_or(0);
        let mut d = Diagnostic::error(
            Code::Cycle,
            format!("/nodes/{index}"),
            format!(
                "these nodes feed each other in a circle: {}",
                path.join(" → ")
            ),
        );
        d.node_ids = cycle.component;
        d.connection_ids = cycle.connections;
        d.cycle = cycle.path;
        out.push(d);
    }
    parameters::check(flow, catalog, graph, &mut out);
    table_nodes::check(flow, catalog, &mut out);
    reuse::check(flow, catalog, graph, &mut out);
    finish(out)
}

fn check_ids(flow: &Flow, graph: &FlowGraph<'_>, out: &mut Vec<Diagnostic>) {
    let c = &flow.composition;
    if is_blank(&c.name) {
        out.push(Diagnostic::error(
            Code::BlankText,
            "/composition/name",
            "the flow has no name: give it one",
        ));
    }
    if !c.composition_id.is_well_formed() {
        out.push(Diagnostic::error(
            Code::BadIdFormat,
            "/composition/composition_id",
            format!(
                "flow id `{}` must be `comp_` followed by lowercase letters, digits or `_`",
                c.composition_id
            ),
        ));
    }
    if flow.nodes.is_empty() {
        out.push(Diagnostic::error(
            Code::EmptyFlow,
            "/nodes",
            "the flow has no nodes: add at least one to run it",
        ));
    }
    for (i, node) in flow.nodes.iter().enumerate() {
        let path = || format!("/nodes/{i}/node_id");
        if !node.node_id.is_well_formed() {
            out.push(
                Diagnostic::error(
                    Code::BadIdFormat,
                    path(),
                    format!("node id `{}` must start with a lowercase letter and hold only lowercase letters, digits or `_`", node.node_id),
                )
                .node(&node.node_id),
            );
        }
        let j = graph.first_position(i);
        if j != i {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    path(),
                    format!("node id `{}` is already used by /nodes/{j}", node.node_id),
                )
                .node(&node.node_id),
            );
        }
    }
    let mut seen = HashMap::with_capacity_and_hasher(flow.connections.len(), Default::default());
    for (i, conn) in flow.connections.iter().enumerate() {
        let path = || format!("/connections/{i}/connection_id");
        if !conn.connection_id.is_well_formed() {
            out.push(
                Diagnostic::error(
                    Code::BadIdFormat,
                    path(),
                    format!("connection id `{}` must start with a lowercase letter and hold only lowercase letters, digits or `_`", conn.connection_id),
                )
                .connection(&conn.connection_id),
            );
        }
        if let Some(j) = seen.get(&conn.connection_id) {
            out.push(
                Diagnostic::error(
                    Code::DuplicateId,
                    path(),
                    format!(
                        "connection id `{}` is already used by /connections/{j}",
                        conn.connection_id
                    ),
                )
                .connection(&conn.connection_id),
            );
        } else {
            seen.insert(&conn.connection_id, i);
        }
        let (source, target) = graph.connection_ends(i);
        for (end, id, found) in [
            ("source_node_id", &conn.source_node_id, source),
            ("target_node_id", &conn.target_node_id, target),
        ] {
            if found.is_none() {
                out.push(
                    Diagnostic::error(
                        Code::DanglingConnection,
                        format!("/connections/{i}/{end}"),
                        format!(
                            "connection `{}` {} `{id}`, which is not a node of this flow",
                            conn.connection_id,
                            if end == "source_node_id" {
                                "starts at"
                            } else {
                                "ends at"
                            }
                        ),
                    )
                    .connection(&conn.connection_id),
                );
            }
        }
    }
}

/// Whether the source `node`'s template runs on is one the workspace has, of a kind that can
/// run it (a data-table template works on the workspace's own engine).
fn source_problem(
    node: &Node,
    template: &Template,
    catalog: &Catalog,
    path: String,
) -> Option<Diagnostic> {
    let sources = catalog.sources.as_ref()?;
    let source = &template.source_id;
    let problem = match sources.get(source) {
        None => Diagnostic::error(
            Code::UnknownSource,
            path,
            format!(
                "node `{}` uses template `{}`, which runs on data source `{source}`, unknown here: add it to the workspace in the app's Data sources screen or with `flowloom sources add {} --kind postgres --host … --database … --user …`",
                node.node_id,
                template.template_id,
                source.as_str().trim_start_matches(SourceId::PREFIX),
            ),
        ),
        Some(kind) if template.kind == TemplateKind::DataTable && *kind != SourceKind::Local => {
            Diagnostic::error(
                Code::SourceCannotRun,
                path,
                format!(
                    "node `{}` uses data-table template `{}` on data source `{source}` ({kind}): data tables live in the workspace, so a data-table template runs on `src_local`",
                    node.node_id, template.template_id,
                ),
            )
        }
        Some(_) => return None,
    };
    Some(problem.node(&node.node_id))
}

fn check_templates(flow: &Flow, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    // Each template version's SQL is parsed once, however many nodes use it.
    let mut parsed: BTreeMap<(&TemplateId, u32), Option<String>> = BTreeMap::new();
    for (i, node) in flow.nodes.iter().enumerate() {
        let path = || format!("/nodes/{i}/template_id");
        let id = &node.template_id;
        if catalog.get(id).is_none() {
            let (code, message) = if id.is_well_formed() {
                (
                    Code::UnknownTemplate,
                    format!(
                        "node `{}` uses template `{id}`, which does not exist",
                        node.node_id
                    ),
                )
            } else {
                (
                    Code::BadIdFormat,
                    format!(
                        "template id `{id}` must be `tpl_` followed by lowercase letters, digits or `_`"
                    ),
                )
            };
            out.push(Diagnostic::error(code, path(), message).node(&node.node_id));
        } else if !catalog.is_active(id) {
            out.push(
                Diagnostic::error(
                    Code::InactiveTemplate,
                    path(),
                    format!(
                        "node `{}` uses template `{id}`, which is inactive",
                        node.node_id
                    ),
                )
                .node(&node.node_id),
            );
        } else if let Some(problem) =
            pinned_version_problem(node, catalog, format!("/nodes/{i}/template_version"))
        {
            out.push(problem);
        }
        if let Some(template) = catalog.for_node(node)
            && let Some(problem) = source_problem(node, template, catalog, path())
        {
            out.push(problem);
        }
        // SQL for another engine is that engine's dialect: it checks it itself.
        if let Some(template) = catalog.for_node(node)
            && template.source_id.is_local()
            && check_sql(node, template, path(), out)
            && let Some(why) = parsed
                .entry((&template.template_id, template.version))
                .or_insert_with(|| sql_syntax_problem(template))
        {
            out.push(
                Diagnostic::error(
                    Code::SqlSyntax,
                    path(),
                    format!(
                        "node `{}` uses template `{}` (version {}), whose SQL does not parse: {why}",
                        node.node_id, template.template_id, template.version
                    ),
                )
                .node(&node.node_id),
            );
        }
    }
}

/// The names of the data tables `flow`'s create nodes make (as far as the flow says before
/// it runs): a query of a later node may read one that does not exist yet.
pub fn tables_created(flow: &Flow, catalog: &Catalog) -> std::collections::BTreeSet<String> {
    table_nodes::created(flow, catalog)
        .into_keys()
        .map(str::to_owned)
        .collect()
}

/// Whether `text` is empty or only whitespace.
pub fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Why `template`'s SQL is not one statement of the SQL the engine parses (its placeholders
/// standing for values, as they are bound), or `None`. The parser recurses as the SQL nests:
/// it runs on a deep stack, within the limits `render::check_size` holds SQL to. SQL that
/// rendering refuses, blank SQL and a data-table template's are not parsed.
pub fn sql_syntax_problem(template: &Template) -> Option<String> {
    use datafusion::sql::parser::DFParser;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    // Blank SQL is `blank_text`, said of the template.
    if template.kind == TemplateKind::DataTable
        || is_blank(&template.sql)
        || !render::problems(&template.sql, &template.parameters).is_empty()
    {
        return None;
    }
    // The text as bound: each value a placeholder, wherever it stands.
    let sql = render::unbound(template)?.shape();
    crate::deep_stack::run(
        || match DFParser::parse_sql_with_dialect(&sql, &GenericDialect {}) {
            Err(err) => Some(err.strip_backtrace()),
            Ok(statements) if statements.len() == 1 => None,
            Ok(statements) => Some(format!(
                "it holds {} statements; a template runs exactly one",
                statements.len()
            )),
        },
    )
}

/// What rendering `node`'s template would refuse whatever the values: the run would fail
/// the node, so validation says it first. Whether rendering accepts it (a data-table
/// template has no SQL to render).
fn check_sql(node: &Node, template: &Template, path: String, out: &mut Vec<Diagnostic>) -> bool {
    if template.kind == TemplateKind::DataTable {
        return false;
    }
    let problems = render::problems(&template.sql, &template.parameters);
    let renders = problems.is_empty();
    for problem in problems {
        let name = match &problem {
            RenderError::UnknownPlaceholder { name, .. }
            | RenderError::QuotedPlaceholder { name, .. }
            | RenderError::MissingValue { name } => Some(name.as_str()),
            RenderError::Unclosed { .. } | RenderError::TooLong | RenderError::TooManyOperators => {
                None
            }
        };
        let mut d = Diagnostic::error(
            Code::BadTemplateSql,
            &path,
            format!(
                "node `{}` uses template `{}` (version {}), whose SQL cannot run: {problem}",
                node.node_id, template.template_id, template.version
            ),
        )
        .node(&node.node_id);
        if let Some(name) = name {
            d = d.parameter(name);
        }
        out.push(d);
    }
    renders
}

/// A node pinned to a version of its template that does not exist (an error), or to an
/// older one than the current (a warning, until the user updates the node or declines that
/// version).
fn pinned_version_problem(node: &Node, catalog: &Catalog, path: String) -> Option<Diagnostic> {
    let pinned = node.template_version?;
    let current = catalog.get(&node.template_id)?;
    let (id, now) = (&node.template_id, current.version);
    if catalog.for_node(node).is_none() {
        return Some(
            Diagnostic::error(
                Code::UnknownTemplateVersion,
                path,
                format!(
                    "node `{}` is built on version {pinned} of template `{id}`, which has no such version (its newest is {now})",
                    node.node_id
                ),
            )
            .node(&node.node_id),
        );
    }
    let declined = node.node_config.declined_template_version;
    (pinned < now && declined.is_none_or(|d| d < now)).then(|| {
        Diagnostic::warning(
            Code::TemplateChanged,
            path,
            format!(
                "node `{}` uses version {pinned} of template `{}` ({id}), which is now at version {now}: update the node, or keep version {pinned}",
                node.node_id, current.name
            ),
        )
        .node(&node.node_id)
    })
}

/// Sorts by path (numbers compared as numbers), then code, and drops repeats.
pub fn finish(mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    out.sort_by_cached_key(|d| (path_key(&d.path), d.code, d.message.clone()));
    out.dedup();
    out
}

/// A sort key for JSON pointers that compares array indices as numbers.
pub(crate) fn path_key(path: &str) -> Vec<(u64, String)> {
    path.split('/')
        .map(|seg| {
            seg.parse::<u64>()
                .map_or((u64::MAX, seg.to_owned()), |n| (n, String::new()))
        })
        .collect()
}
