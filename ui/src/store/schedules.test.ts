// The Schedules screen's actions (store/schedules.ts) against the in-memory backend: the list,
// every flow and the missed runs; the editor's live cron preview and the target flow's
// parameters; saving (refused with every problem, then stored); enabling, running now, deleting.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newDraft } from "../lib/schedule";
import { PREVIEW_DEBOUNCE_MS } from "./schedules";
import { createAppStore, type Api } from "./index";
import { fakeApi, ok } from "../testing/fakeBackend";
import { NEXT_RUNS, missedRuns, weekdayReview } from "../testing/fakeSchedules";
import { problemsOf } from "../lib/errors";

function schedulesStore(overrides: Partial<Api> = {}) {
  const backend = fakeApi(overrides);
  const store = createAppStore(backend.api);
  return { store, backend, actions: store.getState().actions, schedules: () => store.getState().schedules };
}

function listed(schedules: ReturnType<typeof schedulesStore>["schedules"]) {
  const { list } = schedules();
  return list.status === "ready" ? list.data : [];
}

describe("opening the Schedules screen", () => {
  it("switches the route and loads the schedules, every flow and the missed runs", async () => {
    const { store, actions, schedules } = schedulesStore();
    await actions.openSchedules();
    expect(store.getState().route).toEqual({ screen: "schedules" });
    expect(listed(schedules).map((s) => s.name)).toEqual(["Weekday review"]);
    const { flows, missed } = schedules();
    expect(flows.status === "ready" && flows.data.map((f) => f.composition_id)).toEqual(["comp_low_ctr", "comp_deep_dive"]);
    expect(missed).toEqual({ status: "ready", data: missedRuns });
  });

  it("lists every flow for the pickers, whatever the home screen's filter", async () => {
    const { backend, actions } = schedulesStore();
    await actions.toggleTag("ctr");
    await actions.openSchedules();
    expect(backend.queries.at(-1)).toEqual({ text: null, tag: null, favorites_only: false });
  });
});

describe("the editor", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("previews the cron expression once typing pauses, in the zone typed", async () => {
    const { backend, actions, schedules } = schedulesStore();
    actions.startNewSchedule();
    actions.previewCron("0", "Europe/Paris");
    actions.previewCron("0 9", "Europe/Paris");
    actions.previewCron(" 0 9 * * 1-5 ", "Europe/Paris");
    expect(backend.cronPreviews).toEqual([]);
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    expect(backend.cronPreviews).toEqual([["0 9 * * 1-5", "Europe/Paris"]]);
    expect(schedules().preview).toEqual({
      status: "ready",
      timezone: "Europe/Paris",
      preview: { description: "Cron 0 9 * * 1-5", next: NEXT_RUNS },
    });
  });

  it("says what is wrong with an expression, and nothing for a blank one", async () => {
    const { actions, schedules } = schedulesStore();
    actions.startNewSchedule();
    actions.previewCron("every morning", "UTC");
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    const { preview } = schedules();
    expect(preview.status === "failed" && preview.error).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/five fields/) as string });
    actions.previewCron("  ", "UTC");
    expect(schedules().preview).toEqual({ status: "idle" });
  });

  it("drops a preview that answers after the editor closed", async () => {
    let answer: () => void = () => undefined;
    const { actions, schedules } = schedulesStore({
      previewCron: () =>
        new Promise((resolve) => {
          answer = () => {
            resolve(ok({ description: "late", next: [] }));
          };
        }),
    });
    actions.startNewSchedule();
    actions.previewCron("0 9 * * *", "UTC");
    await vi.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);
    actions.closeScheduleEditor();
    answer();
    await vi.runAllTimersAsync();
    expect(schedules().preview).toEqual({ status: "idle" });
  });
});

describe("saving a schedule", () => {
  it("keeps every problem of a refused schedule for the editor", async () => {
    const { actions, schedules } = schedulesStore();
    await actions.openSchedules();
    actions.startNewSchedule();
    await actions.saveSchedule({ ...newDraft("UTC"), cron: "9am" });
    const { save, editor } = schedules();
    expect(editor).toEqual({ kind: "new" });
    expect(save.status === "failed" && problemsOf(save.error)).toEqual([
      "a schedule needs a name",
      "there is no flow `` to run",
      "`9am` is not a cron expression: it needs five fields",
    ]);
  });

  it("sends the target flow's parameters the user set, typed, and lists the new schedule", async () => {
    const { backend, actions, schedules } = schedulesStore();
    await actions.openSchedules();
    actions.startNewSchedule();
    await actions.loadScheduleTarget("comp_deep_dive");
    const { target } = schedules();
    expect(target?.parameters.status === "ready" && target.parameters.data.map((p) => p.name)).toEqual(["start_date"]);
    const draft = { ...newDraft("Europe/Paris"), name: "Dives", flowId: "comp_deep_dive", parameters: { start_date: "2026-12-01" } };
    await actions.saveSchedule(draft);
    expect(backend.scheduleSpecs.at(-1)).toMatchObject({ name: "Dives", parameters: { start_date: "2026-12-01" } });
    expect(schedules().editor).toBeNull();
    expect(listed(schedules).map((s) => s.name)).toEqual(["Weekday review", "Dives"]);
  });

  it("replaces the schedule being edited", async () => {
    const { backend, actions, schedules } = schedulesStore();
    await actions.openSchedules();
    actions.editSchedule(weekdayReview);
    await actions.saveSchedule({ ...newDraft("UTC"), name: "Mornings", flowId: "comp_low_ctr", overlap: "queue" });
    expect(backend.scheduleSpecs.at(-1)).toMatchObject({ name: "Mornings", overlap: "queue" });
    expect(listed(schedules).map((s) => [s.id, s.name])).toEqual([[1, "Mornings"]]);
  });
});

describe("the list's actions", () => {
  it("disables and enables a schedule, keeping the rest of its definition", async () => {
    const { backend, actions, schedules } = schedulesStore();
    await actions.openSchedules();
    await actions.toggleSchedule(1);
    expect(listed(schedules)[0]?.enabled).toBe(false);
    expect(backend.scheduleSpecs.at(-1)).toMatchObject({ name: "Weekday review", trigger: weekdayReview.trigger, catch_up: true });
    await actions.toggleSchedule(1);
    expect(listed(schedules)[0]?.enabled).toBe(true);
  });

  it("shows what came of Run now, and the run in the list", async () => {
    const { actions, schedules } = schedulesStore();
    await actions.openSchedules();
    await actions.runScheduleNow(1);
    const fired = schedules().fired[1];
    expect(fired?.status === "done" && fired.fired.outcome).toEqual({ kind: "started" });
    expect(listed(schedules)[0]?.last_status).toBe("RUNNING");
  });

  it("says why Run now skipped a run", async () => {
    const skipped = { kind: "skipped" as const, reason: "its flow is still running" };
    const { actions, schedules } = schedulesStore({
      runScheduleNow: (id) => Promise.resolve(ok({ schedule: id, name: "Weekday review", composition_id: "comp_low_ctr", outcome: skipped, data: null })),
    });
    await actions.openSchedules();
    await actions.runScheduleNow(1);
    const fired = schedules().fired[1];
    expect(fired?.status === "done" && fired.fired.outcome).toEqual(skipped);
  });

  it("deletes a schedule, closing its editor", async () => {
    const { actions, schedules } = schedulesStore();
    await actions.openSchedules();
    actions.editSchedule(weekdayReview);
    await actions.deleteSchedule(1);
    expect(listed(schedules)).toEqual([]);
    expect(schedules().editor).toBeNull();
  });

  it("shows a refused delete as a notice", async () => {
    const { store, actions } = schedulesStore();
    await actions.openSchedules();
    await actions.deleteSchedule(99);
    expect(store.getState().notice).toMatchObject({ code: "not_found" });
  });
});
