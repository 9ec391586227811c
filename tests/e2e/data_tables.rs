//! A data table made and filled in the window: defined in the schema editor, a CSV with a
//! bad row refused with the row's line and column, the file fixed and imported, the table
//! queried by a flow, and a column added and seen in the schema history.

use super::harness::{App, eventually, in_workspace, screenshots};
use flowloom_core::engine::arrow::array::AsArray;
use flowloom_core::engine::arrow::compute::cast;
use flowloom_core::engine::arrow::datatypes::{DataType, Int64Type};
use flowloom_core::model::{ColumnType, NodeStatus};
use std::path::Path;
use std::time::Duration;

/// A flow file whose one template reads the table by its name, as any template reads a file.
fn ages_flow(path: &Path) {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runs/customer-ages.flow.json");
    std::fs::copy(fixture, path).expect("write the flow file");
}

#[test]
fn a_table_is_defined_filled_from_a_fixed_csv_queried_and_changed_in_the_window() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let elsewhere = tempfile::tempdir().expect("the user's files");
    let csv = elsewhere.path().join("customers.csv");
    std::fs::write(&csv, "name,age\nAda,36\nGrace,forty\nLinus,54\n").expect("csv");
    let app = App::open(workspace.path());
    let shots = screenshots();
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    // A new table: a required name and an integer age.
    app.click(&app.find_one("[data-testid=open-tables]"));
    app.click(&app.wait_for("[data-testid=new-table]", 1, wait)[0]);
    app.type_into(
        &app.wait_for("[data-testid=table-name]", 1, wait)[0],
        "customers",
    );
    app.click(&app.find_one("[data-testid=column-add]"));
    app.click(&app.find_one("[data-testid=column-add]"));
    let names = app.wait_for("[data-testid=column-name]", 2, wait);
    app.type_into(&names[0], "name");
    app.type_into(&names[1], "age");
    app.click(&app.find_all("[data-testid=column-required]")[0]);
    app.click(&app.find_all("[data-testid=column-type] option[value=integer]")[1]);
    app.click(&app.find_one("[data-testid=save-schema]"));
    app.wait_for("[data-testid=rows-total][data-total='0']", 1, wait);
    let table = in_workspace(workspace.path(), |store| async move {
        store.get_table("customers").await.expect("the new table")
    });
    let columns: Vec<(&str, ColumnType, bool)> = table
        .schema
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type, c.required))
        .collect();
    assert_eq!(
        columns,
        [
            ("name", ColumnType::String, true),
            ("age", ColumnType::Integer, false)
        ]
    );

    // The file's third line is not a number: the import names it and writes nothing.
    app.click(&app.find_one("[data-testid=import-table-file]"));
    app.click(&app.wait_for("[data-testid=import-browse]", 1, wait)[0]);
    app.answer_file_dialog("Import a data file", &csv);
    // The wizard shows the chosen file; the field itself takes no typed path.
    let chosen = csv.display().to_string();
    assert!(
        eventually(wait, || {
            let shown = app.execute_async(
                "arguments[arguments.length - 1](
                   document.querySelector('[data-testid=import-path]').value);",
            );
            shown.as_str() == Some(chosen.as_str())
        }),
        "the wizard does not show the chosen file"
    );
    app.click(&app.find_one("[data-testid=import-target-existing]"));
    app.click(
        &app.wait_for(
            "[data-testid=import-existing-table] option[value=customers]",
            1,
            wait,
        )[0],
    );
    app.click(&app.find_one("[data-testid=import-run]"));
    let problems = app.wait_for("[data-testid=import-problem]", 1, wait);
    let problem = app.text(&problems[0]);
    assert!(
        problem.contains('3') && problem.contains("age"),
        "the report names line 3, column age: {problem:?}"
    );
    app.wait_for(
        "[data-testid=import-problem][data-line='3'][data-column=age]",
        1,
        wait,
    );
    app.screenshot(&shots.join("table-import-problems.png"));
    let rows = || {
        in_workspace(workspace.path(), |store| async move {
            store
                .get_table("customers")
                .await
                .expect("table")
                .summary
                .rows
        })
    };
    assert_eq!(rows(), 0, "a refused import writes nothing");

    // Fixed, the same import again.
    std::fs::write(&csv, "name,age\nAda,36\nGrace,40\nLinus,54\n").expect("fix the csv");
    app.click(&app.find_one("[data-testid=import-retry]"));
    app.wait_for("[data-testid=import-result]", 1, wait);
    let done = app.text(&app.find_one("[data-testid=import-result]"));
    assert!(done.contains('3'), "the result says 3 rows: {done:?}");
    assert_eq!(rows(), 3);

    // A flow reads the table by name.
    let flow_file = elsewhere.path().join("ages.flow.json");
    ages_flow(&flow_file);
    app.click(&app.find_one("[data-testid=tables-home]"));
    app.click(&app.wait_for("[data-testid=import-flow]", 1, wait)[0]);
    app.answer_file_dialog("Import a flow", &flow_file);
    app.click(
        &app.wait_for(
            "[data-testid=flow-item][data-composition-id=comp_customer_ages]",
            1,
            wait,
        )[0],
    );
    app.wait_for("[data-testid=canvas-node]", 1, wait);
    // Without global parameters to ask for, Run runs at once.
    app.click(&app.find_one("[data-testid=run-flow]"));
    app.wait_for("[data-testid=node-status][data-status=COMPLETED]", 1, wait);
    let location = in_workspace(workspace.path(), |store| async move {
        let runs = store
            .list_runs(Some(&"comp_customer_ages".into()))
            .await
            .expect("runs");
        let run = store.get_run(runs[0].run_id).await.expect("the run");
        assert_eq!(run.nodes[0].status, NodeStatus::Completed);
        run.nodes[0].result_location.clone().expect("a kept result")
    });
    let page = flowloom_core::engine::results::page(workspace.path(), &location, 0, None)
        .expect("the result");
    let batch = &page.batches[0];
    let number = |name: &str| {
        let column = batch
            .column(batch.schema().index_of(name).expect(name))
            .clone();
        cast(&column, &DataType::Int64)
            .expect("a number")
            .as_primitive::<Int64Type>()
            .value(0)
    };
    let (customers, total_age) = (number("customers"), number("total_age"));
    assert_eq!((customers, total_age), (3, 36 + 40 + 54));

    // A column added in the schema editor: version 2 in the history, shown added.
    app.click(&app.find_one("[data-testid=back]"));
    app.click(&app.wait_for("[data-testid=open-tables]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=table-row][data-table=customers]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=tab-schema]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=column-add]", 1, wait)[0]);
    let names = app.wait_for("[data-testid=column-name]", 3, wait);
    app.type_into(&names[2], "email");
    app.click(&app.find_one("[data-testid=save-schema]"));
    assert!(
        eventually(wait, || in_workspace(
            workspace.path(),
            |store| async move {
                store
                    .get_table("customers")
                    .await
                    .expect("table")
                    .summary
                    .version
                    == 2
            }
        )),
        "the change was saved as version 2"
    );
    app.click(&app.find_one("[data-testid=tab-history]"));
    app.wait_for("[data-testid=history-version]", 2, wait);
    app.click(&app.find_one("[data-testid=history-version][data-version='2']"));
    app.wait_for("[data-testid=diff-added][data-column=email]", 1, wait);
    assert!(app.find_all("[data-testid=diff-removed]").is_empty());
    app.screenshot(&shots.join("table-history.png"));
}
