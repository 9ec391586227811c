// Running the open flow and inspecting its runs: the run dialog, live progress, the history
// panel and the results drawer. Made with the open flow's ticket and the flow files' export
// (the save dialog, then the write), which exporting a result shares.
import type { AppError, ExportFormat, Outcome, RunActivity, RunProgress, RunSummary, ShadowedGlobal } from "../api";
import { loadable, type Loadable } from "../lib/loadable";
import { RESULT_PAGE_SIZE, noResults, resultFileName, type ResultsView } from "../lib/results";
import {
  applyRunEvent,
  choicesFromRun,
  defaultChoices,
  runEnded,
  runFromHistory,
  runIdle,
  runRequest,
  runStarted,
  runStartedBySchedule,
  type RunChoices,
  type RunPart,
  type RunState,
} from "../lib/run";
import type { Dialogs, StoreAccess } from "./access";
import type { EditActions, EditingState } from "./editing";
import type { OpenFlowState } from "./flow";
import type { ScreenState } from "./screen";

export type RunsState = {
  /** A run of the open flow started from this screen, with each node's progress. */
  readonly run: RunState;
  /** The run dialog, when open: the choices it starts from and why the last try was refused. */
  readonly runDialog: {
    readonly choices: RunChoices;
    readonly error: AppError | null;
    /** Where the flow's globals do not reach a node (its own value or a mapped column wins). */
    readonly shadows: readonly ShadowedGlobal[];
  } | null;
  /** What the open flow was last run with, to start the dialog from. */
  readonly runChoices: RunChoices | null;
  /** The open flow's runs, newest first. */
  readonly history: Loadable<RunSummary[]>;
  /** The node selected on the canvas, whose result the drawer shows. */
  readonly selectedNode: string | null;
  /** The selected node's result in the run on screen, a page at a time. */
  readonly results: ResultsView;
};

/** The runs of the open flow as they are while none is open (at start, and once one is left). */
export const initialRuns: RunsState = {
  run: runIdle,
  runDialog: null,
  runChoices: null,
  history: { status: "loading" },
  selectedNode: null,
  results: noResults,
};

export type RunActions = {
  /** The Run button: asks for the global parameters in the run dialog, or runs at once when there are none. */
  readonly startRun: () => Promise<void>;
  readonly closeRunDialog: () => void;
  /** Runs the open flow with `choices`; progress arrives through `applyRunProgress`. A refused value reopens the dialog. */
  readonly runFlow: (choices: RunChoices, part?: RunPart) => Promise<void>;
  /** Runs part of the open flow (to or from the selected node) with the last choices, or the defaults. */
  readonly runPart: (part: RunPart) => Promise<void>;
  /** Runs the open flow again with the parameters a recorded run used. */
  readonly rerun: (runId: number) => Promise<void>;
  /** Shows a run from the history: its statuses on the canvas, its results in the drawer. */
  readonly showRun: (runId: number) => Promise<void>;
  /** The canvas selection changed (null: nothing, or more than one node). */
  readonly selectNode: (nodeId: string | null) => Promise<void>;
  /** Shows the page of the drawer's result that starts at `offset`. */
  readonly pageResults: (offset: number) => Promise<void>;
  /** Asks where to save the drawer's whole result and writes it there in `format`. */
  readonly exportResult: (format: ExportFormat) => Promise<void>;
  readonly cancelRun: () => Promise<void>;
  /** One event of a run, as the engine sent it (ignored unless it is the open flow's). */
  readonly applyRunProgress: (progress: RunProgress) => void;
  /**
   * A run started or ended, whoever started it: a schedule's run of the open flow shows on
   * the canvas as the window's own does, with Cancel, and its outcome joins the history.
   */
  readonly applyRunActivity: (activity: RunActivity) => Promise<void>;
  /** Shows a schedule's run of the open flow already going on when the flow is opened. */
  readonly adoptActiveRun: () => Promise<void>;
};

type Shared = StoreAccess<RunsState & Pick<OpenFlowState, "flow"> & Pick<EditingState, "saveState"> & ScreenState, Pick<EditActions, "editsForRun" | "savedByRun">> & {
  readonly dialogs: Dialogs;
  /** Changes whenever another flow is shown: answers for the previous one are dropped. */
  readonly flowTicket: () => number;
  readonly exportTo: (
    pick: () => Promise<Outcome<string | null>>,
    write: (path: string) => Promise<Outcome<null>>,
  ) => Promise<void>;
};

export function createRunActions({ set, get, api, dialogs, flowTicket, exportTo }: Shared) {
  let resultsTicket = 0;

  /** Reloads the open flow's history; drops the answer if another flow is shown by then. */
  async function refreshHistory(): Promise<void> {
    const { flow } = get();
    if (flow.status !== "ready") return;
    const ticket = flowTicket();
    const outcome = await api.listRuns(flow.data.flow.composition.composition_id);
    if (ticket !== flowTicket()) return;
    set({ history: loadable(outcome) });
  }

  /**
   * Loads the page at `offset` of the selected node's result in the run on screen, if that
   * node kept one; otherwise the drawer shows nothing. A newer request wins.
   */
  async function loadResults(offset: number): Promise<void> {
    const { run, selectedNode } = get();
    const runId = run.status === "finished" ? run.runId : null;
    const kept = run.status === "finished" && selectedNode !== null && run.nodes[selectedNode]?.status === "COMPLETED";
    if (runId === null || selectedNode === null || !kept) {
      set({ results: noResults });
      return;
    }
    const ticket = ++resultsTicket;
    set({ results: { status: "loading", runId, nodeId: selectedNode, offset } });
    const outcome = await api.resultPage(runId, selectedNode, offset, RESULT_PAGE_SIZE);
    if (ticket !== resultsTicket) return;
    set({
      results:
        outcome.status === "ok"
          ? { status: "ready", runId, nodeId: selectedNode, page: outcome.data }
          : { status: "failed", runId, nodeId: selectedNode, error: outcome.error },
    });
  }

  /**
   * Opens the run dialog with `choices`, then asks Rust where the flow's globals are shadowed
   * (by a node's own value or a mapped column), so the dialog can say which values it is given
   * a node will not use. The answer is dropped if the dialog closed or another flow is shown.
   */
  async function openRunDialog(choices: RunChoices, error: AppError | null): Promise<void> {
    const { flow } = get();
    if (flow.status !== "ready") return;
    const ticket = flowTicket();
    const dialog = { choices, error, shadows: [] };
    set({ runDialog: dialog });
    const outcome = await api.shadowedGlobals(flow.data.flow);
    if (ticket !== flowTicket() || get().runDialog !== dialog || outcome.status !== "ok") return;
    set({ runDialog: { ...dialog, shadows: outcome.data } });
  }

  const actions: RunActions = {
    startRun: async () => {
      const { flow, run, runChoices } = get();
      if (flow.status !== "ready" || run.status === "running") return;
      const globals = flow.data.flow.composition.global_parameters;
      if (globals.length === 0) return actions.runFlow(defaultChoices([]));
      await openRunDialog(runChoices ?? defaultChoices(globals), null);
    },

    closeRunDialog: () => {
      set({ runDialog: null });
    },

    runPart: async (part) => {
      const { flow, runChoices } = get();
      if (flow.status !== "ready") return;
      await actions.runFlow(runChoices ?? defaultChoices(flow.data.flow.composition.global_parameters), part);
    },

    runFlow: async (choices, part) => {
      const { flow, run } = get();
      if (flow.status !== "ready" || run.status === "running") return;
      const flowId = flow.data.flow.composition.composition_id;
      const ticket = flowTicket();
      set({ run: runStarted, runDialog: null, runChoices: choices });
      // The engine runs the stored flow: unsaved edits on screen go with the run, which saves
      // and validates them once before it starts.
      const edits = get().saveState.status === "saved" ? null : await get().actions.editsForRun();
      if (ticket !== flowTicket()) return;
      const outcome = await api.runFlow(flowId, runRequest(choices, part), edits);
      if (ticket !== flowTicket()) return;
      if (edits !== null) {
        await get().actions.savedByRun(edits, outcome.status === "ok" ? (outcome.data.saved ?? null) : null);
        if (ticket !== flowTicket()) return;
        const { saveState } = get();
        if (saveState.status === "failed") {
          set({ run: runIdle, notice: saveState.error });
          return;
        }
      }
      if (outcome.status !== "ok" && outcome.error.code === "invalid_input") {
        // A value the flow cannot take: nothing ran; ask again, saying why.
        set({ run: runIdle });
        await openRunDialog(choices, outcome.error);
        return;
      }
      if (outcome.status !== "ok") {
        set({ run: { status: "failed", error: outcome.error } });
        return;
      }
      // One answer brings the outcome, the history it joins and the flow's run count.
      const { run: summary, history, meta } = outcome.data;
      const now = get().flow;
      set({
        run: runEnded(get().run, summary.status, summary.run_id),
        history: { status: "ready", data: history },
        ...(now.status === "ready" ? { flow: { status: "ready", data: { ...now.data, meta } } } : {}),
      });
      await loadResults(0);
    },

    rerun: async (runId) => {
      const { history } = get();
      const recorded = history.status === "ready" ? history.data.find((r) => r.run_id === runId) : undefined;
      if (recorded === undefined) return;
      await actions.runFlow(choicesFromRun(recorded));
    },

    showRun: async (runId) => {
      const { run } = get();
      if (run.status === "running") return;
      const ticket = flowTicket();
      const outcome = await api.getRun(runId);
      if (ticket !== flowTicket()) return;
      if (outcome.status !== "ok") {
        set({ notice: outcome.error });
        return;
      }
      set({ run: runFromHistory(outcome.data) });
      await loadResults(0);
    },

    selectNode: async (nodeId) => {
      if (get().selectedNode === nodeId) return;
      set({ selectedNode: nodeId });
      await loadResults(0);
    },

    pageResults: async (offset) => {
      await loadResults(offset);
    },

    exportResult: async (format) => {
      const { results } = get();
      if (results.status !== "ready") return;
      const { runId, nodeId } = results;
      await exportTo(
        () => dialogs.pickResultPath(resultFileName(nodeId, runId, format)),
        (path) => api.exportResult(runId, nodeId, format, path),
      );
    },

    cancelRun: async () => {
      const { flow, run } = get();
      if (flow.status !== "ready" || run.status !== "running") return;
      await api.cancelRun(flow.data.flow.composition.composition_id);
    },

    applyRunProgress: (progress) => {
      const { route, run } = get();
      if (route.screen !== "flow" || route.flowId !== progress.composition_id) return;
      set({ run: applyRunEvent(run, progress.event) });
    },

    applyRunActivity: async ({ notice }) => {
      const { route, run } = get();
      const flowId = notice.notice === "started" ? notice.run.composition_id : notice.composition_id;
      if (route.screen !== "flow" || route.flowId !== flowId) return;
      if (notice.notice === "started") {
        // The window's own run is on screen already; a schedule's takes the canvas if it is free.
        if (run.status !== "running" && notice.run.schedule !== null) {
          set({ run: runStartedBySchedule(notice.run.schedule), selectedNode: null, results: noResults });
        }
        return;
      }
      if (notice.notice !== "ended" || run.status !== "running" || run.schedule === undefined) return;
      set({ run: runEnded(run, notice.status ?? "FAILED", notice.run_id) });
      await Promise.all([refreshHistory(), loadResults(0)]);
    },

    adoptActiveRun: async () => {
      const { flow } = get();
      if (flow.status !== "ready") return;
      const flowId = flow.data.flow.composition.composition_id;
      const ticket = flowTicket();
      const active = await api.activeRuns();
      if (ticket !== flowTicket() || active.status !== "ok" || get().run.status === "running") return;
      const scheduled = active.data.find((r) => r.composition_id === flowId && r.schedule !== null);
      if (scheduled?.schedule != null) set({ run: runStartedBySchedule(scheduled.schedule) });
    },
  };

  return { actions, refreshHistory };
}
