//! Integer columns narrower than 64 bits (a Parquet file's Int32 or Int16, as pandas and
//! Spark write them) read, map into integer parameters and come out as the file has them:
//! the engine never takes a width from a template's declared `integer`.

mod common;

use common::{exits, flowloom, path_str, repo, text};
use flowloom_core::engine::arrow::array::{ArrayRef, Int16Array, Int32Array};
use flowloom_core::engine::arrow::datatypes::{DataType, Field, Schema};
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::engine::parquet::arrow::ArrowWriter;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Campaigns 1..=1,500, so a list of all of them is bound as a table rather than value by
/// value; per row `clicks` = `campaign_id % 7`, four rows a campaign.
const CAMPAIGNS: i32 = 1_200;

fn write_ads(path: &Path) -> BTreeMap<i64, i64> {
    let ids: Vec<i32> = (0..4).flat_map(|_| 1..=CAMPAIGNS).collect();
    let clicks: Vec<i16> = ids
        .iter()
        .map(|id| i16::try_from(id % 7).expect("small"))
        .collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("campaign_id", DataType::Int32, false),
        Field::new("clicks", DataType::Int16, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(ids.clone())),
        Arc::new(Int16Array::from(clicks.clone())),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(path).expect("create"), schema, None)
            .expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    let mut sums = BTreeMap::new();
    for (id, c) in ids.iter().zip(&clicks) {
        *sums.entry(i64::from(*id)).or_insert(0) += i64::from(*c);
    }
    sums
}

/// An integer cell of a JSON result row, written as a number or as text.
fn int(cell: &Value) -> i64 {
    cell.as_i64()
        .or_else(|| cell.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("an integer: {cell}"))
}

/// The rows of `node` in run `run`, as `flowloom results --format json` prints them.
fn rows(ws: &str, run: &str, node: &str) -> Vec<Value> {
    let output = flowloom(&["results", run, node, "--format", "json", "--workspace", ws]);
    exits(&output, 0);
    let rows: Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    rows.as_array().expect("rows").clone()
}

/// A Parquet file whose `campaign_id` is Int32 and `clicks` Int16, under templates that
/// declare both `integer`: mapped into integer parameters (a list of 1,200, bound as a
/// table; a for-each; `max` and `min` into scalars), the results read back as the file has
/// them, and the second run reuses every node.
#[test]
fn narrow_integer_columns_run_map_and_are_reused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    let sums = write_ads(&dir.path().join("data/ads.parquet"));
    let file = repo("tests/fixtures/runs/narrow-integers.flow.json");
    exits(
        &flowloom(&["import", path_str(&file), "--workspace", ws]),
        0,
    );
    let run = |n: usize| {
        let output = flowloom(&["run", "comp_narrow_integers", "--workspace", ws, "--json"]);
        exits(&output, 0);
        let finished: Vec<Value> = text(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
            .filter(|e| e["event"] == "node_finished")
            .collect();
        assert_eq!(finished.len(), 5, "run {n}: {finished:#?}");
        for event in &finished {
            assert_eq!(event["status"], "COMPLETED", "run {n}: {event}");
        }
        finished
    };
    run(1);

    let among: BTreeMap<i64, i64> = rows(ws, "1", "among")
        .iter()
        .map(|row| (int(&row["campaign_id"]), int(&row["clicks"])))
        .collect();
    assert_eq!(among, sums, "every campaign, each with its clicks");
    let first = rows(ws, "1", "first");
    let (last_id, last_clicks) = sums.iter().next_back().expect("campaigns");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(int(&first[0]["campaign_id"]), *last_id, "`max` of the ids");
    assert_eq!(int(&first[0]["clicks"]), *last_clicks);
    let each: Vec<(i64, i64, i64)> = rows(ws, "1", "each")
        .iter()
        .map(|row| {
            let tag = int(&row["campaign_ids"]);
            (tag, int(&row["campaign_id"]), int(&row["clicks"]))
        })
        .collect();
    assert_eq!(each, vec![(3, 3, sums[&3]), (5, 5, sums[&5])]);

    let again = run(2);
    assert!(
        again.iter().all(|e| e["from_cache"] == true),
        "every node reused: {again:#?}"
    );
}
