//! How the window's web view paints on Linux.
//!
//! WebKitGTK composites the page with the GPU when it can. On a machine without one, Mesa
//! emulates a GPU in software (llvmpipe), and compositing then stalls the page after each change
//! to a large canvas: deleting a node of a 2,000-node flow took 1.9–5.7 s to show, against
//! 0.18 s when WebKit paints without compositing (docs/performance.md). So where there is no
//! GPU render node the app asks WebKit not to composite. `FLOWLOOM_GPU=always|never` overrides
//! the guess either way.

use std::path::Path;

/// Whether the web view should paint without GPU compositing, given what the user asked for
/// (`FLOWLOOM_GPU`) and whether the machine has a GPU render node.
pub fn paint_without_gpu(asked: Option<&str>, has_render_node: bool) -> bool {
    match asked {
        Some("always") => false,
        Some("never") => true,
        _ => !has_render_node,
    }
}

/// Whether `/dev/dri` (or the given folder) holds a render node, i.e. a GPU Mesa can use.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Applies the choice to the app's window once it exists.
#[cfg(target_os = "linux")]
pub fn apply(window: &tauri::WebviewWindow) -> tauri::Result<()> {
    let asked = std::env::var("FLOWLOOM_GPU").ok();
    if !paint_without_gpu(asked.as_deref(), has_render_node(Path::new("/dev/dri"))) {
        return Ok(());
    }
    window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    })
}

/// Other platforms' web views decide for themselves.
#[cfg(not(target_os = "linux"))]
pub fn apply(_window: &tauri::WebviewWindow) -> tauri::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_render_node_the_page_is_painted_without_the_gpu() {
        assert!(paint_without_gpu(None, false));
        assert!(!paint_without_gpu(None, true));
        assert!(paint_without_gpu(Some("never"), true));
        assert!(!paint_without_gpu(Some("always"), false));
        // Anything else is not a choice: the machine decides.
        assert!(!paint_without_gpu(Some("yes"), true));
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dri = tempfile::tempdir().expect("temp dir");
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("card0"), "").expect("card");
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("renderD128"), "").expect("render node");
        assert!(has_render_node(dri.path()));
        assert!(!has_render_node(&dri.path().join("missing")));
    }
}
