//! How fast flows are validated, written to and read from files, and saved to and loaded
//! from the store, on generated flows of 100 to 10,000 nodes with about three connections
//! per node. Targets (docs/performance.md): 10,000-node validation ≤ 10 ms; 1,000-node
//! save + load ≤ 50 ms.

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use flowloom_core::flowfile::{self, FlowFile, OnConflict};
use flowloom_core::validation::{self, Catalog};
use flowloom_core::{Flow, Store, Template};
use serde_json::json;
use std::hint::black_box;

// The binaries run on mimalloc; measure with the allocator they ship with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn template() -> Template {
    serde_json::from_value(json!({
        "template_id": "tpl_step",
        "name": "Step",
        "sql": "SELECT id FROM items WHERE (id IN ({{ids_0}}) OR id IN ({{ids_1}}) OR id IN ({{ids_2}})) AND day >= {{since}}",
        "parameters": [
            { "name": "ids_0", "type": "string", "list": true, "required": false },
            { "name": "ids_1", "type": "string", "list": true, "required": false },
            { "name": "ids_2", "type": "string", "list": true, "required": false },
            { "name": "since", "type": "date", "required": true, "default": "2026-01-01" }
        ],
        "output_columns": [{ "name": "id", "type": "string" }]
    }))
    .expect("bench template")
}

/// A DAG of `n` nodes; node i takes `ids_k` from up to three earlier nodes (one parameter
/// per connection: two connections may not feed the same parameter).
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
        for (k, s) in sources.into_iter().enumerate() {
            let param = format!("ids_{k}");
            connections.push(json!({
                "connection_id": format!("c{}", connections.len()),
                "source_node_id": format!("n{s}"),
                "target_node_id": format!("n{i}"),
                "field_mappings": { &param: "id" },
                "transformation_rules": { &param: "distinct_list" }
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
        let errors: Vec<String> = validation::check(&flow, &catalog)
            .iter()
            .filter(|d| d.is_error())
            .take(5)
            .map(ToString::to_string)
            .collect();
        assert!(
            errors.is_empty(),
            "the generated flow is invalid: {errors:#?}"
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &flow, |b, flow| {
            // `validate` takes the flow by value; cloning it is setup, not validation.
            b.iter_batched(
                || flow.clone(),
                |flow| validation::validate(flow, &catalog).expect("valid"),
                BatchSize::LargeInput,
            );
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
    // Autosave after a drag: one node moved, everything else as stored.
    let mut moved = flow.clone();
    let mut step = 0.0;
    group.bench_function("move_one_node_save_and_load", |b| {
        b.iter(|| {
            step += 1.0;
            moved.nodes[500].position.x = step;
            runtime.block_on(async {
                store.save_flow(&moved).await.expect("save");
                store.get_flow(&id).await.expect("load")
            })
        });
    });
    // A structural edit: one node and its connections gone, so every row is rewritten.
    let mut trimmed = flow.clone();
    let gone = trimmed.nodes.remove(999).node_id;
    trimmed
        .connections
        .retain(|c| c.source_node_id != gone && c.target_node_id != gone);
    group.bench_function("remove_one_node_save_and_load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                store.save_flow(&trimmed).await.expect("save trimmed");
                store.save_flow(&flow).await.expect("save whole");
                store.get_flow(&id).await.expect("load")
            })
        });
    });
    group.finish();
}

criterion_group!(benches, validation, files_and_store);
criterion_main!(benches);
