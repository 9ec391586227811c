//! `flowloom sources` and runs across sources as a user works them, against a real
//! PostgreSQL server (a throwaway cluster holding the sample dataset): add a source whose
//! password is in an environment variable, test it, run a flow chaining PostgreSQL and
//! local nodes, and find the password nowhere in the workspace, its logs or an exported file.

mod common;
#[path = "../../../tests/pg_cluster.rs"]
mod pg_cluster;

use common::{exits, path_str, repo, text};
use pg_cluster::{DATABASE, PASSWORD, USER};
use std::path::Path;
use std::process::{Command, Output};

/// The shared cluster's port (started on first use, stopped when the tests end).
fn cluster_port() -> u16 {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async { pg_cluster::shared().await.port })
}

/// `flowloom args`, with `env` set for it.
fn flowloom_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowloom"));
    command.args(args).env_remove("FLOWLOOM_WORKSPACE");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run flowloom")
}

const PW_VAR: &str = "FLOWLOOM_TEST_SALES_PW";

/// `flowloom sources add NAME --kind postgres --host HOST SETTINGS… --workspace WS`.
fn add_source(ws: &str, name: &str, host: &str, settings: &[&str]) -> Output {
    let mut args = vec!["sources", "add", name, "--kind", "postgres", "--host", host];
    args.extend_from_slice(settings);
    args.extend_from_slice(&["--workspace", ws]);
    flowloom_with(&[], &args)
}

fn add_sales(ws: &str, port: u16, extra: &[&str]) -> Output {
    let port = port.to_string();
    let mut settings = vec![
        "--port",
        &port,
        "--database",
        DATABASE,
        "--user",
        USER,
        "--sslmode",
        "disable",
        "--password-env",
        PW_VAR,
    ];
    settings.extend_from_slice(extra);
    add_source(ws, "Sales DB", "127.0.0.1", &settings)
}

/// Every file under `dir` holding `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn a_source_is_added_tested_listed_and_kept_while_templates_use_it() {
    let port = cluster_port();
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let added = add_sales(ws, port, &["--json"]);
    exits(&added, 0);
    let added: serde_json::Value = serde_json::from_slice(&added.stdout).expect("json");
    assert_eq!(added["source"]["source_id"], "src_sales_db");
    assert_eq!(added["source"]["config"]["kind"], "postgres");

    let env = [(PW_VAR, PASSWORD)];
    let tested = flowloom_with(
        &env,
        &["sources", "test", "src_sales_db", "--workspace", ws],
    );
    exits(&tested, 0);
    let said = text(&tested.stdout);
    assert!(said.starts_with("src_sales_db: connected in "), "{said}");
    assert!(
        said.contains("PostgreSQL 1"),
        "the server's version: {said}"
    );

    // Without the variable, or with a wrong password: a clear refusal, no password shown.
    let unset = flowloom_with(&[], &["sources", "test", "src_sales_db", "--workspace", ws]);
    exits(&unset, 1);
    assert!(
        text(&unset.stderr).contains(&format!(
            "environment variable `{PW_VAR}`, which is not set"
        )),
        "{}",
        text(&unset.stderr)
    );
    let wrong = flowloom_with(
        &[(PW_VAR, "not-it")],
        &["sources", "test", "src_sales_db", "--workspace", ws],
    );
    exits(&wrong, 1);
    let said = text(&wrong.stderr);
    assert!(
        said.contains(USER) && said.contains(&port.to_string()),
        "names the login: {said}"
    );
    assert!(!said.contains("not-it"), "{said}");

    let listed = flowloom_with(&[], &["sources", "list", "--workspace", ws]);
    exits(&listed, 0);
    let lines: Vec<String> = text(&listed.stdout).lines().map(str::to_owned).collect();
    assert!(lines[0].starts_with("src_local\tlocal\t"), "{lines:?}");
    assert!(
        lines[1].starts_with("src_sales_db\tpostgres\tSales DB\tflowloom_test@127.0.0.1:"),
        "{lines:?}"
    );

    // A template on it keeps it.
    let file = dir.path().join("cross.flow.json");
    std::fs::write(&file, cross_source_flow("src_sales_db")).expect("write");
    exits(
        &flowloom_with(&[], &["import", path_str(&file), "--workspace", ws]),
        0,
    );
    let refused = flowloom_with(
        &[],
        &["sources", "remove", "src_sales_db", "--workspace", ws],
    );
    exits(&refused, 1);
    assert!(
        text(&refused.stderr).contains("tpl_top_spend"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn a_password_on_stdin_is_kept_in_the_keyring_or_refused_naming_the_other_ways() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowloom"))
        .args([
            "sources",
            "add",
            "Stdin DB",
            "--kind",
            "postgres",
            "--host",
            "db.invalid",
            "--database",
            "sales",
            "--user",
            "analyst",
            "--password-stdin",
            "--workspace",
            ws,
        ])
        .env_remove("FLOWLOOM_WORKSPACE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run flowloom");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"typed-Pw-9\n")
        .expect("write the password");
    let added = child.wait_with_output().expect("flowloom ends");
    let listed = flowloom_with(&[], &["sources", "list", "--workspace", ws]);
    let said = text(&added.stderr);
    assert!(!said.contains("typed-Pw-9"), "{said}");
    if added.status.success() {
        // This machine has a keyring: the source is added, its password kept there.
        assert!(text(&listed.stdout).contains("src_stdin_db"));
        exits(
            &flowloom_with(
                &[],
                &["sources", "remove", "src_stdin_db", "--workspace", ws],
            ),
            0,
        );
    } else {
        assert!(said.contains("--password-env VAR"), "{said}");
        assert!(said.contains("PGPASSFILE"), "{said}");
        assert!(said.contains("nothing was added"), "{said}");
        assert!(!text(&listed.stdout).contains("src_stdin_db"));
    }
    assert_eq!(
        files_holding(dir.path(), "typed-Pw-9"),
        Vec::<String>::new()
    );
}

#[test]
fn a_source_s_id_comes_from_its_name_and_a_name_is_taken_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let add = |name: &str, env: &str| {
        let settings = [
            "--database",
            "sales",
            "--user",
            "analyst",
            "--password-env",
            env,
        ];
        add_source(ws, name, "db.invalid", &settings)
    };
    let added = |output: &Output| {
        exits(output, 0);
        text(&output.stdout)
            .split_whitespace()
            .nth(1)
            .expect("added ID")
            .to_owned()
    };
    assert_eq!(added(&add("Sales DB", "PW")), "src_sales_db");
    assert_eq!(added(&add("数据", "PW")), "src_source");
    assert_eq!(added(&add("データ", "PW")), "src_source_2");
    assert_eq!(added(&add("Local", "PW")), "src_local_2");
    let again = add("sales db", "PW");
    exits(&again, 1);
    assert!(
        text(&again.stderr).contains("`src_sales_db` is already named `Sales DB`"),
        "{}",
        text(&again.stderr)
    );
    let blank = add("   ", "PW");
    exits(&blank, 1);
    assert!(
        text(&blank.stderr).contains("a data source needs a name"),
        "{}",
        text(&blank.stderr)
    );
    // The password given where its variable's name goes is refused, and never echoed.
    let secret = "Zq7-hunter2-Xyzzy";
    let mistaken = add("Mistaken", secret);
    exits(&mistaken, 1);
    let said = text(&mistaken.stderr);
    assert!(said.contains("never the password itself"), "{said}");
    assert!(!said.contains(secret), "{said}");
    assert_eq!(files_holding(dir.path(), secret), Vec::<String>::new());
}

#[test]
fn verify_full_connects_with_the_root_certificate_it_is_given() {
    let port = cluster_port().to_string();
    let certificate = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async { pg_cluster::shared().await.certificate() });
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let add = |name: &str, root: &str| {
        let settings = [
            "--port",
            &port,
            "--database",
            DATABASE,
            "--user",
            USER,
            "--sslmode",
            "verify-full",
            "--ssl-root-cert",
            root,
            "--password-env",
            PW_VAR,
        ];
        add_source(ws, name, "localhost", &settings)
    };
    let missing = add("Nowhere", "no-such-ca.pem");
    exits(&missing, 2);
    assert!(
        text(&missing.stderr).contains("--ssl-root-cert no-such-ca.pem"),
        "{}",
        text(&missing.stderr)
    );
    exits(&add("Checked", path_str(&certificate)), 0);
    let tested = flowloom_with(
        &[(PW_VAR, PASSWORD)],
        &["sources", "test", "src_checked", "--workspace", ws],
    );
    exits(&tested, 0);
    assert!(
        text(&tested.stdout).starts_with("src_checked: connected in "),
        "{}",
        text(&tested.stdout)
    );
    let removed = flowloom_with(
        &[],
        &[
            "sources",
            "remove",
            "src_checked",
            "--json",
            "--workspace",
            ws,
        ],
    );
    exits(&removed, 0);
    let removed: serde_json::Value = serde_json::from_slice(&removed.stdout).expect("json");
    assert_eq!(removed, serde_json::json!({ "removed": "src_checked" }));
    let listed = flowloom_with(&[], &["sources", "list", "--workspace", ws]);
    assert!(!text(&listed.stdout).contains("src_checked"));
}

#[test]
fn a_flow_across_sources_runs_and_the_password_is_nowhere_in_the_workspace() {
    let port = cluster_port();
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(&add_sales(ws, port, &[]), 0);
    let file = dir.path().join("cross.flow.json");
    std::fs::write(&file, cross_source_flow("src_sales_db")).expect("write");
    // A file naming a source the workspace lacks says how to add it.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    exits(
        &flowloom_with(
            &[],
            &["flows", "list", "--workspace", path_str(elsewhere.path())],
        ),
        0,
    );
    let lacking = flowloom_with(
        &[],
        &[
            "validate",
            path_str(&file),
            "--workspace",
            path_str(elsewhere.path()),
        ],
    );
    exits(&lacking, 1);
    assert!(
        text(&lacking.stdout).contains("[unknown_source]"),
        "{}",
        text(&lacking.stdout)
    );
    assert!(
        text(&lacking.stdout).contains("flowloom sources add sales_db"),
        "{}",
        text(&lacking.stdout)
    );

    exits(
        &flowloom_with(&[], &["import", path_str(&file), "--workspace", ws]),
        0,
    );
    let env = [(PW_VAR, PASSWORD)];
    let ran = flowloom_with(&env, &["run", "comp_cross", "--json", "--workspace", ws]);
    exits(&ran, 0);
    let events: Vec<serde_json::Value> = text(&ran.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let finished = events.last().expect("run_finished");
    assert_eq!(finished["status"], "COMPLETED", "{events:#?}");
    let run_id = finished["run_id"].to_string();

    // The orders of the top five spenders, computed here from the sample's CSV files.
    let results = flowloom_with(&[], &["results", &run_id, "orders", "--workspace", ws]);
    exits(&results, 0);
    assert_eq!(
        text(&results.stdout),
        expected_orders(&dir.path().join("data"))
    );

    // Without its password the PostgreSQL node fails saying why; nothing else is hurt.
    let failed = flowloom_with(&[], &["run", "comp_cross", "--no-cache", "--workspace", ws]);
    exits(&failed, 1);
    assert!(
        text(&failed.stdout).contains(PW_VAR),
        "{}",
        text(&failed.stdout)
    );

    let exported = dir.path().join("exported.flow.json");
    exits(
        &flowloom_with(
            &[],
            &[
                "export",
                "comp_cross",
                "--output",
                path_str(&exported),
                "--workspace",
                ws,
            ],
        ),
        0,
    );
    let exported_text = std::fs::read_to_string(&exported).expect("exported");
    assert!(
        exported_text.contains(r#""kind": "postgres""#),
        "{exported_text}"
    );
    assert_eq!(files_holding(dir.path(), PASSWORD), Vec::<String>::new());
}

#[test]
fn a_template_s_sql_is_checked_by_its_database_before_anything_runs_or_is_imported() {
    let port = cluster_port();
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(&add_sales(ws, port, &[]), 0);
    let env = [(PW_VAR, PASSWORD)];
    // A table only the server has is no problem: the server plans it.
    let good = dir.path().join("good.flow.json");
    std::fs::write(&good, cross_source_flow("src_sales_db")).expect("write");
    let checked = flowloom_with(&env, &["validate", path_str(&good), "--workspace", ws]);
    exits(&checked, 0);
    // A column the server's table lacks is found by the server before any run.
    let bad = dir.path().join("bad.flow.json");
    let typo = cross_source_flow("src_sales_db").replace("SUM(spend)", "SUM(spendd)");
    std::fs::write(&bad, typo).expect("write");
    let checked = flowloom_with(&env, &["validate", path_str(&bad), "--workspace", ws]);
    exits(&checked, 1);
    let said = text(&checked.stdout);
    assert!(said.contains("[unknown_column]"), "{said}");
    assert!(said.contains("tpl_top_spend"), "{said}");
    assert!(said.contains(r#"column "spendd" does not exist"#), "{said}");
    // Import judges it the same way and writes nothing; a file run refuses it up front.
    let imported = flowloom_with(&env, &["import", path_str(&bad), "--workspace", ws]);
    assert_ne!(imported.status.code(), Some(0));
    assert!(
        text(&imported.stderr).contains("nothing was imported"),
        "{}",
        text(&imported.stderr)
    );
    let listed = flowloom_with(&[], &["flows", "list", "--workspace", ws]);
    assert!(
        !text(&listed.stdout).contains("comp_cross"),
        "{}",
        text(&listed.stdout)
    );
    let ran = flowloom_with(&env, &["run", path_str(&bad), "--workspace", ws]);
    assert_ne!(ran.status.code(), Some(0));
    assert!(
        text(&ran.stderr).contains("spendd"),
        "{}",
        text(&ran.stderr)
    );
}

/// `campaign_id,orders,sales` of the five campaigns with the most spend (ties by id), by
/// id, as `flowloom results` prints them: computed from the data files, in cents.
fn expected_orders(data: &Path) -> String {
    let rows = |file: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(data.join(file)).expect("sample file");
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    };
    let cents = |text: &str| -> i64 {
        let (whole, part) = text.split_once('.').unwrap_or((text, "0"));
        whole.parse::<i64>().expect("a number") * 100
            + format!("{part:0<2}")[..2].parse::<i64>().expect("cents")
    };
    let mut spend: std::collections::BTreeMap<String, i64> = Default::default();
    for row in rows("ad_daily.csv") {
        *spend.entry(row[1].clone()).or_default() += cents(&row[4]);
    }
    let mut ranked: Vec<(String, i64)> = spend.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top: std::collections::BTreeSet<String> =
        ranked.into_iter().take(5).map(|(id, _)| id).collect();
    let mut orders: std::collections::BTreeMap<String, (u64, i64)> = Default::default();
    for row in rows("orders.csv")
        .into_iter()
        .filter(|r| top.contains(&r[2]))
    {
        let entry = orders.entry(row[2].clone()).or_default();
        entry.0 += 1;
        entry.1 += cents(&row[5]);
    }
    let mut out = String::from("campaign_id,orders,sales\n");
    for (id, (count, sales)) in orders {
        out.push_str(&format!(
            "{id},{count},{}.{:02}\n",
            sales / 100,
            sales % 100
        ));
    }
    out
}

fn cross_source_flow(source: &str) -> String {
    let text = std::fs::read_to_string(repo("tests/fixtures/runs/cross-source.flow.json"))
        .expect("the cross-source fixture");
    text.replace("src_sales", source)
}

#[test]
fn sources_tables_lists_what_a_template_on_the_source_can_read() {
    let port = cluster_port();
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    // Reused for a while: the source's connector is wrapped, and still lists its tables.
    exits(&add_sales(ws, port, &["--reuse-for", "10m"]), 0);
    let env = [(PW_VAR, PASSWORD)];

    let listed = flowloom_with(
        &env,
        &[
            "sources",
            "tables",
            "src_sales_db",
            "--json",
            "--workspace",
            ws,
        ],
    );
    exits(&listed, 0);
    let tables: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    let campaigns = tables
        .as_array()
        .expect("an array")
        .iter()
        .find(|t| t["name"] == "campaigns")
        .unwrap_or_else(|| panic!("campaigns in {tables}"));
    assert_eq!(campaigns["kind"], "table");
    let columns: Vec<String> = campaigns["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["name"].as_str().unwrap_or(""),
                c["type"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            "campaign_id text",
            "campaign_name text",
            "channel text",
            "objective text",
            "start_date date",
            "daily_budget decimal(10,2)",
        ]
    );

    // In words: each table's name and kind, then its columns.
    let shown = flowloom_with(
        &env,
        &["sources", "tables", "src_sales_db", "--workspace", ws],
    );
    exits(&shown, 0);
    let said = text(&shown.stdout);
    assert!(said.contains("orders (table)\n"), "{said}");
    assert!(
        said.lines()
            .any(|l| l.split_whitespace().eq(["sales", "decimal(12,2)"])),
        "{said}"
    );

    // The workspace's own engine: its data files.
    let local = flowloom_with(&[], &["sources", "tables", "src_local", "--workspace", ws]);
    exits(&local, 0);
    assert!(
        text(&local.stdout).contains("campaigns (campaigns.csv)\n"),
        "{}",
        text(&local.stdout)
    );

    // Without the password: refused, saying why.
    let unset = flowloom_with(
        &[],
        &["sources", "tables", "src_sales_db", "--workspace", ws],
    );
    exits(&unset, 1);
    assert!(
        text(&unset.stderr).contains(&format!(
            "environment variable `{PW_VAR}`, which is not set"
        )),
        "{}",
        text(&unset.stderr)
    );
}
