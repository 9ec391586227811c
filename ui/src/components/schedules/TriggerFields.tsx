// What fires a schedule, as the editor asks it: the trigger kind, then a cron expression and its
// time zone (with a live preview: the expression in words and its next runs, in that zone), a
// file or glob to watch, or another flow and how its run must end.
import { useEffect, useId } from "react";
import type { FlowSummary } from "../../api";
import { RUN_ENDINGS, formatInZone, type RunEnding, type ScheduleDraft, type TriggerKind } from "../../lib/schedule";
import { useAppActions, useAppState } from "../../store";
import type { EditDraft } from "./ScheduleEditor";
import { TIME_ZONES } from "./timeZones";

const KINDS: Record<TriggerKind, string> = {
  cron: "On a timetable (cron)",
  file_change: "When files change",
  flow_completed: "When another flow's run ends",
};

const ENDINGS: Record<RunEnding, string> = { COMPLETED: "completes", FAILED: "fails", CANCELLED: "is cancelled" };

function isKind(value: string): value is TriggerKind {
  return value in KINDS;
}

function isEnding(value: string): value is RunEnding {
  return value in ENDINGS;
}

/** The flows to pick from, and the chosen one when it is not among them (a deleted flow). */
export function FlowOptions({ flows, chosen }: { readonly flows: readonly FlowSummary[]; readonly chosen: string }) {
  const missing = chosen !== "" && !flows.some((f) => f.composition_id === chosen);
  return (
    <>
      {flows.map((flow) => (
        <option key={flow.composition_id} value={flow.composition_id}>
          {flow.name}
        </option>
      ))}
      {missing && <option value={chosen}>{chosen}</option>}
    </>
  );
}

type Props = { readonly draft: ScheduleDraft; readonly edit: EditDraft; readonly flows: readonly FlowSummary[] };

export function TriggerFields({ draft, edit, flows }: Props) {
  return (
    <fieldset className="schedule-trigger">
      <legend className="field__label">Run it</legend>
      <select
        className="field__input"
        data-testid="schedule-trigger-kind"
        aria-label="What runs it"
        value={draft.kind}
        onChange={(event) => {
          if (isKind(event.target.value)) edit({ kind: event.target.value });
        }}
      >
        {Object.entries(KINDS).map(([kind, label]) => (
          <option key={kind} value={kind}>
            {label}
          </option>
        ))}
      </select>
      {draft.kind === "cron" && <CronFields draft={draft} edit={edit} />}
      {draft.kind === "file_change" && (
        <label className="field">
          <span className="field__label">File, folder or glob</span>
          <input
            className="field__input field__input--mono"
            data-testid="schedule-watch"
            placeholder="data/*.csv"
            value={draft.watch}
            onChange={(event) => {
              edit({ watch: event.target.value });
            }}
          />
          <span className="field__hint">Relative to the workspace. Changes close together start one run with every changed path.</span>
        </label>
      )}
      {draft.kind === "flow_completed" && (
        <div className="schedule-editor__row">
          <label className="field">
            <span className="field__label">After flow</span>
            <select
              className="field__input"
              data-testid="schedule-after-flow"
              value={draft.afterFlow}
              onChange={(event) => {
                edit({ afterFlow: event.target.value });
              }}
            >
              <option value="">Choose a flow…</option>
              <FlowOptions flows={flows} chosen={draft.afterFlow} />
            </select>
          </label>
          <label className="field">
            <span className="field__label">Its run</span>
            <select
              className="field__input"
              data-testid="schedule-after-status"
              value={draft.afterStatus}
              onChange={(event) => {
                if (isEnding(event.target.value)) edit({ afterStatus: event.target.value });
              }}
            >
              {RUN_ENDINGS.map((ending) => (
                <option key={ending} value={ending}>
                  {ENDINGS[ending]}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
    </fieldset>
  );
}

function CronFields({ draft, edit }: { readonly draft: ScheduleDraft; readonly edit: EditDraft }) {
  const zonesId = useId();
  const { previewCron } = useAppActions();

  useEffect(() => {
    previewCron(draft.cron, draft.timezone);
  }, [draft.cron, draft.timezone, previewCron]);

  return (
    <>
      <div className="schedule-editor__row">
        <label className="field">
          <span className="field__label">Cron expression</span>
          <input
            className="field__input field__input--mono"
            data-testid="schedule-cron"
            placeholder="0 9 * * 1-5"
            value={draft.cron}
            onChange={(event) => {
              edit({ cron: event.target.value });
            }}
          />
          <span className="field__hint">Minute, hour, day of month, month, day of week.</span>
        </label>
        <label className="field">
          <span className="field__label">Time zone</span>
          <input
            className="field__input"
            data-testid="schedule-timezone"
            list={zonesId}
            value={draft.timezone}
            onChange={(event) => {
              edit({ timezone: event.target.value });
            }}
          />
          <datalist id={zonesId}>
            {TIME_ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </label>
      </div>
      <CronPreview />
    </>
  );
}

/** The expression being typed in words with its next runs in its zone, or what is wrong with it. */
function CronPreview() {
  const preview = useAppState((state) => state.schedules.preview);
  if (preview.status === "idle") return null;
  if (preview.status === "failed") {
    return (
      <p className="cron-preview cron-preview--error" role="alert" data-testid="cron-error">
        {preview.error.message}
      </p>
    );
  }
  const { description, next } = preview.preview;
  return (
    <div className="cron-preview" aria-live="polite">
      <p className="cron-preview__description" data-testid="cron-description">
        {description}
      </p>
      <span className="cron-preview__label">Next runs ({preview.timezone})</span>
      <ol className="cron-preview__next">
        {next.map((utc) => (
          <li key={utc} data-testid="cron-next" data-utc={utc}>
            {formatInZone(utc, preview.timezone)}
          </li>
        ))}
      </ol>
    </div>
  );
}
