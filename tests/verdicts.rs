//! One set of rules for `validate` and `import`: every fixture flow file, judged in a
//! workspace, gets the same verdict — and the same error codes — from what `flowloom
//! validate --workspace` asks (`flowfile::check_in_workspace`) and from importing it as
//! `flowloom import` and the app do (`flowfile::import_checked`, the SQL planned on the
//! workspace's engine). An import refused only by the store (a rule validation did not
//! know) fails the test.

use flowloom_core::Store;
use flowloom_core::engine::LocalEngine;
use flowloom_core::flowfile::{self, FlowFile, ImportError, NewerTemplates, OnConflict};
use flowloom_core::validation::{Code, Diagnostic};
use std::fs;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A workspace a fixture is judged in: a fresh store and an engine over a data folder.
pub struct FixtureWorkspace {
    pub store: Store,
    pub engine: LocalEngine,
    _dir: tempfile::TempDir,
}

/// The workspace fixture `path` (`<name>.flow.json`) is judged in: its data folder is
/// `<name>.data/` beside it, or `default_data` (without either: `None`, the file is judged
/// alone); `<name>.workspace.json`, a flow file, is imported into it first.
pub async fn workspace_for(path: &Path, default_data: Option<&Path>) -> Option<FixtureWorkspace> {
    let own = path.with_extension("").with_extension("data");
    let data = if own.is_dir() {
        own
    } else {
        default_data?.to_owned()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("flowloom.db"))
        .await
        .expect("open store")
        .with_data_dir(data.clone());
    let before = path.with_extension("").with_extension("workspace.json");
    if before.is_file() {
        let text = fs::read_to_string(&before).expect("read the workspace's flow");
        flowfile::import(&store, &text, OnConflict::Fail)
            .await
            .expect("the workspace's flow imports");
    }
    let engine = LocalEngine::open(&data)
        .await
        .expect("engine")
        .with_data_tables(store.clone());
    engine.refresh().await;
    Some(FixtureWorkspace {
        store,
        engine,
        _dir: dir,
    })
}

/// The codes of the errors among `diagnostics`, sorted, each once.
fn error_codes<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<Code> {
    let mut codes: Vec<Code> = diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[tokio::test]
async fn validate_and_import_judge_every_fixture_alike() {
    let default_data = repo("tests/fixtures/workspace-data");
    let mut fixtures: Vec<PathBuf> = fs::read_dir(repo("tests/fixtures/flows"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".flow.json"))
        .collect();
    fixtures.sort();
    let mut imported = 0;
    for path in &fixtures {
        let text = fs::read_to_string(path).expect("read fixture");
        let name = path.display();

        let judged = workspace_for(path, Some(&default_data))
            .await
            .expect("a workspace");
        let validated = match FlowFile::read(&text) {
            Ok(file) => {
                flowfile::check_in_workspace(
                    &judged.store,
                    file,
                    OnConflict::Fail,
                    Some(&judged.engine),
                )
                .await
                .expect("the workspace answers")
                .1
            }
            Err(err) => err.diagnostics(),
        };

        let target = workspace_for(path, Some(&default_data))
            .await
            .expect("a workspace");
        let outcome = flowfile::import_checked(
            &target.store,
            &text,
            OnConflict::Fail,
            NewerTemplates::Warn,
            Some(&target.engine),
        )
        .await;
        let refused = match &outcome {
            Ok(_) => Vec::new(),
            Err(ImportError::Read(err)) => error_codes(&err.diagnostics()),
            Err(ImportError::Invalid(ds) | ImportError::Conflicts(ds)) => error_codes(ds),
            Err(ImportError::Store(err)) => {
                panic!(
                    "{name}: the store refused the import, which validate did not foresee: {err}"
                )
            }
        };
        assert_eq!(
            error_codes(&validated),
            refused,
            "{name}: validate and import disagree"
        );
        imported += usize::from(outcome.is_ok());
    }
    // Most fixtures are there to be refused; the valid ones go all the way into the store.
    assert!(
        imported >= 3,
        "only {imported} fixtures imported: the test says little"
    );
}

/// The verdict is the same for a file whose only problems are conflicts when the import is
/// told how to settle them: validate's `--on-conflict` judges as import's does.
#[tokio::test]
async fn conflicts_are_errors_only_when_the_import_would_fail_on_them() {
    let path = repo("tests/fixtures/flows/conflicts.flow.json");
    let text = fs::read_to_string(&path).expect("read");
    for (policy, expected) in [
        (
            OnConflict::Fail,
            vec![Code::TemplateConflict, Code::FlowConflict],
        ),
        (OnConflict::KeepBoth, vec![]),
        (OnConflict::Replace, vec![]),
    ] {
        let ws = workspace_for(&path, None).await.expect("a workspace");
        let file = FlowFile::read(&text).expect("reads");
        let (_, diagnostics) =
            flowfile::check_in_workspace(&ws.store, file, policy, Some(&ws.engine))
                .await
                .expect("answers");
        let mut expected = expected;
        expected.sort();
        assert_eq!(error_codes(&diagnostics), expected, "{policy:?}");
        let outcome = flowfile::import_checked(
            &ws.store,
            &text,
            policy,
            NewerTemplates::Warn,
            Some(&ws.engine),
        )
        .await;
        assert_eq!(
            outcome.is_ok(),
            expected.is_empty(),
            "{policy:?}: {outcome:?}"
        );
    }
}
