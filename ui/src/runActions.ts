// Running the open flow and inspecting its runs: the run dialog, live progress, the history
// panel and the results drawer. Part of the app store (`store.ts`), which hands it what it
// shares: its state, the backend, the file dialogs, which flow is on screen, and exporting.
import type { AppError, Outcome } from "./api";
import { loadable } from "./lib/loadable";
import { RESULT_PAGE_SIZE, noResults, resultFileName } from "./lib/results";
import {
  applyRunEvent,
  choicesFromRun,
  defaultChoices,
  runEnded,
  runFromHistory,
  runIdle,
  runRequest,
  runStarted,
  type RunChoices,
} from "./lib/run";
import type { AppActions, Dialogs, StoreAccess } from "./store";

export type RunActions = Pick<
  AppActions,
  | "startRun"
  | "closeRunDialog"
  | "runPart"
  | "runFlow"
  | "rerun"
  | "showRun"
  | "selectNode"
  | "pageResults"
  | "exportResult"
  | "cancelRun"
  | "applyRunProgress"
>;

type Shared = StoreAccess & {
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
      const compositionId = flow.data.flow.composition.composition_id;
      const ticket = flowTicket();
      set({ run: runStarted, runDialog: null, runChoices: choices });
      // The engine runs the stored flow: what is on screen is stored first.
      if (get().saveState.status !== "saved") {
        await get().actions.saveNow();
        if (ticket !== flowTicket()) return;
        const { saveState } = get();
        if (saveState.status === "failed") {
          set({ run: runIdle, notice: saveState.error });
          return;
        }
      }
      const outcome = await api.runFlow(compositionId, runRequest(choices, part));
      if (ticket !== flowTicket()) return;
      if (outcome.status !== "ok" && outcome.error.code === "invalid_input") {
        // A value the flow cannot take: nothing ran; ask again, saying why.
        set({ run: runIdle });
        await openRunDialog(choices, outcome.error);
        return;
      }
      set({
        run:
          outcome.status === "ok"
            ? runEnded(get().run, outcome.data.status, outcome.data.run_id)
            : { status: "failed", error: outcome.error },
      });
      if (outcome.status !== "ok") return;
      await Promise.all([refreshHistory(), loadResults(0)]);
      // The run counts towards the flow's runs and last run: show the fresh figures.
      const fresh = await api.getFlow(compositionId);
      const now = get().flow;
      if (ticket !== flowTicket() || fresh.status !== "ok" || now.status !== "ready") return;
      set({ flow: { status: "ready", data: { ...now.data, meta: fresh.data.meta } } });
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
      if (route.screen !== "flow" || route.compositionId !== progress.composition_id) return;
      set({ run: applyRunEvent(run, progress.event) });
    },
  };

  return { actions, refreshHistory };
}
