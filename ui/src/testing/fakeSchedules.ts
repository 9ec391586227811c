// The schedules part of the fake backend: schedules in memory, refused like the real ones (every
// problem at once, as `invalid_input` with `problems`), a cron preview that reads five fields,
// "Run now" starting a run, and one schedule's runs missed while closed.
import type { AppError, CronPreview, Fired, Missed, Outcome, Schedule, ScheduleInput } from "../api";
import type { Api } from "../store/access";
import { invalidInput } from "../lib/errors";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });
const refused = (error: AppError): Outcome<never> => ({ status: "error", error });

/** The flows the fake backend knows, by id (as `fakeBackend.ts` lists them). */
const FLOWS = new Set(["comp_low_ctr", "comp_deep_dive"]);

/** When every cron schedule fires next, and the times every preview lists. */
export const NEXT_RUNS = [
  "2026-11-30T08:00:00Z",
  "2026-12-01T08:00:00Z",
  "2026-12-02T08:00:00Z",
  "2026-12-03T08:00:00Z",
  "2026-12-04T08:00:00Z",
];

export const weekdayReview: Schedule = {
  id: 1,
  name: "Weekday review",
  composition_id: "comp_low_ctr",
  trigger: { kind: "cron", expression: "0 9 * * 1-5", timezone: "Europe/Paris" },
  condition: null,
  parameters: {},
  catch_up: true,
  overlap: "skip",
  enabled: true,
  last_run_at: "2026-11-27T08:00:00Z",
  next_run_at: NEXT_RUNS[0] ?? null,
  last_status: "COMPLETED",
};

export const missedRuns: Missed[] = [{ schedule: 1, name: "Weekday review", missed: 2, since: "2026-11-26T08:00:00Z", caught_up: true }];

function cronProblem(expression: string): string | null {
  return expression.trim().split(/\s+/).length === 5 ? null : `\`${expression}\` is not a cron expression: it needs five fields`;
}

function problems(spec: ScheduleInput): string[] {
  const found: string[] = [];
  if (spec.name.trim() === "") found.push("a schedule needs a name");
  if (!FLOWS.has(spec.composition_id)) found.push(`there is no flow \`${spec.composition_id}\` to run`);
  const { trigger } = spec;
  if (trigger.kind === "cron") {
    const problem = cronProblem(trigger.expression);
    if (problem !== null) found.push(problem);
  }
  if (trigger.kind === "file_change" && trigger.path.trim() === "") found.push("a file trigger needs a path or a glob to watch");
  if (trigger.kind === "flow_completed" && trigger.flow === spec.composition_id) found.push("a flow cannot be started by its own run ending");
  return found;
}

function stored(id: number, spec: ScheduleInput): Schedule {
  return {
    id,
    name: spec.name,
    composition_id: spec.composition_id,
    trigger: spec.trigger,
    condition: spec.condition ?? null,
    parameters: spec.parameters ?? {},
    catch_up: spec.catch_up ?? false,
    overlap: spec.overlap ?? "skip",
    enabled: spec.enabled ?? true,
    last_run_at: null,
    next_run_at: spec.trigger.kind === "cron" && spec.enabled !== false ? (NEXT_RUNS[0] ?? null) : null,
    last_status: null,
  };
}

/** The schedule commands of the fake backend, over one cron schedule. */
export function fakeScheduleApi() {
  const schedules = new Map<number, Schedule>([[weekdayReview.id, weekdayReview]]);
  const specs: ScheduleInput[] = [];
  const previews: [string, string][] = [];
  let nextId = 2;

  function check(spec: ScheduleInput): Outcome<never> | null {
    specs.push(spec);
    const found = problems(spec);
    return found.length === 0 ? null : refused(invalidInput(`the schedule has ${found.length} problem(s)`, found));
  }

  const api: Pick<
    Api,
    "listSchedules" | "createSchedule" | "updateSchedule" | "deleteSchedule" | "runScheduleNow" | "previewCron" | "missedSchedules"
  > = {
    listSchedules: () => Promise.resolve(ok([...schedules.values()])),
    createSchedule: (spec) => {
      const refusal = check(spec);
      if (refusal !== null) return Promise.resolve(refusal);
      const schedule = stored(nextId++, spec);
      schedules.set(schedule.id, schedule);
      return Promise.resolve(ok(schedule));
    },
    updateSchedule: (id, spec) => {
      const before = schedules.get(id);
      if (before === undefined) return Promise.resolve(refused({ code: "not_found", message: `no schedule ${id}` }));
      const refusal = check(spec);
      if (refusal !== null) return Promise.resolve(refusal);
      const schedule = { ...stored(id, spec), last_run_at: before.last_run_at, last_status: before.last_status };
      schedules.set(id, schedule);
      return Promise.resolve(ok(schedule));
    },
    deleteSchedule: (id) => Promise.resolve(schedules.delete(id) ? ok(null) : refused({ code: "not_found", message: `no schedule ${id}` })),
    runScheduleNow: (id) => {
      const schedule = schedules.get(id);
      if (schedule === undefined) return Promise.resolve(refused({ code: "not_found", message: `no schedule ${id}` }));
      const fired: Fired = { schedule: id, name: schedule.name, composition_id: schedule.composition_id, outcome: { kind: "started" }, data: null };
      schedules.set(id, { ...schedule, last_run_at: "2026-11-28T10:00:00Z", last_status: "RUNNING" });
      return Promise.resolve(ok(fired));
    },
    previewCron: (expression, timezone) => {
      previews.push([expression, timezone]);
      const problem = cronProblem(expression);
      const preview: CronPreview = { description: `Cron ${expression}`, next: NEXT_RUNS };
      return Promise.resolve(problem === null ? ok(preview) : refused({ code: "invalid_input", message: problem }));
    },
    missedSchedules: () => Promise.resolve(ok(missedRuns)),
  };
  return { api, specs, previews };
}
