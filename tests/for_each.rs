//! For-each nodes run their values at once, within the run's `max_parallel` (shared with the
//! other nodes), and still give their rows in the order of the values; each value has the
//! node's timeout to itself; a cancel stops every value in flight.
//!
//! The engine is watched through a [`Connector`] around the real one that counts the
//! queries in flight and, to make values finish out of their order, holds each for a while
//! that shrinks with its value.

use flowloom_core::Node;
use flowloom_core::engine::run::{
    self, CancellationToken, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::engine::{Connector, EngineError, LocalEngine, ResultStream};
use flowloom_core::flowfile::FlowFile;
use flowloom_core::render::Statement;
use flowloom_core::validation::{self, Catalog, ValidatedFlow};
use flowloom_core::value::Value;
use futures::StreamExt;
use futures::future::BoxFuture;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn quiet(_: RunEvent) {}

/// Items 1..=ITEMS; item `i` has `i % 4` parts (some none), part numbers `i * 10 + j`.
const ITEMS: i64 = 60;

/// The real engine, with the queries in flight counted (from `run` until the stream is
/// dropped) and each query held `hold(statement)` before it starts.
#[derive(Debug)]
struct Watched {
    inner: Arc<LocalEngine>,
    hold: fn(&Statement) -> Duration,
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Watched {
    fn new(inner: Arc<LocalEngine>, hold: fn(&Statement) -> Duration) -> Arc<Self> {
        Arc::new(Self {
            inner,
            hold,
            in_flight: Arc::default(),
            most: Arc::default(),
        })
    }
}

/// Gives the count back when dropped: with the stream, or with a query cut off while held.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Connector for Watched {
    fn run<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<ResultStream, EngineError>> {
        Box::pin(async move {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            let guard = InFlight(self.in_flight.clone());
            self.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep((self.hold)(statement)).await;
            let stream = self.inner.run(statement).await?;
            let batches = stream
                .batches
                .map(move |batch| {
                    let _still = &guard;
                    batch
                })
                .boxed();
            Ok(ResultStream {
                schema: stream.schema,
                batches,
            })
        })
    }
}

/// The value of a for-each query (its one list's one value), or 0 for other queries.
fn value_of(statement: &Statement) -> i64 {
    match statement.lists.first().map(|l| l.values.as_slice()) {
        Some([Value::Integer(v)]) => *v,
        _ => 0,
    }
}

/// Later values are held less, so they finish before earlier ones.
fn hold_shrinking(statement: &Statement) -> Duration {
    Duration::from_millis(u64::try_from(2 * value_of(statement)).unwrap_or(0))
}

/// The fixture flow with only `keep` of its nodes, each edited by `edit`, and a data folder
/// holding `parts.csv`; every (item, part) row of it, in file order.
async fn many(
    keep: &[&str],
    edit: impl Fn(&mut Node),
) -> (
    ValidatedFlow,
    Arc<LocalEngine>,
    Vec<(i64, i64)>,
    tempfile::TempDir,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/for-each-many.flow.json"))
        .expect("fixture");
    let (mut flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    flow.nodes.retain(|n| keep.contains(&n.node_id.as_str()));
    flow.nodes.iter_mut().for_each(edit);
    flow.connections.retain(|c| {
        keep.contains(&c.source_node_id.as_str()) && keep.contains(&c.target_node_id.as_str())
    });
    let validated = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("item,part\n");
    let mut rows = Vec::new();
    // Written parts last first, so that file order is no answer.
    for item in (1..=ITEMS).rev() {
        for j in (0..item % 4).rev() {
            let part = item * 10 + j;
            let _ = writeln!(csv, "{item},{part}");
            rows.push((item, part));
        }
    }
    std::fs::write(dir.path().join("parts.csv"), csv).expect("data file");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    (validated, engine, rows, dir)
}

/// Every row of `column` as integers, in result order.
fn ints(result: &run::NodeResult, column: &str) -> Vec<i64> {
    use flowloom_core::engine::arrow::array::AsArray;
    use flowloom_core::engine::arrow::compute::cast;
    use flowloom_core::engine::arrow::datatypes::{DataType, Int64Type};
    result
        .batches
        .iter()
        .flat_map(|b| {
            let array = b.column(b.schema().index_of(column).expect("column"));
            let wide = cast(array, &DataType::Int64).expect("an integer column");
            wide.as_primitive::<Int64Type>()
                .iter()
                .flatten()
                .collect::<Vec<_>>()
        })
        .collect()
}

/// 60 values, up to four at once with an independent node beside them, later values
/// finishing first: the rows come in the order of the values (the upstream's, items
/// descending), each value's parts in part order, as computed here from the file; the
/// same rows one at a time. Never more than `max_parallel` queries at once, and as many
/// when the values have the budget to themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_run_at_once_within_the_budget_and_keep_their_order() {
    let (flow, engine, rows, _dir) = many(&["items", "parts", "count"], |_| {}).await;
    let mut expected: Vec<(i64, i64, i64)> = Vec::new();
    let mut items: Vec<i64> = rows.iter().map(|(item, _)| *item).collect();
    items.sort_unstable_by(|a, b| b.cmp(a));
    items.dedup();
    for item in &items {
        let mut parts: Vec<i64> = rows
            .iter()
            .filter(|(i, _)| i == item)
            .map(|(_, p)| *p)
            .collect();
        parts.sort_unstable();
        expected.extend(parts.into_iter().map(|p| (*item, p, *item)));
    }

    for max_parallel in [4, 1] {
        let watched = Watched::new(engine.clone(), hold_shrinking);
        let options = RunOptions {
            max_parallel,
            ..RunOptions::default()
        };
        let report = run::run(&flow, &RunContext::new(watched.clone()), &options, &quiet)
            .await
            .expect("starts");
        assert_eq!(report.status, RunStatus::Completed, "{report:#?}");
        let parts = report.node("parts").expect("node");
        let result = parts.result.as_ref().expect("a result");
        let got: Vec<(i64, i64, i64)> = ints(result, "item")
            .into_iter()
            .zip(ints(result, "part"))
            .zip(ints(result, "items"))
            .map(|((item, part), value)| (item, part, value))
            .collect();
        assert_eq!(got, expected, "max_parallel {max_parallel}");
        assert_eq!(
            watched.most.load(Ordering::SeqCst),
            max_parallel,
            "the most queries at once"
        );
        assert_eq!(watched.in_flight.load(Ordering::SeqCst), 0);
    }
}

/// Each value has the node's timeout to itself: four values held 2 s each, two at a time,
/// take over 4 s under a 3 s timeout and complete; a value held past it fails the node,
/// naming the value, about when its own timeout ends, and the others stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_value_has_the_timeout_to_itself() {
    let (flow, engine, _, _dir) = many(&["parts"], |node| {
        node.node_config.timeout_seconds = Some(3);
        node.parameter_overrides = [("items".to_owned(), serde_json::json!([1, 2, 3, 5]))].into();
    })
    .await;
    let options = RunOptions {
        max_parallel: 2,
        ..RunOptions::default()
    };

    let watched = Watched::new(engine.clone(), |_| Duration::from_secs(2));
    let started = Instant::now();
    let report = run::run(&flow, &RunContext::new(watched), &options, &quiet)
        .await
        .expect("starts");
    let parts = report.node("parts").expect("node");
    assert_eq!(parts.status, NodeStatus::Completed, "{:?}", parts.error);
    assert!(started.elapsed() >= Duration::from_secs(4));

    let watched = Watched::new(engine, |s| {
        Duration::from_millis(if value_of(s) == 3 { 30_000 } else { 100 })
    });
    let started = Instant::now();
    let report = run::run(&flow, &RunContext::new(watched.clone()), &options, &quiet)
        .await
        .expect("starts");
    let parts = report.node("parts").expect("node");
    assert_eq!(parts.status, NodeStatus::Failed);
    assert_eq!(
        parts.error.as_deref(),
        Some("for `items` = 3: timed out after 3 s")
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(
        watched.in_flight.load(Ordering::SeqCst),
        0,
        "the others stopped"
    );
}

/// A cancel while a for-each node's values run (each a query that would take hours) stops
/// them all: the run ends cancelled, the node with it, no query left in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_stops_every_value_in_flight() {
    let (flow, engine, _, _dir) = many(&["endless"], |_| {}).await;
    let watched = Watched::new(engine, |_| Duration::ZERO);
    let options = RunOptions {
        max_parallel: 3,
        ..RunOptions::default()
    };
    let cancel = CancellationToken::new();
    let context = RunContext::new(watched.clone()).cancelled_by(cancel.clone());
    let in_flight = watched.in_flight.clone();
    let observer = |event: RunEvent| {
        if matches!(&event, RunEvent::NodeStarted { .. }) {
            let cancel = cancel.clone();
            let in_flight = in_flight.clone();
            tokio::spawn(async move {
                // Once the values fill the budget.
                while in_flight.load(Ordering::SeqCst) < 3 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
                cancel.cancel();
            });
        }
    };
    let started = Instant::now();
    let report = run::run(&flow, &context, &options, &observer)
        .await
        .expect("starts");
    assert_eq!(report.status, RunStatus::Cancelled);
    let endless = report.node("endless").expect("node");
    assert_eq!(endless.status, NodeStatus::Cancelled);
    assert_eq!(watched.most.load(Ordering::SeqCst), 3);
    assert_eq!(watched.in_flight.load(Ordering::SeqCst), 0);
    assert!(started.elapsed() < Duration::from_secs(60));
}
