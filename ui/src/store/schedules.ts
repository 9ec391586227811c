// Schedules on the Schedules screen: the list, the runs missed while the app was closed, the
// editor (a new schedule or one being changed, the live preview of its cron expression and the
// target flow's global parameters), enabling, running now and deleting. A refused save keeps every problem
// Rust found for the editor to show; answers asked for before the latest (a preview typed
// over, a flow picked over) are dropped.
import type { AppError, CronPreview, Fired, FlowSummary, GlobalParameter, Missed, Schedule } from "../api";
import { scheduleSpec, specOf, type ScheduleDraft } from "../lib/schedule";
import { loadable, type Loadable } from "../lib/loadable";
import type { StoreAccess } from "./access";
import type { ScreenState } from "./screen";

/** How long typing in the cron field must pause before its preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 200;

/** The editor, when open: on a new schedule or on a stored one. */
export type ScheduleEditor = { readonly kind: "new" } | { readonly kind: "edit"; readonly schedule: Schedule };

export type ScheduleSave =
  | { readonly status: "idle" }
  | { readonly status: "saving" }
  | { readonly status: "failed"; readonly error: AppError };

/** The cron expression being typed: nothing asked yet, its preview (in `timezone`), or why it is wrong. */
export type CronPreviewState =
  | { readonly status: "idle" }
  | { readonly status: "ready"; readonly timezone: string; readonly preview: CronPreview }
  | { readonly status: "failed"; readonly error: AppError };

/** The flow the editor's schedule runs, and its global parameters (to set values for). */
export type ScheduleTarget = { readonly flowId: string; readonly parameters: Loadable<GlobalParameter[]> };

/** What came of "Run now" on one schedule. */
export type FiredState =
  | { readonly status: "busy" }
  | { readonly status: "done"; readonly fired: Fired }
  | { readonly status: "failed"; readonly error: AppError };

export type SchedulesState = {
  readonly list: Loadable<Schedule[]>;
  /** Every flow, to pick a schedule's target or the flow it waits for. */
  readonly flows: Loadable<FlowSummary[]>;
  readonly missed: Loadable<Missed[]>;
  readonly editor: ScheduleEditor | null;
  readonly save: ScheduleSave;
  readonly preview: CronPreviewState;
  readonly target: ScheduleTarget | null;
  /** "Run now" by schedule id. */
  readonly fired: Readonly<Record<number, FiredState>>;
};

export type ScheduleActions = {
  /** Shows the Schedules screen: the schedules, every flow, and the runs missed while closed. */
  readonly openSchedules: () => Promise<void>;
  readonly startNewSchedule: () => void;
  readonly editSchedule: (schedule: Schedule) => void;
  readonly closeScheduleEditor: () => void;
  /** Creates the draft's schedule, or replaces the one being edited; closes the editor once stored. */
  readonly saveSchedule: (draft: ScheduleDraft) => Promise<void>;
  /** Enables a disabled schedule, or disables an enabled one. */
  readonly toggleSchedule: (id: number) => Promise<void>;
  readonly runScheduleNow: (id: number) => Promise<void>;
  /** Deletes a schedule (the screen asks first). */
  readonly deleteSchedule: (id: number) => Promise<void>;
  /** Previews a cron expression once typing pauses for PREVIEW_DEBOUNCE_MS (blank: no preview). */
  readonly previewCron: (expression: string, timezone: string) => void;
  /** Reads the global parameters of the flow the editor's schedule runs ("": none chosen). */
  readonly loadScheduleTarget: (flowId: string) => Promise<void>;
};

export const initialSchedules: SchedulesState = {
  list: { status: "loading" },
  flows: { status: "loading" },
  missed: { status: "loading" },
  editor: null,
  save: { status: "idle" },
  preview: { status: "idle" },
  target: null,
  fired: {},
};

export function createScheduleActions({
  set,
  get,
  api,
}: StoreAccess<{ readonly schedules: SchedulesState } & ScreenState>): ScheduleActions {
  // Each changes when a newer request makes the answers to older ones stale.
  let editorTicket = 0;
  let previewTicket = 0;
  let targetTicket = 0;
  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  // Schedules whose switch is being saved: a second click waits for the first answer.
  const toggling = new Set<number>();

  const schedules = () => get().schedules;
  const patch = (change: Partial<SchedulesState>) => {
    set({ schedules: { ...get().schedules, ...change } });
  };

  async function refreshList(): Promise<void> {
    const outcome = await api.listSchedules();
    if (outcome.status === "ok" || schedules().list.status !== "ready") patch({ list: loadable(outcome) });
  }

  /** Drops whatever the editor asked for and has not had an answer to yet. */
  function forgetEditor(): void {
    editorTicket++;
    previewTicket++;
    targetTicket++;
    clearTimeout(previewTimer);
  }

  /** Opens the editor (or closes it: null) with nothing saved, previewed or read yet. */
  function openEditor(editor: ScheduleEditor | null): void {
    forgetEditor();
    patch({ editor, save: { status: "idle" }, preview: { status: "idle" }, target: null });
  }

  function replaceListed(schedule: Schedule): void {
    const { list } = schedules();
    if (list.status === "ready") {
      patch({ list: { status: "ready", data: list.data.map((s) => (s.id === schedule.id ? schedule : s)) } });
    }
  }

  async function preview(expression: string, timezone: string, ticket: number): Promise<void> {
    const outcome = await api.previewCron(expression, timezone);
    if (ticket !== previewTicket) return;
    patch({
      preview: outcome.status === "ok" ? { status: "ready", timezone, preview: outcome.data } : { status: "failed", error: outcome.error },
    });
  }

  const actions: ScheduleActions = {
    openSchedules: async () => {
      forgetEditor();
      set({ route: { screen: "schedules" }, schedules: { ...initialSchedules, list: schedules().list }, notice: null });
      const everyFlow = { text: null, tag: null, favorites_only: false };
      const [flows, missed] = await Promise.all([api.listFlows(everyFlow), api.missedSchedules(), refreshList()]);
      patch({ flows: loadable(flows), missed: loadable(missed) });
    },

    startNewSchedule: () => {
      openEditor({ kind: "new" });
    },

    editSchedule: (schedule) => {
      openEditor({ kind: "edit", schedule });
    },

    closeScheduleEditor: () => {
      openEditor(null);
    },

    saveSchedule: async (draft) => {
      const { editor, save, target } = schedules();
      if (editor === null || save.status === "saving") return;
      const globals = target?.flowId === draft.flowId && target.parameters.status === "ready" ? target.parameters.data : [];
      const spec = scheduleSpec(draft, globals);
      const ticket = editorTicket;
      patch({ save: { status: "saving" } });
      const outcome = editor.kind === "edit" ? await api.updateSchedule(editor.schedule.id, spec) : await api.createSchedule(spec);
      if (ticket !== editorTicket) return;
      if (outcome.status === "error") {
        patch({ save: { status: "failed", error: outcome.error } });
        return;
      }
      openEditor(null);
      await refreshList();
    },

    toggleSchedule: async (id) => {
      const { list } = schedules();
      const schedule = list.status === "ready" ? list.data.find((s) => s.id === id) : undefined;
      if (schedule === undefined || toggling.has(id)) return;
      toggling.add(id);
      const outcome = await api.updateSchedule(id, { ...specOf(schedule), enabled: !schedule.enabled }).finally(() => toggling.delete(id));
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      replaceListed(outcome.data);
    },

    runScheduleNow: async (id) => {
      if (schedules().fired[id]?.status === "busy") return;
      patch({ fired: { ...schedules().fired, [id]: { status: "busy" } } });
      const outcome = await api.runScheduleNow(id);
      const state: FiredState = outcome.status === "ok" ? { status: "done", fired: outcome.data } : { status: "failed", error: outcome.error };
      patch({ fired: { ...schedules().fired, [id]: state } });
      await refreshList();
    },

    deleteSchedule: async (id) => {
      const outcome = await api.deleteSchedule(id);
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      const { editor } = schedules();
      if (editor?.kind === "edit" && editor.schedule.id === id) openEditor(null);
      await refreshList();
    },

    previewCron: (expression, timezone) => {
      clearTimeout(previewTimer);
      const ticket = ++previewTicket;
      if (expression.trim() === "") {
        patch({ preview: { status: "idle" } });
        return;
      }
      previewTimer = setTimeout(() => void preview(expression.trim(), timezone.trim(), ticket), PREVIEW_DEBOUNCE_MS);
    },

    loadScheduleTarget: async (flowId) => {
      const ticket = ++targetTicket;
      if (flowId === "") {
        patch({ target: null });
        return;
      }
      const { target } = schedules();
      if (target?.flowId === flowId && target.parameters.status === "ready") return;
      patch({ target: { flowId, parameters: { status: "loading" } } });
      const outcome = await api.getFlow(flowId);
      if (ticket !== targetTicket) return;
      const parameters: Loadable<GlobalParameter[]> =
        outcome.status === "ok" ? { status: "ready", data: outcome.data.flow.composition.global_parameters } : { status: "failed", error: outcome.error };
      patch({ target: { flowId, parameters } });
    },
  };
  return actions;
}
