// A schedule's editor, new or stored: its name, the flow it runs, what fires it, an optional
// condition, values for the flow's global parameters, catching up and overlapping runs. The
// draft is this form's; saving is the store's (`saveSchedule`), which keeps every problem Rust
// found with a refused schedule.
import { useEffect, useState, type SyntheticEvent } from "react";
import type { AppError, FlowSummary } from "../../api";
import { draftFromSchedule, newDraft, type ScheduleDraft } from "../../lib/schedule";
import type { ScheduleEditor as Editing } from "../../store/schedules";
import { useAppActions, useAppState } from "../../store";
import { ErrorNotice } from "../ErrorNotice";
import { ParameterFields } from "./ParameterFields";
import { LOCAL_ZONE } from "./timeZones";
import { FlowOptions, TriggerFields } from "./TriggerFields";
import { problemsOf } from "../../lib/errors";

export type EditDraft = (change: Partial<ScheduleDraft>) => void;

export function ScheduleEditor({ editor }: { readonly editor: Editing }) {
  const save = useAppState((state) => state.schedules.save);
  const target = useAppState((state) => state.schedules.target);
  const flows = useAppState((state) => state.schedules.flows);
  const { saveSchedule, closeScheduleEditor, loadScheduleTarget } = useAppActions();
  const [draft, setDraft] = useState(() =>
    editor.kind === "edit" ? draftFromSchedule(editor.schedule, LOCAL_ZONE) : newDraft(LOCAL_ZONE),
  );
  const edit: EditDraft = (change) => {
    setDraft((current) => ({ ...current, ...change }));
  };
  const listed: readonly FlowSummary[] = flows.status === "ready" ? flows.data : [];

  useEffect(() => {
    void loadScheduleTarget(draft.flowId);
  }, [draft.flowId, loadScheduleTarget]);

  // The chosen flow's parameters, once asked for; values are saved only once they are known.
  const shownTarget = target !== null && target.flowId === draft.flowId ? target : null;
  const readingTarget = draft.flowId !== "" && shownTarget?.parameters.status !== "ready";
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    void saveSchedule(draft);
  };

  return (
    <form className="schedule-editor" onSubmit={submit} aria-label={editor.kind === "new" ? "New schedule" : "Edit schedule"}>
      <h2 className="pane-title">{editor.kind === "new" ? "New schedule" : `Edit “${editor.schedule.name}”`}</h2>
      <div className="schedule-editor__row">
        <label className="field">
          <span className="field__label">Name</span>
          <input
            className="field__input"
            data-testid="schedule-name"
            placeholder="Weekday morning review"
            autoFocus
            value={draft.name}
            onChange={(event) => {
              edit({ name: event.target.value });
            }}
          />
        </label>
        <label className="field">
          <span className="field__label">Flow to run</span>
          <select
            className="field__input"
            data-testid="schedule-flow"
            value={draft.flowId}
            onChange={(event) => {
              edit({ flowId: event.target.value });
            }}
          >
            <option value="">Choose a flow…</option>
            <FlowOptions flows={listed} chosen={draft.flowId} />
          </select>
        </label>
      </div>
      <TriggerFields draft={draft} edit={edit} flows={listed} />
      <label className="field">
        <span className="field__label">
          Condition<span className="field__type">optional</span>
        </span>
        <input
          className="field__input field__input--mono"
          data-testid="schedule-condition"
          placeholder="params.limit > 10"
          value={draft.condition}
          onChange={(event) => {
            edit({ condition: event.target.value });
          }}
        />
        <span className="field__hint">
          A CEL expression over <code>trigger</code> and <code>params</code>: when it is false, the flow is not run.
        </span>
      </label>
      {shownTarget !== null && (
        <ParameterFields
          parameters={shownTarget.parameters}
          values={draft.parameters}
          onChange={(parameters) => {
            edit({ parameters });
          }}
        />
      )}
      <RunOptions draft={draft} edit={edit} />
      {save.status === "failed" && <Refusal error={save.error} />}
      <div className="schedule-editor__actions">
        <button type="button" className="button button--ghost" data-testid="schedule-cancel" onClick={closeScheduleEditor}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button--primary"
          data-testid="schedule-save"
          aria-busy={save.status === "saving"}
          disabled={save.status === "saving" || readingTarget}
        >
          {save.status === "saving" ? "Saving…" : editor.kind === "new" ? "Create schedule" : "Save schedule"}
        </button>
      </div>
    </form>
  );
}

/** Catching up on missed runs (cron schedules), and what to do when the flow is still running. */
function RunOptions({ draft, edit }: { readonly draft: ScheduleDraft; readonly edit: EditDraft }) {
  return (
    <div className="schedule-editor__row">
      <label className="field">
        <span className="field__label">If the flow is still running</span>
        <select
          className="field__input"
          data-testid="schedule-overlap"
          value={draft.overlap}
          onChange={(event) => {
            edit({ overlap: event.target.value === "queue" ? "queue" : "skip" });
          }}
        >
          <option value="skip">Skip this run</option>
          <option value="queue">Run once it ends</option>
        </select>
      </label>
      {draft.kind === "cron" && (
        <label className="field field--check schedule-editor__check">
          <input
            type="checkbox"
            data-testid="schedule-catch-up"
            checked={draft.catchUp}
            onChange={(event) => {
              edit({ catchUp: event.target.checked });
            }}
          />
          Catch up: run once when Flowloom opens if runs were missed while it was closed
        </label>
      )}
    </div>
  );
}

/** Why the schedule was not saved: every problem Rust found, or the error as it came. */
function Refusal({ error }: { readonly error: AppError }) {
  const problems = problemsOf(error);
  if (problems.length === 0) return <ErrorNotice title="Could not save this schedule" error={error} />;
  return (
    <div className="schedule-problems" role="alert" data-testid="schedule-problems">
      <strong>This schedule cannot be saved yet:</strong>
      <ul>
        {problems.map((problem) => (
          <li key={problem} data-testid="schedule-problem">
            {problem}
          </li>
        ))}
      </ul>
    </div>
  );
}
