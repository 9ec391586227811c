//! A workspace's runs, whoever asks: one registry of the flows running in this process, and
//! through the run locks the history keeps, in others. A flow runs once at a time: whichever
//! side asks second (the window, the command line, a schedule) is refused, and any side can
//! cancel a run any other started.

use crate::engine::history::{self, HistoryError};
use crate::engine::plan_check::{self, Checker};
use crate::engine::run::{
    self, CancellationToken, FlowRun, NodeRun, Observer, RunContext, RunError, RunEvent, RunOptions,
};
use crate::engine::{Connector, PlanProblem};
use crate::ids::{CompositionId, SourceId};
use crate::model::{Flow, RunId, RunOrigin, RunStatus, Trigger};
use crate::render::Statement;
use crate::sources::{SourceError, Sources};
use crate::store::StoreError;
use crate::validation::{self, Diagnostic, ValidatedFlow};
use crate::workspace::Workspace;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How to run a flow, as a user asks it: plain data, the same from the run dialog, `flowloom
/// run` and a schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RunRequest {
    /// Global parameter values over their defaults. A value given as text (the run dialog's,
    /// `--param`'s) is read by its parameter's type: lists comma-separated or a JSON array.
    pub parameters: BTreeMap<String, Json>,
    /// Run only this node and what it needs ("run to here").
    pub to: Option<crate::NodeId>,
    /// Rerun this node and everything downstream, reusing kept results upstream ("run from
    /// here").
    pub from: Option<crate::NodeId>,
    /// Run every node even when an unchanged result could be reused.
    pub no_cache: bool,
    /// How many nodes may run at once (default: the number of cores).
    pub max_parallel: Option<u32>,
}

/// What a finished run came to, with what the screen showing its flow shows beside it: the
/// flow's runs (newest first, this one among them) and its bookkeeping (runs counted, last
/// run) — one answer for a click on Run.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct RunOutcome {
    pub run: crate::model::RunSummary,
    pub history: Vec<crate::model::RunSummary>,
    pub meta: crate::model::FlowMeta,
    /// The edits the run was asked with, saved before it started ([`Runs::flow_to_run`]).
    pub saved: Option<SavedFlow>,
}

/// A flow the window saved: the version it is now, and every problem it has (the
/// workspace's templates, and each node's SQL planned on its engine).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SavedFlow {
    pub version: u32,
    pub diagnostics: Vec<Diagnostic>,
}

/// A run in progress in this process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ActiveRun {
    pub composition_id: CompositionId,
    /// What started it: the window or command line (`manual`, `cli`) or a schedule's trigger.
    pub trigger: Trigger,
    /// The schedule that started it, if one did.
    pub schedule: Option<i64>,
}

/// What happens to the workspace's runs, for whoever listens (the window hears every run,
/// the scheduler's included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum RunNotice {
    /// A run started.
    Started { run: ActiveRun },
    /// A node of a run started or finished.
    Progress {
        composition_id: CompositionId,
        event: RunEvent,
    },
    /// A run ended: its id and outcome when it got as far as the history.
    Ended {
        composition_id: CompositionId,
        run_id: Option<RunId>,
        status: Option<RunStatus>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum RunsError {
    #[error("flow `{flow}` is already running ({by})")]
    AlreadyRunning { flow: CompositionId, by: String },
    #[error("the flow cannot run, it has problems:\n{}", lines(.0))]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("run {run} has no node `{node}`")]
    NoSuchNode { run: RunId, node: crate::NodeId },
    #[error("node `{node}` of run {run} has no stored result ({why})")]
    NoResult {
        run: RunId,
        node: crate::NodeId,
        why: String,
    },
    #[error("the edits sent to run flow `{flow}` are of flow `{edits}`")]
    NotThisFlow {
        flow: CompositionId,
        edits: CompositionId,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn lines(diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl From<HistoryError> for RunsError {
    fn from(err: HistoryError) -> Self {
        match err {
            HistoryError::Run(err) => Self::Run(err),
            HistoryError::Store(err) => Self::Store(err),
        }
    }
}

type Listener = Arc<dyn Fn(&RunNotice) + Send + Sync>;

/// A workspace's runs: start, cancel, list, hear. Cheap to clone; clones share the registry.
#[derive(Clone)]
pub struct Runs {
    inner: Arc<Inner>,
}

struct Inner {
    workspace: Workspace,
    connector: Arc<dyn Connector>,
    /// The workspace's other data sources, opened as runs need them.
    sources: Sources,
    active: Mutex<HashMap<CompositionId, Active>>,
    listeners: Mutex<Vec<Listener>>,
}

struct Active {
    run: ActiveRun,
    cancel: CancellationToken,
}

impl std::fmt::Debug for Runs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runs")
            .field("active", &self.active())
            .finish_non_exhaustive()
    }
}

impl Runs {
    /// The runs of `workspace`, whose queries go to `connector`.
    pub fn new(workspace: Workspace, connector: Arc<dyn Connector>) -> Self {
        Self {
            inner: Arc::new(Inner {
                sources: Sources::new(workspace.store().clone()),
                workspace,
                connector,
                active: Mutex::default(),
                listeners: Mutex::default(),
            }),
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.inner.workspace
    }

    /// `listener` hears every run from now on, whoever starts it.
    pub fn listen(&self, listener: impl Fn(&RunNotice) + Send + Sync + 'static) {
        lock(&self.inner.listeners).push(Arc::new(listener));
    }

    /// The stored flow `id`, validated against the workspace's templates.
    pub async fn validated_flow(&self, id: &CompositionId) -> Result<ValidatedFlow, RunsError> {
        let store = self.inner.workspace.store();
        let flow = store.get_flow(id).await?.flow;
        let catalog = store.catalog_for(&flow).await?;
        validation::validate(flow, &catalog).map_err(RunsError::Invalid)
    }

    /// Saves the window's edits to a stored flow (a new version when they changed it) and
    /// validates them once, as the canvas shows problems: what the save came to, and the
    /// flow ready to run when none of its problems is an error.
    pub async fn save(&self, flow: Flow) -> Result<(SavedFlow, Option<ValidatedFlow>), RunsError> {
        let store = self.inner.workspace.store();
        let version = store.save_flow(&flow).await?;
        let catalog = store.catalog_for(&flow).await?;
        let (diagnostics, valid) = plan_check::validate_in_workspace(flow, &catalog, self).await;
        Ok((
            SavedFlow {
                version,
                diagnostics,
            },
            valid,
        ))
    }

    /// Stored flow `id` ready to run, validated once: as stored, or with the window's
    /// `edits` (saved first: what the save came to is returned with it).
    pub async fn flow_to_run(
        &self,
        id: &CompositionId,
        edits: Option<Flow>,
    ) -> Result<(ValidatedFlow, Option<SavedFlow>), RunsError> {
        let Some(edits) = edits else {
            return Ok((self.validated_flow(id).await?, None));
        };
        if &edits.composition.composition_id != id {
            return Err(RunsError::NotThisFlow {
                flow: id.clone(),
                edits: edits.composition.composition_id,
            });
        }
        match self.save(edits).await? {
            (saved, Some(valid)) => Ok((valid, Some(saved))),
            (saved, None) => Err(RunsError::Invalid(saved.diagnostics)),
        }
    }

    /// Runs `flow` (a stored flow, as [`Runs::validated_flow`] gave it) as `request` asks and
    /// keeps it in the history; `observer` hears its progress. Refused when the flow is
    /// already running, here or in another process.
    pub async fn start(
        &self,
        flow: &ValidatedFlow,
        request: &RunRequest,
        origin: impl Into<RunOrigin>,
        observer: &dyn Observer,
    ) -> Result<(RunId, FlowRun), RunsError> {
        self.start_until(flow, request, origin, observer, &CancellationToken::new())
            .await
    }

    /// [`Runs::start`], the run also cancelled when `stop` is (Ctrl-C, a scheduler shutting
    /// down).
    pub async fn start_until(
        &self,
        flow: &ValidatedFlow,
        request: &RunRequest,
        origin: impl Into<RunOrigin>,
        observer: &dyn Observer,
        stop: &CancellationToken,
    ) -> Result<(RunId, FlowRun), RunsError> {
        let id = &flow.flow().composition.composition_id;
        let origin = origin.into();
        // What does not fit the flow is refused before the flow is claimed.
        let options = self.options(flow, request)?;
        run::check_options(flow, &options)?;
        let context = self.context(flow).await.cancelled_by(stop.child_token());
        let mut claim = self.claim(id, &origin, context.cancel.clone()).await?;
        let relay = Relay {
            runs: self,
            flow: id,
            observer,
        };
        let outcome = history::run_recorded(
            &self.inner.workspace,
            flow,
            context,
            &options,
            origin,
            &relay,
        )
        .await;
        let (run_id, report) = outcome?;
        claim.ended = Some((run_id, report.status));
        Ok((run_id, report))
    }

    /// What run `run` of flow `id` came to, with the flow's history and bookkeeping.
    pub async fn outcome(&self, id: &CompositionId, run: RunId) -> Result<RunOutcome, RunsError> {
        let store = self.inner.workspace.store();
        let (history, detail) = tokio::try_join!(store.list_runs(Some(id)), store.get_flow(id))?;
        let summary = match history.iter().find(|r| r.run_id == run) {
            Some(summary) => summary.clone(),
            None => store.get_run(run).await?.summary,
        };
        Ok(RunOutcome {
            run: summary,
            history,
            meta: detail.meta,
            saved: None,
        })
    }

    /// Runs `flow` (a flow file's, not stored) as `request` asks, keeping nothing: no
    /// history, no results to reuse. Cancelled when `stop` is.
    pub async fn run_unrecorded(
        &self,
        flow: &ValidatedFlow,
        request: &RunRequest,
        observer: &dyn Observer,
        stop: &CancellationToken,
    ) -> Result<FlowRun, RunsError> {
        let options = self.options(flow, request)?;
        let context = self.context(flow).await.cancelled_by(stop.child_token());
        Ok(run::run(flow, &context, &options, observer).await?)
    }

    /// Records that the stored flow `id` was asked to run by `origin` and could not start,
    /// with `why`: a FAILED run without nodes, so the history says what happened to a
    /// schedule's turn.
    pub async fn record_refused(
        &self,
        id: &CompositionId,
        request: &RunRequest,
        origin: impl Into<RunOrigin>,
        why: &str,
    ) -> Result<RunId, RunsError> {
        let store = self.inner.workspace.store();
        let flow = store.get_flow(id).await?.flow;
        let (run, ()) = store
            .start_run(&flow, &origin.into(), &request.parameters, |_| Ok(()))
            .await?;
        store.finish_run(run, RunStatus::Failed, Some(why)).await?;
        Ok(run)
    }

    /// Cancels the flow's run in progress here, whoever started it; says whether there was
    /// one.
    pub fn cancel(&self, id: &CompositionId) -> bool {
        lock(&self.inner.active)
            .get(id)
            .map(|active| active.cancel.cancel())
            .is_some()
    }

    /// The runs in progress in this process.
    pub fn active(&self) -> Vec<ActiveRun> {
        let mut runs: Vec<ActiveRun> = lock(&self.inner.active)
            .values()
            .map(|a| a.run.clone())
            .collect();
        runs.sort_by(|a, b| a.composition_id.cmp(&b.composition_id));
        runs
    }

    /// Whether the flow is running, here or in another process.
    pub async fn is_running(&self, id: &CompositionId) -> Result<bool, RunsError> {
        if lock(&self.inner.active).contains_key(id) {
            return Ok(true);
        }
        Ok(self.running_elsewhere(id).await?.is_some())
    }

    /// Takes the flow's place in the registry, or says who holds it.
    async fn claim(
        &self,
        id: &CompositionId,
        origin: &RunOrigin,
        cancel: CancellationToken,
    ) -> Result<Claim<'_>, RunsError> {
        let run = ActiveRun {
            composition_id: id.clone(),
            trigger: origin.trigger,
            schedule: origin.schedule,
        };
        {
            let mut active = lock(&self.inner.active);
            if let Some(holder) = active.get(id) {
                return Err(RunsError::AlreadyRunning {
                    flow: id.clone(),
                    by: started_by(&holder.run),
                });
            }
            active.insert(
                id.clone(),
                Active {
                    run: run.clone(),
                    cancel: cancel.clone(),
                },
            );
        }
        let claim = Claim {
            runs: self,
            flow: id.clone(),
            ended: None,
            announced: false,
        };
        // Another process's run holds the flow through its run lock.
        if let Some(other) = self.running_elsewhere(id).await? {
            return Err(RunsError::AlreadyRunning {
                flow: id.clone(),
                by: format!("run {other}, in another process"),
            });
        }
        self.notify(&RunNotice::Started { run });
        let mut claim = claim;
        claim.announced = true;
        Ok(claim)
    }

    /// The flow's run another live process is running, if any (one whose process died is
    /// marked FAILED "interrupted" on the way).
    async fn running_elsewhere(&self, id: &CompositionId) -> Result<Option<RunId>, StoreError> {
        let workspace = &self.inner.workspace;
        crate::run_locks::held_run(workspace.store(), workspace.root(), id).await
    }

    /// What running `flow` as `request` asks means for the engine (text parameters parsed by
    /// their types).
    fn options(&self, flow: &ValidatedFlow, request: &RunRequest) -> Result<RunOptions, RunsError> {
        let mut options = RunOptions {
            parameters: run::parameters_given(flow.flow(), &request.parameters)?,
            to: request.to.clone(),
            from: request.from.clone(),
            no_cache: request.no_cache,
            ..RunOptions::default()
        };
        if let Some(n) = request.max_parallel {
            options.max_parallel = usize::try_from(n).unwrap_or(usize::MAX);
        }
        Ok(options)
    }

    /// What a run of `flow` in this workspace works with: its engine, the other data
    /// sources the flow's templates run on, and its data tables.
    async fn context(&self, flow: &ValidatedFlow) -> RunContext {
        let mut used: Vec<SourceId> = flow
            .flow()
            .nodes
            .iter()
            .filter_map(|node| flow.template_of(node))
            .map(|template| &template.source_id)
            .filter(|source| !source.is_local())
            .cloned()
            .collect();
        used.sort();
        used.dedup();
        let sources = self.inner.sources.for_run(used).await;
        let context = RunContext {
            data_tables: Some(self.inner.workspace.store().clone()),
            ..RunContext::new(self.inner.connector.clone())
        };
        sources
            .into_iter()
            .fold(context, |context, (id, connector)| {
                context.with_source(id, connector)
            })
    }

    /// The workspace's data sources at work.
    pub fn sources(&self) -> &Sources {
        &self.inner.sources
    }

    /// Where a template on `source` runs: the workspace's engine, or the database's
    /// connector (opened on first use).
    pub async fn connector_for(
        &self,
        source: &SourceId,
    ) -> Result<Arc<dyn Connector>, SourceError> {
        if source.is_local() {
            return Ok(self.inner.connector.clone());
        }
        self.inner.sources.connector(source).await
    }

    fn notify(&self, notice: &RunNotice) {
        let listeners = lock(&self.inner.listeners).clone();
        for listener in listeners {
            listener(notice);
        }
    }
}

/// A workspace's templates are planned where they run: on its engine, or by the database of
/// the data source they name (one that cannot be opened now plans nothing: the run says why).
impl Checker for Runs {
    fn refresh_tables(&self) -> BoxFuture<'_, ()> {
        self.inner.connector.refresh_tables()
    }

    fn check<'a>(
        &'a self,
        source: &'a SourceId,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Option<PlanProblem>> {
        Box::pin(async move {
            let connector = self.connector_for(source).await.ok()?;
            connector.check(statement).await
        })
    }
}

fn started_by(run: &ActiveRun) -> String {
    match (run.trigger, run.schedule) {
        (_, Some(schedule)) => format!("started by schedule {schedule}"),
        (Trigger::Cli, None) => "started from the command line".into(),
        _ => "started from the window".into(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means a panic elsewhere mid-update; the data is still whole.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A flow's place in the registry while its run goes on; leaving it (however the run ends)
/// frees the flow and tells the listeners.
struct Claim<'a> {
    runs: &'a Runs,
    flow: CompositionId,
    ended: Option<(RunId, RunStatus)>,
    /// Whether the listeners heard it start (and so must hear it end).
    announced: bool,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        lock(&self.runs.inner.active).remove(&self.flow);
        if !self.announced {
            return;
        }
        self.runs.notify(&RunNotice::Ended {
            composition_id: self.flow.clone(),
            run_id: self.ended.map(|(id, _)| id),
            status: self.ended.map(|(_, status)| status),
        });
    }
}

/// Passes a run's progress to its own observer and to the listeners.
struct Relay<'a> {
    runs: &'a Runs,
    flow: &'a CompositionId,
    observer: &'a dyn Observer,
}

impl Observer for Relay<'_> {
    fn event(&self, event: RunEvent) {
        self.runs.notify(&RunNotice::Progress {
            composition_id: self.flow.clone(),
            event: event.clone(),
        });
        self.observer.event(event);
    }

    fn node_finished(&self, node: &NodeRun) {
        self.observer.node_finished(node);
    }
}
