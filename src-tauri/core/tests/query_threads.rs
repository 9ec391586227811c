//! A query that is stopped stops using the CPU, whatever kind of work it was doing. Its own
//! test binary, so that the query threads it measures run nothing but this test's queries.

use flowloom_core::engine::executor::QUERY_THREAD_NAME;
use flowloom_core::engine::{Connector, LocalEngine};
use flowloom_core::render;
use futures::TryStreamExt;
use std::collections::BTreeMap;
use std::time::Duration;

/// Queries that would each run for hours, and none of which yields by itself: the join
/// feeds the operator above it without the scans below being read again.
const EXPENSIVE: [&str; 4] = [
    // A cross join summed.
    "SELECT sum(a.value * b.value) AS total FROM range(1000000) a CROSS JOIN range(1000000) b",
    // A nested loop join where no pair matches, so it has no output to stop at (it stops
    // within one pass over its smaller side).
    "SELECT count(*) AS n FROM range(100000) a JOIN range(100000000) b ON a.value + b.value < -1",
    // An equi-join whose every key matches a third of the other side.
    "SELECT count(*) AS n FROM range(1000000) a JOIN range(1000000) b ON a.value % 3 = b.value % 3",
    // The top row of a sorted cross join.
    "SELECT a.value AS v FROM range(200000) a CROSS JOIN range(200000) b \
     ORDER BY a.value * b.value % 7919 DESC LIMIT 1",
];

/// CPU time the query runtime's threads have used, from each thread's `schedstat`
/// (nanoseconds on the CPU).
#[cfg(target_os = "linux")]
fn query_cpu() -> Duration {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task")
        .expect("threads")
        .flatten()
    {
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if name.trim_end() != QUERY_THREAD_NAME {
            continue;
        }
        let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += stat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Duration::from_nanos(total)
}

/// Each query runs for two seconds and its stream is dropped; a second later its threads
/// are quiet.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_query_stops_using_the_cpu() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    for sql in EXPENSIVE {
        let started = query_cpu();
        let statement = render::render(sql, &[], &BTreeMap::new()).expect("renders");
        let stream = engine.run(&statement).await.expect("starts");
        let read = tokio::time::timeout(
            Duration::from_secs(2),
            stream.batches.try_collect::<Vec<_>>(),
        )
        .await;
        assert!(read.is_err(), "{sql}: was meant to run for hours");
        // The stream is dropped: the query has a second to stop.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let stopped = query_cpu();
        assert!(
            stopped - started > Duration::from_millis(500),
            "{sql}: ran on the query threads ({:?} of CPU)",
            stopped - started
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        let after = query_cpu() - stopped;
        assert!(
            after < Duration::from_millis(100),
            "{sql}: the query threads used {after:?} of CPU in the second after it stopped"
        );
    }
}
