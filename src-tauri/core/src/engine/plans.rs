//! Planning template SQL on the local engine, once per statement text. A template run for
//! many values (a for-each node, a flow of many nodes on one template) binds new values into
//! the plan made the first time; what a statement reads (its tables, whether it calls a
//! function whose value changes) is parsed once too, for the result cache. A statement
//! without parameters is also optimized once (DataFusion's optimizer is most of the cost of
//! a small query), unless it reads the clock or draws random numbers.
//!
//! Queries plan in a snapshot of the engine's session taken at each refresh: a snapshot
//! copies every function registry, so it is taken once per run rather than once per query,
//! and `now()` is the run's start time in every node. Plans name the tables they read, so
//! they are dropped whenever a table is registered again.

use crate::validation::reuse::changing_function;
use datafusion::common::TableReference;
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::execution::context::SQLOptions;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// The session queries plan and execute in, and the plans kept.
pub(super) struct Planner {
    session: RwLock<Arc<Session>>,
    plans: Mutex<Plans>,
}

/// A snapshot of the engine's session, and the task context its queries execute in.
pub(super) struct Session {
    pub(super) state: SessionState,
    pub(super) task: Arc<TaskContext>,
    /// The session again for queries planned for fewer cores than the machine's, by that
    /// number (see [`Session::for_cores`]); made on first use.
    narrower: Mutex<HashMap<usize, Arc<Narrower>>>,
}

/// A session's state and task context for fewer cores.
pub(super) type Narrower = (SessionState, Arc<TaskContext>);

impl Session {
    fn of(ctx: &SessionContext) -> Arc<Self> {
        let state = ctx.state();
        let task = state.task_ctx();
        Arc::new(Self {
            state,
            task,
            narrower: Mutex::new(HashMap::new()),
        })
    }

    /// The state and task context of a query planned for `cores` threads, when that is
    /// fewer than the session's: its scans, joins and aggregates are split in that many
    /// partitions. Queries that run side by side share the query threads, and each splitting
    /// its work in as many parts as there are threads only adds exchanges between the parts
    /// (a tenth more time for W3's for-each). `None`: the session's own.
    pub(super) fn for_cores(&self, cores: usize) -> Option<Arc<Narrower>> {
        if cores >= self.state.config().target_partitions() {
            return None;
        }
        let cores = cores.max(1);
        let mut narrower = self.narrower.lock().expect(POISONED);
        let narrow = narrower.entry(cores).or_insert_with(|| {
            let mut state = self.state.clone();
            state.config_mut().options_mut().execution.target_partitions = cores;
            let task = state.task_ctx();
            Arc::new((state, task))
        });
        Some(narrow.clone())
    }
}

/// What is kept per statement text. `generation` counts the times tables were registered
/// again, so a plan made before one is not kept after it.
#[derive(Default)]
struct Plans {
    generation: u64,
    shapes: HashMap<String, Arc<Shape>>,
    logical: HashMap<String, LogicalPlan>,
    /// Optimized plans of statements without parameters whose value cannot change between
    /// runs (optimizing folds `now()` into a constant, so those are optimized every time).
    optimized: HashMap<String, LogicalPlan>,
    /// What checking a statement found (`LocalEngine::check`), by its text and its
    /// parameters' types.
    checked: HashMap<String, Option<super::PlanProblem>>,
}

/// What a statement reads, as the result cache needs it.
#[derive(Debug)]
pub(super) struct Shape {
    /// It calls a function whose value can change between runs (`random()`, `now()`).
    pub(super) changing: bool,
    pub(super) tables: Vec<TableReference>,
}

/// The most statement texts kept; past it the cache starts again (flows run a few dozen
/// templates, so this is only reached by templates that bind ever new table names).
const PLANS_MAX: usize = 512;

const POISONED: &str = "the planner's locks are never poisoned";

impl Planner {
    pub(super) fn new(ctx: &SessionContext) -> Self {
        Self {
            session: RwLock::new(Session::of(ctx)),
            plans: Mutex::new(Plans::default()),
        }
    }

    /// Takes a new session snapshot (a run starts); when `tables_changed`, the plans kept
    /// are dropped.
    pub(super) fn renew(&self, ctx: &SessionContext, tables_changed: bool) {
        if tables_changed {
            let mut plans = self.plans.lock().expect(POISONED);
            plans.generation += 1;
            plans.logical.clear();
            plans.optimized.clear();
            plans.checked.clear();
        }
        *self.session.write().expect(POISONED) = Session::of(ctx);
    }

    pub(super) fn session(&self) -> Arc<Session> {
        self.session.read().expect(POISONED).clone()
    }

    /// The logical plan of `sql`, its parameters still unbound and only reading (DDL, DML
    /// and session statements are refused): planned on first use and, when `reusable`, kept
    /// for the next.
    pub(super) async fn plan(
        &self,
        session: &Session,
        sql: &str,
        reusable: bool,
    ) -> Result<LogicalPlan, DataFusionError> {
        let generation = {
            let plans = self.plans.lock().expect(POISONED);
            if reusable && let Some(plan) = plans.logical.get(sql) {
                return Ok(plan.clone());
            }
            plans.generation
        };
        let plan = session.state.create_logical_plan(sql).await?;
        SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false)
            .verify_plan(&plan)?;
        if reusable {
            let mut plans = self.plans.lock().expect(POISONED);
            if plans.generation == generation {
                keep(&mut plans.logical, sql, plan.clone());
            }
        }
        Ok(plan)
    }

    /// The optimized plan of `sql`, a statement without parameters: optimized on first use
    /// and kept when its value cannot change between runs.
    pub(super) async fn optimized(
        &self,
        session: &Session,
        sql: &str,
    ) -> Result<LogicalPlan, DataFusionError> {
        let generation = {
            let plans = self.plans.lock().expect(POISONED);
            if let Some(plan) = plans.optimized.get(sql) {
                return Ok(plan.clone());
            }
            plans.generation
        };
        let plan = session
            .state
            .optimize(&self.plan(session, sql, true).await?)?;
        if !self.shape(sql)?.changing {
            let mut plans = self.plans.lock().expect(POISONED);
            if plans.generation == generation {
                keep(&mut plans.optimized, sql, plan.clone());
            }
        }
        Ok(plan)
    }

    /// What checking `key` found, kept since tables were last registered; otherwise the
    /// generation to hand [`Planner::keep_checked`].
    pub(super) fn checked(&self, key: &str) -> Result<Option<super::PlanProblem>, u64> {
        let plans = self.plans.lock().expect(POISONED);
        plans.checked.get(key).cloned().ok_or(plans.generation)
    }

    /// Keeps what checking `key` found, unless tables were registered since `generation`.
    pub(super) fn keep_checked(
        &self,
        key: String,
        generation: u64,
        problem: Option<super::PlanProblem>,
    ) {
        let mut plans = self.plans.lock().expect(POISONED);
        if plans.generation == generation {
            keep(&mut plans.checked, &key, problem);
        }
    }

    /// What `sql` reads and whether it calls a changing function, parsed once per text.
    pub(super) fn shape(&self, sql: &str) -> Result<Arc<Shape>, DataFusionError> {
        if let Some(shape) = self.plans.lock().expect(POISONED).shapes.get(sql) {
            return Ok(shape.clone());
        }
        let session = self.session();
        let state = &session.state;
        let parsed = state.sql_to_statement(sql, &state.config().options().sql_parser.dialect)?;
        let shape = Arc::new(Shape {
            changing: changing_function(&parsed, state).is_some(),
            tables: state.resolve_table_references(&parsed)?,
        });
        keep(
            &mut self.plans.lock().expect(POISONED).shapes,
            sql,
            shape.clone(),
        );
        Ok(shape)
    }
}

/// Keeps `value` for statement text `sql`; a full map starts again.
fn keep<T>(kept: &mut HashMap<String, T>, sql: &str, value: T) {
    if kept.len() >= PLANS_MAX {
        kept.clear();
    }
    kept.insert(sql.to_owned(), value);
}
