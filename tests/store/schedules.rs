use crate::support::{assert_constraint, count, deep_dive, exec, store_with_templates};
use flowloom_core::{CompositionId, Store};

async fn store_with_flow() -> (Store, tempfile::TempDir) {
    let (store, dir) = store_with_templates().await;
    store.create_flow(&deep_dive()).await.expect("create flow");
    exec(
        &store,
        "INSERT INTO flow_templates (id, name, definition) VALUES ('ftpl_weekly', 'Weekly', '{}')",
    )
    .await
    .expect("gallery entry");
    (store, dir)
}

#[tokio::test]
async fn a_schedule_targets_exactly_one_flow() {
    let (store, _dir) = store_with_flow().await;
    assert_constraint(
        exec(&store, "INSERT INTO schedules (name, trigger_type, cron_expression) VALUES ('Nightly', 'cron', '0 3 * * *')").await,
        "schedule_exactly_one_target",
    );
    assert_constraint(
        exec(
            &store,
            "INSERT INTO schedules (name, composition, flow_template_id, trigger_type, cron_expression)
             SELECT 'Nightly', id, 'ftpl_weekly', 'cron', '0 3 * * *' FROM compositions",
        )
        .await,
        "schedule_exactly_one_target",
    );
    exec(
        &store,
        "INSERT INTO schedules (name, composition, trigger_type, cron_expression)
         SELECT 'Nightly', id, 'cron', '0 3 * * *' FROM compositions",
    )
    .await
    .expect("one target");
}

#[tokio::test]
async fn each_trigger_carries_what_it_needs() {
    let (store, _dir) = store_with_flow().await;
    assert_constraint(
        exec(&store, "INSERT INTO schedules (name, composition, trigger_type) SELECT 'x', id, 'cron' FROM compositions").await,
        "schedule_trigger_config",
    );
    assert_constraint(
        exec(
            &store,
            "INSERT INTO schedules (name, composition, trigger_type, cron_expression, watch_path)
             SELECT 'x', id, 'file_change', '* * * * *', '/tmp/in' FROM compositions",
        )
        .await,
        "schedule_trigger_config",
    );
    assert_constraint(
        exec(
            &store,
            "INSERT INTO schedules (name, composition, trigger_type, watched_composition)
             SELECT 'x', id, 'flow_completed', id FROM compositions",
        )
        .await,
        "schedule_trigger_config",
    );
    assert_constraint(
        exec(&store, "INSERT INTO schedules (name, composition, trigger_type) SELECT 'x', id, 'hourly' FROM compositions").await,
        "schedule_trigger_type",
    );
    assert_constraint(
        exec(
            &store,
            "INSERT INTO schedules (name, composition, trigger_type, cron_expression, overlap_policy)
             SELECT 'x', id, 'cron', '* * * * *', 'cancel' FROM compositions",
        )
        .await,
        "schedule_overlap_policy",
    );
    exec(
        &store,
        "INSERT INTO schedules (name, composition, trigger_type, watch_path)
             SELECT 'On new data', id, 'file_change', 'data/*.csv' FROM compositions;
         INSERT INTO schedules (name, composition, trigger_type, watched_composition, watched_status)
             SELECT 'After itself', id, 'flow_completed', id, 'COMPLETED' FROM compositions;",
    )
    .await
    .expect("well-formed triggers");
}

#[tokio::test]
async fn schedules_go_with_their_flow_and_runs_outlive_their_schedule() {
    let (store, _dir) = store_with_flow().await;
    exec(
        &store,
        "INSERT INTO schedules (name, composition, trigger_type, cron_expression)
             SELECT 'Nightly', id, 'cron', '0 3 * * *' FROM compositions;
         INSERT INTO flow_templates (id, name, definition) VALUES ('ftpl_other', 'Other', '{}');
         INSERT INTO schedules (name, flow_template_id, trigger_type, cron_expression)
             VALUES ('Gallery nightly', 'ftpl_other', 'cron', '0 4 * * *');
         INSERT INTO flow_executions (flow_template_id, schedule, trigger_type)
             SELECT 'ftpl_weekly', id, 'schedule' FROM schedules WHERE name = 'Gallery nightly';",
    )
    .await
    .expect("schedules and a scheduled run");
    exec(
        &store,
        "DELETE FROM schedules WHERE name = 'Gallery nightly'",
    )
    .await
    .expect("delete schedule");
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM flow_executions WHERE schedule IS NULL"
        )
        .await,
        1
    );

    store
        .delete_flow(&CompositionId::from("comp_campaign_deep_dive"))
        .await
        .expect("delete flow");
    assert_eq!(count(&store, "SELECT count(*) FROM schedules").await, 0);
}
