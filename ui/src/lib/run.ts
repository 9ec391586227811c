// A run of the open flow as the flow screen shows it: each node's progress from the engine's
// events, then the run's outcome. Pure: the store feeds it events and command answers.
import type {
  AppError,
  GlobalParameter,
  JsonValue,
  NodeStatus,
  RunDetail,
  RunEvent,
  RunRequest,
  RunStatus,
  RunSummary,
  ShadowedGlobal,
} from "../api";

export type NodeProgress = {
  readonly status: NodeStatus;
  readonly rows: number | null;
  readonly durationMs: number | null;
  /** Its result was reused from an earlier run. */
  readonly fromCache: boolean;
  /** When it started running (ms since the epoch), while it runs. */
  readonly startedAt?: number;
  readonly error: string | null;
};

/** What the run dialog asks: a text per global parameter, and whether unchanged results are reused. */
export type RunChoices = {
  readonly values: Readonly<Record<string, string>>;
  readonly reuse: boolean;
};

/** A global parameter's default as the dialog shows it: lists comma-separated, texts and dates bare. */
export function defaultText(parameter: GlobalParameter): string {
  const value = parameter.default;
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The choices a recorded run was made with, to run it again: each global parameter's value
 * as text Rust parses back to the same value (lists as a JSON array, so no comma in a value
 * can split it).
 */
export function choicesFromRun(run: RunSummary): RunChoices {
  const text = (value: JsonValue) => (typeof value === "string" ? value : JSON.stringify(value));
  return {
    values: Object.fromEntries(Object.entries(run.parameters).filter(([, v]) => v !== null).map(([k, v]) => [k, text(v)])),
    reuse: true,
  };
}

/** The input a global parameter is typed in: a date picker, a number, or text (lists comma-separated). */
export function parameterInputType(parameter: GlobalParameter): "date" | "number" | "text" {
  if (parameter.list === true) return "text";
  if (parameter.type === "date") return "date";
  if (parameter.type === "integer" || parameter.type === "decimal") return "number";
  return "text";
}

/** The dialog's first state for a flow: every parameter at its default, results reused. */
export function defaultChoices(parameters: readonly GlobalParameter[]): RunChoices {
  return { values: Object.fromEntries(parameters.map((p) => [p.name, defaultText(p)])), reuse: true };
}

/** Part of a flow to run: a node and what it needs, or a node and what follows it. */
export type RunPart = { readonly to: string } | { readonly from: string };

/**
 * The run the dialog asks for: a blank field keeps the parameter's default (Rust parses each
 * text by its type); `part` narrows it to "run to here" or "run from here".
 */
export function runRequest(choices: RunChoices, part?: RunPart): RunRequest {
  const parameters = Object.fromEntries(Object.entries(choices.values).filter(([, text]) => text.trim() !== ""));
  return { parameters, no_cache: !choices.reuse, ...part };
}

/**
 * The order a node's parameter gets its value in, the last that gives one winning — as the
 * engine resolves it: a global parameter reaches a node only where neither the node's own
 * value nor a mapped column sets that parameter.
 */
export const PARAMETER_ORDER = "template default → global parameter → this node's value → mapped column";

/**
 * Why the flow's global parameter of a node parameter's name does not reach it here (the
 * node's own value, or a mapped column, wins), or null when it does or there is no such global.
 */
export function globalShadowed(
  name: string,
  globals: ReadonlySet<string>,
  hasOverride: boolean,
  fedFrom: string | undefined,
): string | null {
  if (!globals.has(name)) return null;
  if (fedFrom !== undefined) return `The global parameter ${name} is not used here: the mapped column ${fedFrom} wins.`;
  if (hasOverride) return `The global parameter ${name} is not used here: this node's value wins.`;
  return null;
}

/** A value given in the run dialog that a node will not use. */
export type ShadowWarning = {
  readonly nodeId: string;
  readonly global: string;
  readonly message: string;
};

/**
 * Which globals set in the run dialog (filled in, and not left at their default) a node will
 * not use, per node, from where Rust found them shadowed (`shadowed_globals`: the node's own
 * value or a mapped column wins).
 */
export function shadowWarnings(
  shadows: readonly ShadowedGlobal[],
  parameters: readonly GlobalParameter[],
  values: Readonly<Record<string, string>>,
): ShadowWarning[] {
  const set = new Set(
    parameters
      .filter((p) => {
        const text = values[p.name]?.trim() ?? "";
        return text !== "" && text !== defaultText(p).trim();
      })
      .map((p) => p.name),
  );
  return shadows
    .filter((s) => set.has(s.global))
    .map((s) => ({
      nodeId: s.node_id,
      global: s.global,
      message:
        s.by.kind === "mapping"
          ? `${s.node_id} takes ${s.global} from ${s.by.source_node_id}.${s.by.column}, not from here`
          : `${s.node_id} keeps its own ${s.global} = ${typeof s.by.value === "string" ? s.by.value : JSON.stringify(s.by.value)}`,
    }));
}

export type RunState =
  | { readonly status: "idle" }
  | {
      readonly status: "running";
      readonly nodes: Readonly<Record<string, NodeProgress>>;
      /** The schedule that started it, when this window did not. */
      readonly schedule?: number;
    }
  | {
      readonly status: "finished";
      readonly outcome: RunStatus;
      readonly nodes: Readonly<Record<string, NodeProgress>>;
      /** The recorded run, whose results can be opened (null: it could not start). */
      readonly runId: number | null;
    }
  | { readonly status: "failed"; readonly error: AppError };

export const runIdle: RunState = { status: "idle" };

export const runStarted: RunState = { status: "running", nodes: {} };

/** A run this window did not start (a schedule's), as it starts. */
export function runStartedBySchedule(schedule: number): RunState {
  return { status: "running", nodes: {}, schedule };
}

/** The run with one more event applied (at `now`); events after the run ended are ignored. */
export function applyRunEvent(state: RunState, event: RunEvent, now: number = Date.now()): RunState {
  if (state.status !== "running") return state;
  const progress: NodeProgress =
    event.event === "node_started"
      ? { status: "RUNNING", rows: null, durationMs: null, fromCache: false, error: null, startedAt: now }
      : {
          status: event.status,
          rows: event.row_count,
          durationMs: event.duration_ms,
          fromCache: event.from_cache,
          error: event.error,
        };
  return { ...state, nodes: { ...state.nodes, [event.node_id]: progress } };
}

export function runEnded(state: RunState, outcome: RunStatus, runId: number | null): RunState {
  return { status: "finished", outcome, runId, nodes: state.status === "running" ? state.nodes : {} };
}

/** A run from the history, as the canvas shows it: each node's recorded outcome. */
export function runFromHistory(detail: RunDetail): RunState {
  const nodes = Object.fromEntries(
    detail.nodes.map((record): [string, NodeProgress] => [
      record.node_id,
      {
        status: record.status,
        rows: record.row_count,
        durationMs: record.duration_ms,
        fromCache: record.from_cache,
        error: record.error,
      },
    ]),
  );
  return { status: "finished", outcome: detail.summary.status, runId: detail.summary.run_id, nodes };
}

/** Each node's progress in the run on screen, if any. */
export function nodeProgress(state: RunState, nodeId: string): NodeProgress | null {
  return state.status === "running" || state.status === "finished" ? (state.nodes[nodeId] ?? null) : null;
}

/** A node's progress in a few words (at `now`, for the time a running node has taken), for its chip on the canvas. */
export function describeProgress(progress: NodeProgress, now: number = Date.now()): string {
  switch (progress.status) {
    case "PENDING":
      return "waiting";
    case "RUNNING":
      return progress.startedAt === undefined ? "running…" : `running… ${((now - progress.startedAt) / 1000).toFixed(1)} s`;
    case "COMPLETED":
      return progress.fromCache
        ? `${progress.rows ?? 0} rows · reused`
        : `${progress.rows ?? 0} rows · ${progress.durationMs ?? 0} ms`;
    case "SKIPPED":
      return "skipped";
    case "FAILED":
      return "failed";
    case "CANCELLED":
      return "cancelled";
  }
}

/** The run's line in the flow's header. */
export function describeRun(state: RunState): string | null {
  switch (state.status) {
    case "idle":
      return null;
    case "running":
      return "Running…";
    case "finished":
      return state.outcome === "COMPLETED" ? "Run completed" : state.outcome === "CANCELLED" ? "Run cancelled" : "Run failed";
    case "failed":
      return `Could not run: ${state.error.message}`;
  }
}
