//! The library in the window: a template's SQL edited and test-run, saved as its next
//! version, and a flow built on the old one updated to it; a flow made from a gallery
//! entry; an older version of it restored after an edit; a schedule whose next run times
//! are shown while its cron is typed.

use super::harness::{App, eventually, in_workspace, screenshots};
use flowloom_core::schedule::cron::CronSchedule;
use flowloom_core::{CompositionId, TemplateId};
use std::time::Duration;

#[test]
fn a_template_is_edited_a_gallery_flow_used_and_restored_and_a_schedule_previewed() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let app = App::open(workspace.path());
    let shots = screenshots();
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    // A template's SQL edited in the editor, test-run, and saved as version 2.
    app.click(&app.find_one("[data-testid=open-templates]"));
    app.click(
        &app.wait_for(
            "[data-testid=template-row][data-template-id=tpl_channel_summary]",
            1,
            wait,
        )[0],
    );
    let sql = app.wait_for("[data-testid=template-sql-input]", 1, wait);
    app.click(&sql[0]);
    app.ctrl("\u{E010}"); // Ctrl+End: the end of the SQL.
    app.type_focused("\u{E007}-- reviewed");
    assert!(
        eventually(wait, || app
            .attribute(&app.find_one("[data-testid=template-sql]"), "data-sql")
            .is_some_and(|s| s.ends_with("-- reviewed"))),
        "the editor holds the edit"
    );
    app.click(&app.find_one("[data-testid=template-test-run]"));
    app.wait_for("[data-testid=test-run-row]", 1, wait);
    app.screenshot(&shots.join("template-editor.png"));
    app.click(&app.find_one("[data-testid=template-save]"));
    app.wait_for("[data-testid=template-version][data-version='2']", 1, wait);
    let saved = in_workspace(workspace.path(), |store| async move {
        store
            .get_template(&TemplateId::from("tpl_channel_summary"))
            .await
            .expect("template")
            .template
    });
    assert_eq!(saved.version, 2);
    assert!(
        saved.sql.trim_end().ends_with("-- reviewed"),
        "{}",
        saved.sql
    );

    // A flow built with version 1 shows that the template changed; its node is updated.
    app.click(&app.find_one("[data-testid=templates-home]"));
    app.click(
        &app.wait_for(
            "[data-testid=flow-item][data-composition-id=comp_low_ctr_review]",
            1,
            wait,
        )[0],
    );
    let channels = "[data-testid=canvas-node][data-node-id=channel_mix]";
    app.wait_for("[data-testid=problem][data-code=template_changed]", 1, wait);
    app.wait_for(
        &format!("{channels} [data-testid=node-template-update]"),
        1,
        wait,
    );
    app.click(&app.find_one(&format!("{channels} [data-testid=node-label]")));
    let on = app.wait_for(
        "[data-testid=inspector] [data-testid=template-version]",
        1,
        wait,
    );
    assert!(app.text(&on[0]).contains('1'), "{}", app.text(&on[0]));
    app.screenshot(&shots.join("template-changed.png"));
    app.click(&app.find_one("[data-testid=template-update]"));
    let version_of_channels = || {
        in_workspace(workspace.path(), |store| async move {
            store
                .get_flow(&CompositionId::from("comp_low_ctr_review"))
                .await
                .expect("flow")
                .flow
                .nodes
                .iter()
                .find(|n| n.node_id.as_str() == "channel_mix")
                .and_then(|n| n.template_version)
        })
    };
    assert!(
        eventually(wait, || version_of_channels() == Some(2)),
        "the update was saved"
    );
    assert!(
        eventually(wait, || app
            .find_all("[data-testid=problem][data-code=template_changed]")
            .is_empty()
            && app
                .find_all(&format!("{channels} [data-testid=node-template-update]"))
                .is_empty()),
        "the flow no longer says the template changed"
    );

    // A flow made from a gallery entry opens on the canvas.
    app.click(&app.find_one("[data-testid=back]"));
    app.click(&app.wait_for("[data-testid=open-gallery]", 1, wait)[0]);
    app.click(&app.wait_for(
        "[data-testid=gallery-item][data-gallery-id=ftpl_big_spenders_return] [data-testid=gallery-use]",
        1,
        wait,
    )[0]);
    app.wait_for("[data-testid=canvas-node]", 3, wait);
    let id = CompositionId::from("comp_big_spenders_return");
    let stored = |id: CompositionId| {
        in_workspace(workspace.path(), |store| async move {
            store.get_flow(&id).await.map(|d| (d.flow, d.meta))
        })
    };
    let (_, meta) = stored(id.clone()).expect("the user's flow");
    assert_eq!(
        meta.flow_template_id.as_deref(),
        Some("ftpl_big_spenders_return")
    );

    // An edit (a node deleted) is version 2; restoring version 1 brings the node back as 3.
    let trend = "[data-testid=canvas-node][data-node-id=their_trend]";
    app.context_click(&app.find_one(&format!("{trend} [data-testid=node-label]")));
    app.click(&app.wait_for("[data-testid=node-menu] [data-testid=menu-delete]", 1, wait)[0]);
    assert!(
        eventually(wait, || stored(id.clone())
            .is_ok_and(|(f, _)| f.nodes.len() == 2)),
        "the delete was saved"
    );
    app.click(&app.find_one("[data-testid=open-versions]"));
    app.click(&app.wait_for("[data-testid=version-item][data-version='1']", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=version-restore]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=confirm-submit]", 1, wait)[0]);
    app.wait_for("[data-testid=canvas-node]", 3, wait);
    assert!(
        eventually(wait, || stored(id.clone())
            .is_ok_and(|(f, _)| f.nodes.len() == 3)),
        "the restored flow is stored"
    );
    let versions = in_workspace(workspace.path(), |store| async move {
        store
            .list_versions(&CompositionId::from("comp_big_spenders_return"))
            .await
            .expect("versions")
    });
    assert_eq!(versions[0].version, 3, "restoring is a new version");
    app.wait_for("[data-testid=version-item][data-version='3']", 1, wait);

    // A schedule: its cron in words and its next five times, as the core computes them.
    app.click(&app.find_one("[data-testid=back]"));
    app.click(&app.wait_for("[data-testid=open-schedules]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=new-schedule]", 1, wait)[0]);
    app.type_into(
        &app.wait_for("[data-testid=schedule-name]", 1, wait)[0],
        "Weekday mornings",
    );
    app.click(&app.find_one("[data-testid=schedule-flow] option[value=comp_big_spenders_return]"));
    app.paste_into("[data-testid=schedule-timezone]", "Europe/Paris");
    app.paste_into("[data-testid=schedule-cron]", "0 9 * * MON-FRI");
    let expected: Vec<String> = CronSchedule::parse("0 9 * * MON-FRI", "Europe/Paris")
        .expect("parses")
        .preview(chrono::Utc::now())
        .next;
    let shown = || -> Vec<String> {
        app.find_all("[data-testid=cron-next]")
            .iter()
            .filter_map(|e| app.attribute(e, "data-utc"))
            .collect()
    };
    assert!(
        eventually(wait, || shown() == expected),
        "the next five times shown should be {expected:?}, are {:?} ({:?}, {:?})",
        shown(),
        app.texts("[data-testid=cron-next]"),
        app.texts("[data-testid=cron-error]")
    );
    let said = app.text(&app.find_one("[data-testid=cron-description]"));
    assert!(said.contains("09:00"), "{said}");
    app.screenshot(&shots.join("schedule-editor.png"));
    app.click(&app.find_one("[data-testid=schedule-save]"));
    app.wait_for("[data-testid=schedule-row]", 1, wait);
    let schedules = in_workspace(workspace.path(), |store| async move {
        store.list_schedules().await.expect("schedules")
    });
    assert_eq!(schedules.len(), 1);
    assert!(
        matches!(&schedules[0].spec.trigger, flowloom_core::model::ScheduleTrigger::Cron { timezone, .. } if timezone == "Europe/Paris"),
        "{:?}",
        schedules[0].spec.trigger
    );
    assert_eq!(
        schedules[0].next_run_at.as_deref(),
        expected.first().map(String::as_str)
    );
}
