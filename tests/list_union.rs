//! Several connections into one list parameter: the node gets the union of what they carry,
//! in the order of the connections' ids, then of first appearance, each value once; a
//! for-each node runs its values in that order.

use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::arrow::array::AsArray;
use flowloom_core::engine::arrow::compute::cast;
use flowloom_core::engine::arrow::datatypes::{DataType, Int64Type};
use flowloom_core::engine::run::{
    self, NodeResult, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::flowfile::FlowFile;
use flowloom_core::validation::{self, Catalog};
use serde_json::json;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

fn quiet(_: RunEvent) {}

fn ints(result: &NodeResult, column: &str) -> Vec<i64> {
    result
        .batches
        .iter()
        .flat_map(|b| {
            let array = b.column(b.schema().index_of(column).expect("column"));
            let wide = cast(array, &DataType::Int64).expect("integers");
            wide.as_primitive::<Int64Type>()
                .iter()
                .flatten()
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn two_nodes_into_one_list_give_the_union_in_connection_order() {
    // 300 ads: a channel by ad_id % 3, a spend by a fixed scramble of the id.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("ad_id,channel,spend\n");
    let ads: Vec<(i64, &str, i64)> = (1..=300)
        .map(|id| {
            let channel = ["search", "social", "video"][usize::try_from(id % 3).expect("small")];
            (id, channel, id * 7919 % 1000)
        })
        .collect();
    for (id, channel, spend) in &ads {
        let _ = writeln!(csv, "{id},{channel},{spend}");
    }
    std::fs::write(dir.path().join("ads.csv"), csv).expect("data");

    // Independently: big ads by id descending, then search ads by id not already there.
    let mut big: Vec<i64> = ads
        .iter()
        .filter(|(_, _, spend)| *spend >= 900)
        .map(|(id, ..)| *id)
        .collect();
    big.reverse();
    let search: Vec<i64> = ads
        .iter()
        .filter(|(_, channel, _)| *channel == "search")
        .map(|(id, ..)| *id)
        .collect();
    let mut union = big.clone();
    union.extend(search.iter().filter(|id| !big.contains(id)));
    assert!(
        big.iter().any(|id| search.contains(id)) && union.len() < big.len() + search.len(),
        "the two lists overlap, so the union drops repeats"
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs/two-into-one-list.flow.json"))
            .expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let flow = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let report = run::run(
        &flow,
        &RunContext::new(engine),
        &RunOptions::default(),
        &quiet,
    )
    .await
    .expect("starts");
    assert_eq!(report.status, RunStatus::Completed, "{report:#?}");

    let each = report.node("each").expect("node");
    assert_eq!(each.status, NodeStatus::Completed, "{:?}", each.error);
    assert_eq!(each.parameters["ad_ids"], json!(union));
    let result = each.result.as_ref().expect("rows");
    assert_eq!(
        ints(result, "ad_ids"),
        union,
        "one query per value, in order"
    );
    assert_eq!(ints(result, "ad_id"), union);

    let picked = report.node("picked").expect("node");
    let rows: BTreeSet<i64> = ints(picked.result.as_ref().expect("rows"), "ad_id")
        .into_iter()
        .collect();
    assert_eq!(rows, union.iter().copied().collect::<BTreeSet<_>>());
}
