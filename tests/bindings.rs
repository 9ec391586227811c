//! `ui/src/bindings.ts` is generated from the Rust commands and committed. This test
//! regenerates it and fails when the committed file is stale; run it with
//! `UPDATE_BINDINGS=1` (or `make bindings`) to rewrite the file.

use std::path::Path;

#[test]
fn committed_bindings_are_current() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh_path = dir.path().join("bindings.ts");
    flowloom_desktop::export_bindings(&fresh_path).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).expect("read fresh bindings");

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `make bindings` (UPDATE_BINDINGS=1 cargo test --test tests bindings) and commit it"
    );
}
