//! How fast flows are validated, written to and read from files, and saved to and loaded
//! from the store, on generated flows of 100 to 10,000 nodes with about three connections
//! per node. Targets (docs/performance.md): 10,000-node validation ≤ 10 ms; 1,000-node
//! save + load ≤ 50 ms.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use flowloom_core::flowfile::{self, FlowFile, OnConflict};
use flowloom_core::validation::{self, Catalog};
use flowloom_core::{Flow, Store, Template};
use serde_json::json;
use std::hint::black_box;

fn template() -> Template {
    serde_json::from_value(json!({
        "template_id": "tpl_step",
        "name": "Step",
        "sql": "SELECT id FROM items WHERE id IN ({{ids}}) AND day >= {{since}}",
        "parameters": [
            { "name": "ids", "type": "string", "list": true, "required": false },
            { "name": "since", "type": "date", "required": true, "default": "2026-01-01" }
        ],
        "output_columns": [{ "name": "id", "type": "string" }]
    }))
    .expect("bench template")
}

/// A DAG of `n` nodes; node i takes `ids` from up to three earlier nodes.
fn generated_flow(n: usize) -> Flow {
    let mut seed = 0x5EED_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let nodes: Vec<_> = (0..n)
        .map(|i| json!({ "node_id": format!("n{i}"), "template_id": "tpl_step", "position": { "x": (i % 50) as f64 * 300.0, "y": (i / 50) as f64 * 200.0 } }))
        .collect();
    let mut connections = Vec::new();
    for i in 1..n {
        let mut sources: Vec<usize> = (0..3).map(|_| (next() % i as u64) as usize).collect();
        sources.sort_unstable();
        sources.dedup();
        for s in sources {
            connections.push(json!({
                "connection_id": format!("c{}", connections.len()),
                "source_node_id": format!("n{s}"),
                "target_node_id": format!("n{i}"),
                "field_mappings": { "ids": "id" },
                "transformation_rules": { "ids": "distinct_list" }
            }));
        }
    }
    serde_json::from_value(json!({
        "composition": { "composition_id": "comp_generated", "name": "Generated" },
        "nodes": nodes,
        "connections": connections
    }))
    .expect("generated flow")
}

fn validation(c: &mut Criterion) {
    let catalog = Catalog::from_templates([template()]);
    let mut group = c.benchmark_group("validate");
    for n in [100, 1_000, 10_000] {
        let flow = generated_flow(n);
        assert!(
            validation::check(&flow, &catalog)
                .iter()
                .all(|d| !d.is_error()),
            "the generated flow is valid"
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &flow, |b, flow| {
            b.iter(|| validation::validate(black_box(flow.clone()), &catalog).expect("valid"));
        });
    }
    group.finish();
}

fn files_and_store(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = runtime
        .block_on(Store::open(&dir.path().join("flowloom.db")))
        .expect("store");
    let flow = generated_flow(1_000);
    let text = FlowFile::new(&flow, [template()]).to_text();
    runtime
        .block_on(flowfile::import(&store, &text, OnConflict::Fail))
        .expect("first import");
    let id = flow.composition.composition_id.clone();

    let mut group = c.benchmark_group("flow_1000");
    group.sample_size(30);
    group.bench_function("export", |b| {
        b.to_async(&runtime).iter(|| async {
            flowfile::export(&store, &id)
                .await
                .expect("export")
                .to_text()
        });
    });
    group.bench_function("import", |b| {
        b.to_async(&runtime).iter(|| async {
            flowfile::import(&store, &text, OnConflict::Replace)
                .await
                .expect("import")
        });
    });
    group.bench_function("read_and_check_file", |b| {
        b.iter(|| flowfile::check(black_box(&text)).expect("reads"));
    });
    group.bench_function("save_and_load", |b| {
        b.to_async(&runtime).iter(|| async {
            store.save_flow(&flow).await.expect("save");
            store.get_flow(&id).await.expect("load")
        });
    });
    group.finish();
}

criterion_group!(benches, validation, files_and_store);
criterion_main!(benches);
