// The app's permission manifest: every app command gets an `allow-<command>` permission, and
// a command the window's capability (src-tauri/capabilities/) does not grant is refused.
include!("src/app_commands.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/src/app_commands.rs");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(APP_COMMANDS))
        .capabilities_path_pattern("src-tauri/capabilities/**/*");
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {err:#}");
    }
}
