// Schedules as the Schedules screen shows and edits them: the editor's draft and the definition
// it becomes (and back), a trigger in words, run times in a time zone, what "Run now" did and
// the runs missed while the app was closed. Pure.
import type {
  FiredOutcome,
  GlobalParameter,
  JsonValue,
  Missed,
  OverlapPolicy,
  RunStatus,
  Schedule,
  ScheduleInput,
  ScheduleTrigger,
} from "../api";
import { plural } from "./format";

export type TriggerKind = ScheduleTrigger["kind"];

/** The run endings another flow's schedule can wait for. */
export const RUN_ENDINGS = ["COMPLETED", "FAILED", "CANCELLED"] as const satisfies readonly RunStatus[];
export type RunEnding = (typeof RUN_ENDINGS)[number];

/** What a new cron schedule starts from: weekdays at nine. */
export const DEFAULT_CRON = "0 9 * * 1-5";

/**
 * The editor's fields as typed. Every trigger kind keeps its own fields, so switching kinds
 * and back loses nothing; only the chosen kind's become the definition.
 */
export type ScheduleDraft = {
  readonly name: string;
  readonly flowId: string;
  readonly kind: TriggerKind;
  readonly cron: string;
  readonly timezone: string;
  readonly watch: string;
  readonly afterFlow: string;
  readonly afterStatus: RunEnding;
  readonly condition: string;
  /** Texts typed for the target flow's global parameters (blank: the parameter's default). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly catchUp: boolean;
  readonly overlap: OverlapPolicy;
  readonly enabled: boolean;
};

/** An empty draft: a cron schedule in `timezone` (the user's), enabled. */
export function newDraft(timezone: string): ScheduleDraft {
  return {
    name: "",
    flowId: "",
    kind: "cron",
    cron: DEFAULT_CRON,
    timezone,
    watch: "",
    afterFlow: "",
    afterStatus: "COMPLETED",
    condition: "",
    parameters: {},
    catchUp: false,
    overlap: "skip",
    enabled: true,
  };
}

/** A parameter's stored value as the editor shows it: texts and dates bare, anything else as JSON. */
export function parameterText(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isEnding(status: RunStatus): status is RunEnding {
  return (RUN_ENDINGS as readonly RunStatus[]).includes(status);
}

/** The draft fields a trigger fills. */
function triggerFields(fires: ScheduleTrigger): Partial<ScheduleDraft> {
  switch (fires.kind) {
    case "cron":
      return { kind: "cron", cron: fires.expression, timezone: fires.timezone };
    case "file_change":
      return { kind: "file_change", watch: fires.path };
    case "flow_completed":
      return { kind: "flow_completed", afterFlow: fires.flow, afterStatus: isEnding(fires.status) ? fires.status : "COMPLETED" };
  }
}

/** The draft a stored schedule is edited from; the other trigger kinds' fields start as a new draft's. */
export function draftFromSchedule(schedule: Schedule, timezone: string): ScheduleDraft {
  const parameters = Object.entries(schedule.parameters).filter(([, value]) => value !== null);
  return {
    ...newDraft(timezone),
    ...triggerFields(schedule.trigger),
    name: schedule.name,
    flowId: schedule.composition_id,
    condition: schedule.condition ?? "",
    parameters: Object.fromEntries(parameters.map(([name, value]) => [name, parameterText(value)])),
    catchUp: schedule.catch_up,
    overlap: schedule.overlap,
    enabled: schedule.enabled,
  };
}

/** A bare word as the JSON its type reads it as: numbers, booleans and JSON parsed, the rest text. */
function wordJson(type: GlobalParameter["type"], text: string): JsonValue {
  if (type === "string" || type === "date" || type === "datetime") return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * A typed text as the value of `parameter`, read the way the command line reads one: a list
 * is a JSON array or comma-separated words. Rust checks the value against the type.
 */
export function parameterJson(parameter: GlobalParameter, text: string): JsonValue {
  if (parameter.list !== true) return wordJson(parameter.type, text);
  try {
    const parsed = JSON.parse(text) as JsonValue;
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: comma-separated words.
  }
  return text.split(",").map((word) => wordJson(parameter.type, word.trim()));
}

function trigger(draft: ScheduleDraft): ScheduleTrigger {
  switch (draft.kind) {
    case "cron":
      return { kind: "cron", expression: draft.cron.trim(), timezone: draft.timezone.trim() };
    case "file_change":
      return { kind: "file_change", path: draft.watch.trim() };
    case "flow_completed":
      return { kind: "flow_completed", flow: draft.afterFlow, status: draft.afterStatus };
  }
}

/**
 * The definition the draft stands for. Only the target flow's parameters (`globals`) the user
 * set are sent, each typed; the rest keep their defaults. Rust checks everything else.
 */
export function scheduleSpec(draft: ScheduleDraft, globals: readonly GlobalParameter[]): ScheduleInput {
  const condition = draft.condition.trim();
  const parameters: Record<string, JsonValue> = {};
  for (const global of globals) {
    const text = draft.parameters[global.name]?.trim() ?? "";
    if (text !== "") parameters[global.name] = parameterJson(global, text);
  }
  return {
    name: draft.name.trim(),
    composition_id: draft.flowId,
    trigger: trigger(draft),
    condition: condition === "" ? null : condition,
    parameters,
    catch_up: draft.catchUp,
    overlap: draft.overlap,
    enabled: draft.enabled,
  };
}

/** A stored schedule's definition, to send back changed (enabled or not). */
export function specOf(schedule: Schedule): ScheduleInput {
  const { name, composition_id, trigger: fires, condition, parameters, catch_up, overlap, enabled } = schedule;
  return { name, composition_id, trigger: fires, condition, parameters, catch_up, overlap, enabled };
}

const ENDING_WORDS: Record<RunStatus, string> = {
  PENDING: "is queued",
  RUNNING: "starts",
  COMPLETED: "completes",
  FAILED: "fails",
  CANCELLED: "is cancelled",
};

/** What fires a schedule, in words; `flowName` names a flow by its id. */
export function describeTrigger(fires: ScheduleTrigger, flowName: (flowId: string) => string): string {
  switch (fires.kind) {
    case "cron":
      return `Cron ${fires.expression} (${fires.timezone})`;
    case "file_change":
      return `When ${fires.path} changes`;
    case "flow_completed":
      return `When “${flowName(fires.flow)}” ${ENDING_WORDS[fires.status]}`;
  }
}

const RUN_TIME: Intl.DateTimeFormatOptions = {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
};

function format(time: number, timeZone: string, options: Intl.DateTimeFormatOptions, locale: string | undefined): string {
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(time);
  } catch {
    // A zone Rust knows but this browser does not: the time in UTC, saying so.
    return `${new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(time)} UTC`;
  }
}

/** A run time (UTC, RFC 3339) as a clock in `timeZone` reads it: "Mon 30 Nov 2026, 09:00" (en-GB). */
export function formatInZone(utc: string, timeZone: string, locale?: string): string {
  const time = Date.parse(utc);
  return Number.isNaN(time) ? utc : format(time, timeZone, RUN_TIME, locale);
}

/**
 * When a schedule runs next, in the user's time zone (`localZone`); a cron schedule also says
 * its own zone, with its clock's time when that differs. Null when it is not due at a time.
 */
export function describeNextRun(schedule: Schedule, localZone: string, locale?: string): string | null {
  if (schedule.next_run_at === null) return null;
  const local = formatInZone(schedule.next_run_at, localZone, locale);
  if (schedule.trigger.kind !== "cron") return local;
  const zone = schedule.trigger.timezone;
  if (zone === localZone) return `${local} (${zone})`;
  const time = Date.parse(schedule.next_run_at);
  const there = Number.isNaN(time) ? "" : `${format(time, zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, locale)} `;
  return `${local} (${there}${zone})`;
}

/** What came of "Run now", in a few words. */
export function describeFired(outcome: FiredOutcome): string {
  switch (outcome.kind) {
    case "started":
      return "Started";
    case "queued":
      return "Queued: it runs once the flow's current run ends";
    case "skipped":
      return `Skipped: ${outcome.reason}`;
    case "failed":
      return `Not run: ${outcome.reason}`;
  }
}

/** A schedule's runs missed while the app was closed, in a sentence (times in `localZone`). */
export function describeMissed(missed: Missed, localZone: string, locale?: string): string {
  const runs = missed.missed >= 1000 ? "1,000 or more runs" : plural(missed.missed, "run");
  const since = formatInZone(missed.since, localZone, locale);
  return `${missed.name} missed ${runs} since ${since}${missed.caught_up ? "; it ran once to catch up" : ""}.`;
}
