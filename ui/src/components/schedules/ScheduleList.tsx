// The workspace's schedules: each with its flow, what fires it, when it runs next (in the user's
// time) and how its last run went, and its switch, "Run now", Edit and Delete.
import { useCallback, useState } from "react";
import type { Schedule } from "../../api";
import { describeFired, describeNextRun, describeTrigger, formatInZone } from "../../lib/schedule";
import type { FiredState } from "../../store/schedules";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { ConfirmDialog } from "../NameDialog";
import { LOCAL_ZONE } from "./timeZones";

/** A flow's name by its id, from the flows listed for the screen (its id while they load). */
function useFlowName(): (flowId: string) => string {
  const flows = useAppState((state) => state.schedules.flows);
  return useCallback(
    (flowId) => (flows.status === "ready" ? flows.data.find((f) => f.composition_id === flowId)?.name : undefined) ?? flowId,
    [flows],
  );
}

export function ScheduleList() {
  const list = useAppState((state) => state.schedules.list);
  const editor = useAppState((state) => state.schedules.editor);
  const { openSchedules, startNewSchedule, deleteSchedule } = useAppActions();
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const editing = editor?.kind === "edit" ? editor.schedule.id : null;

  return (
    <aside className="side-list schedule-list" aria-label="Schedules">
      <div className="schedule-list__actions">
        <button type="button" className="button button--primary" data-testid="new-schedule" onClick={startNewSchedule}>
          New schedule
        </button>
      </div>
      {list.status === "loading" && (
        <p className="list-status" aria-busy="true">
          Loading schedules…
        </p>
      )}
      {list.status === "failed" && (
        <ErrorNotice title="Could not list the schedules" error={list.error} onRetry={() => void openSchedules()} />
      )}
      {list.status === "ready" && list.data.length === 0 && (
        <p className="side-list__empty" data-testid="schedule-list-empty">
          No schedules yet.
        </p>
      )}
      {list.status === "ready" && list.data.length > 0 && (
        <ul className="schedule-list__items">
          {list.data.map((schedule) => (
            <ScheduleRow key={schedule.id} schedule={schedule} editing={schedule.id === editing} onDelete={setDeleting} />
          ))}
        </ul>
      )}
      {deleting !== null && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirm="Delete schedule"
          onConfirm={() => {
            setDeleting(null);
            void deleteSchedule(deleting.id);
          }}
          onCancel={() => {
            setDeleting(null);
          }}
        >
          <p>Its flow stays, with the runs it made; it is no longer run by this schedule.</p>
        </ConfirmDialog>
      )}
    </aside>
  );
}

type RowProps = {
  readonly schedule: Schedule;
  readonly editing: boolean;
  readonly onDelete: (schedule: Schedule) => void;
};

function ScheduleRow({ schedule, editing, onDelete }: RowProps) {
  const fired = useAppState((state) => state.schedules.fired[schedule.id]);
  const { toggleSchedule, runScheduleNow, editSchedule } = useAppActions();
  const flowName = useFlowName();
  const next = describeNextRun(schedule, LOCAL_ZONE);

  return (
    <li
      className={`schedule${editing ? " schedule--editing" : ""}${schedule.enabled ? "" : " schedule--off"}`}
      aria-current={editing ? "true" : undefined}
      data-testid="schedule-row"
      data-schedule-id={schedule.id}
      data-enabled={schedule.enabled}
    >
      <div className="schedule__head">
        <strong className="schedule__name">{schedule.name}</strong>
        <label className="schedule__switch" title={schedule.enabled ? "Turn this schedule off" : "Turn this schedule on"}>
          <input
            type="checkbox"
            data-testid="schedule-enabled"
            checked={schedule.enabled}
            onChange={() => void toggleSchedule(schedule.id)}
          />
          {schedule.enabled ? "On" : "Off"}
        </label>
      </div>
      <p className="schedule__line">Runs {flowName(schedule.composition_id)}</p>
      <p className="schedule__line" data-testid="schedule-trigger">
        {describeTrigger(schedule.trigger, flowName)}
      </p>
      <dl className="schedule__times">
        <dt>Next</dt>
        <dd data-testid="schedule-next">{next ?? (schedule.enabled && schedule.trigger.kind !== "cron" ? "When triggered" : "—")}</dd>
        <dt>Last</dt>
        <dd data-testid="schedule-last">
          {schedule.last_run_at === null ? "Never run" : formatInZone(schedule.last_run_at, LOCAL_ZONE)}
          {schedule.last_status !== null && (
            <span className={`schedule-status schedule-status--${schedule.last_status.toLowerCase()}`} data-testid="schedule-last-status">
              {schedule.last_status.toLowerCase()}
            </span>
          )}
        </dd>
      </dl>
      <div className="schedule__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="schedule-run-now"
          disabled={fired?.status === "busy"}
          onClick={() => void runScheduleNow(schedule.id)}
        >
          Run now
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="schedule-edit"
          onClick={() => {
            editSchedule(schedule);
          }}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          data-testid="schedule-delete"
          onClick={() => {
            onDelete(schedule);
          }}
        >
          Delete
        </button>
      </div>
      {fired !== undefined && fired.status !== "busy" && <FiredLine fired={fired} />}
    </li>
  );
}

/** What came of "Run now" on this schedule. */
function FiredLine({ fired }: { readonly fired: Exclude<FiredState, { status: "busy" }> }) {
  if (fired.status === "failed") {
    return (
      <p className="schedule__fired schedule__fired--failed" role="alert" data-testid="schedule-fired" data-outcome="error">
        Could not run: {fired.error.message}
      </p>
    );
  }
  const { outcome } = fired.fired;
  return (
    <p className={`schedule__fired schedule__fired--${outcome.kind}`} role="status" data-testid="schedule-fired" data-outcome={outcome.kind}>
      {describeFired(outcome)}
    </p>
  );
}
