use flowloom_core::sample_data;
use flowloom_core::workspace::starter_content;
use flowloom_core::{CompositionId, FlowQuery, Template, TemplateId, Workspace};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn csv_rows(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .expect("read csv")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn first_start_creates_a_workspace_a_new_user_can_work_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("new-workspace");
    let workspace = Workspace::open(&root).await.expect("open a new workspace");

    assert!(root.join("flowloom.db").is_file());
    // The sample dataset: a few hundred thousand rows of ad-campaign business.
    let data = workspace.data_dir();
    let rows: BTreeMap<_, _> = sample_data::TABLES
        .iter()
        .map(|t| (*t, csv_rows(&data.join(format!("{t}.csv")))))
        .collect();
    assert_eq!(rows["calendar"].len(), 181);
    assert_eq!(rows["campaigns"].len(), sample_data::CAMPAIGNS);
    assert_eq!(rows["products"].len(), sample_data::PRODUCTS);
    assert!(
        rows["ad_daily"].len() > 15_000,
        "ad_daily has {} rows",
        rows["ad_daily"].len()
    );
    let total: usize = rows.values().map(Vec::len).sum();
    assert!(
        (200_000..1_000_000).contains(&total),
        "sample has {total} rows"
    );
    assert!(
        rows["orders"][0].starts_with("O0000001,2026-01-01,"),
        "{}",
        rows["orders"][0]
    );

    // Starter templates with typed parameters.
    let templates: Vec<Template> = workspace
        .store()
        .list_templates()
        .await
        .expect("templates")
        .into_iter()
        .map(|t| t.template)
        .collect();
    assert!(
        templates.len() >= 8,
        "only {} starter templates",
        templates.len()
    );
    assert!(
        templates
            .iter()
            .all(|t| !t.parameters.is_empty() && t.output_columns.is_some())
    );

    // Example flows: 3 to 8 nodes each, every mapping joining a real output column to a
    // real parameter.
    let flows = workspace
        .store()
        .list_flows(&FlowQuery::default())
        .await
        .expect("flows");
    assert!(flows.len() >= 3);
    let by_id: BTreeMap<&TemplateId, &Template> =
        templates.iter().map(|t| (&t.template_id, t)).collect();
    for summary in &flows {
        let flow = workspace
            .store()
            .get_flow(&summary.composition_id)
            .await
            .expect("flow")
            .flow;
        assert!(
            (3..=8).contains(&flow.nodes.len()),
            "{} has {} nodes",
            summary.name,
            flow.nodes.len()
        );
        assert!(
            !flow.connections.is_empty(),
            "{} has no connections",
            summary.name
        );
        for conn in &flow.connections {
            let source = &by_id[&flow.node(&conn.source_node_id).expect("source").template_id];
            let target = &by_id[&flow.node(&conn.target_node_id).expect("target").template_id];
            for (param, column) in &conn.field_mappings {
                assert!(
                    target.parameter(param).is_some(),
                    "{}: no parameter {param}",
                    conn.connection_id
                );
                let outputs = source.output_columns.as_ref().expect("declared outputs");
                assert!(
                    outputs.iter().any(|c| &c.name == column),
                    "{}: no column {column}",
                    conn.connection_id
                );
            }
        }
    }
}

#[tokio::test]
async fn reopening_never_reseeds_or_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("first open");
    let deep_dive = CompositionId::from("comp_campaign_deep_dive");
    workspace
        .store()
        .delete_flow(&deep_dive)
        .await
        .expect("user deletes an example");
    let campaigns = workspace.data_dir().join("campaigns.csv");
    fs::write(&campaigns, "campaign_id\nMINE\n").expect("user edits the data");
    fs::remove_file(workspace.data_dir().join("orders.csv")).expect("user removes a table");
    workspace.store().close().await;
    drop(workspace);

    let reopened = Workspace::open(dir.path()).await.expect("second open");
    assert!(
        reopened.store().get_flow(&deep_dive).await.is_err(),
        "the deleted example came back"
    );
    assert_eq!(
        reopened
            .store()
            .list_flows(&FlowQuery::default())
            .await
            .expect("flows")
            .len(),
        2
    );
    assert_eq!(
        fs::read_to_string(&campaigns).expect("read"),
        "campaign_id\nMINE\n"
    );
    assert!(
        !reopened.data_dir().join("orders.csv").exists(),
        "a removed sample table came back"
    );
}

#[tokio::test]
async fn a_users_own_data_file_is_never_overwritten_by_the_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("data")).expect("data dir");
    fs::write(dir.path().join("data/products.csv"), "product_id\nOWN\n").expect("own file");
    let workspace = Workspace::open(dir.path()).await.expect("open");
    assert_eq!(
        fs::read_to_string(workspace.data_dir().join("products.csv")).expect("read"),
        "product_id\nOWN\n"
    );
    assert!(workspace.data_dir().join("orders.csv").is_file());
    // The sample's column types name the sample's columns: none beside the user's file.
    assert!(!workspace.data_dir().join("products.schema.json").exists());
    assert!(workspace.data_dir().join("orders.schema.json").is_file());
}

#[tokio::test]
async fn the_sample_is_the_same_in_every_workspace() {
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    sample_data::write_missing(a.path()).expect("write a");
    sample_data::write_missing(b.path()).expect("write b");
    let sidecars = sample_data::COLUMN_TYPES.map(|(table, _)| format!("{table}.schema.json"));
    let files = sample_data::TABLES
        .map(|table| format!("{table}.csv"))
        .into_iter()
        .chain(sidecars);
    for file in files {
        assert!(
            fs::read(a.path().join(&file)).expect("a")
                == fs::read(b.path().join(&file)).expect("b"),
            "{file} differs"
        );
    }
}

#[test]
fn example_files_carry_the_starter_templates_word_for_word() {
    // `starter_content` refuses an example whose template drifted from the starter pack.
    let (templates, flows) = starter_content().expect("starter content is consistent");
    assert_eq!(flows.len(), 3);
    let ids: Vec<_> = templates.iter().map(|t| t.template_id.as_str()).collect();
    for flow in &flows {
        for node in &flow.nodes {
            assert!(
                ids.contains(&node.template_id.as_str()),
                "{} is not a starter template",
                node.template_id
            );
        }
    }
}

/// Opening a workspace that is up to date only reads it: a second process (the headless
/// command beside the app recording a run) neither waits for the write lock nor fails.
#[tokio::test]
async fn a_workspace_opens_while_another_connection_is_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Workspace::open(dir.path()).await.expect("open");
    let writing = first
        .store()
        .pool()
        .begin_with("BEGIN IMMEDIATE")
        .await
        .expect("the write lock");
    let second = Workspace::open(dir.path())
        .await
        .expect("opens while the other connection writes");
    let gallery = second.store().list_gallery().await.expect("gallery");
    assert!(!gallery.is_empty(), "the gallery is there");
    writing.rollback().await.expect("release");
}

/// The sample's money is exact: a new workspace gets each money column's type as
/// `decimal(…,2)` in a sidecar, the engine reads spend and sales as decimals, and their sums
/// print to the cent, equal to sums of the CSV text computed here in integer cents.
#[tokio::test]
async fn the_samples_money_is_decimal_and_sums_to_the_cent() {
    use flowloom_core::engine::arrow::array::AsArray;
    use flowloom_core::engine::arrow::datatypes::{DataType, Decimal128Type};
    use flowloom_core::engine::{Connector, LocalEngine};
    use futures::TryStreamExt;

    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("open");
    let data = workspace.data_dir();
    for (table, types) in sample_data::COLUMN_TYPES {
        let sidecar = fs::read_to_string(data.join(format!("{table}.schema.json"))).expect(table);
        assert_eq!(sidecar, format!("{types}\n"));
    }
    let engine = LocalEngine::open(&data).await.expect("engine");

    for (table, column) in [("ad_daily", "spend"), ("orders", "sales")] {
        // Summed independently: cents per campaign, from the CSV text.
        let text = fs::read_to_string(data.join(format!("{table}.csv"))).expect("csv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
        let (campaign_at, money_at) = (at("campaign_id"), at(column));
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let (whole, cents) = cells[money_at].split_once('.').expect("cents");
            *expected.entry(cells[campaign_at].to_owned()).or_insert(0) +=
                whole.parse::<i64>().expect("whole") * 100 + cents.parse::<i64>().expect("cents");
        }

        let sql = format!(
            "SELECT campaign_id, SUM({column}) AS total FROM {table} \
             GROUP BY campaign_id ORDER BY campaign_id"
        );
        let statement =
            flowloom_core::render::render(&sql, &[], &BTreeMap::new()).expect("renders");
        let batches: Vec<_> = engine
            .run(&statement)
            .await
            .expect("runs")
            .batches
            .try_collect()
            .await
            .expect("rows");
        let mut summed = BTreeMap::new();
        for batch in &batches {
            assert!(
                matches!(batch.column(1).data_type(), DataType::Decimal128(_, 2)),
                "{table}.{column} sums as {}",
                batch.column(1).data_type()
            );
            let ids = flowloom_core::engine::arrow::compute::cast(batch.column(0), &DataType::Utf8)
                .expect("ids as text");
            let ids = ids
                .as_string::<i32>()
                .iter()
                .map(|id| id.expect("id").to_owned());
            let totals = batch.column(1).as_primitive::<Decimal128Type>();
            for (i, id) in ids.enumerate() {
                summed.insert(id, totals.value_as_string(i));
            }
        }
        let wanted: BTreeMap<String, String> = expected
            .into_iter()
            .map(|(id, cents)| (id, format!("{}.{:02}", cents / 100, cents % 100)))
            .collect();
        assert_eq!(summed.len(), sample_data::CAMPAIGNS);
        assert_eq!(summed, wanted, "{table}.{column}");
    }
}
