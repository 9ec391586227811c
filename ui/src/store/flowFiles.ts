// Moving flows in and out of files: importing a flow file (picked in the file dialog or dropped
// on the window, with its conflict question) and exporting the open flow. Made with the file
// dialogs, which flow is on screen, and refreshing the home screen's lists. Its `exportTo` (the
// save dialog, then the write) is also how `runs.ts` exports a result.
import type { AppError, FlowSummary, Outcome } from "../api";
import { importBusy, importIdle, importStep, type ConflictChoice, type ImportEvent, type ImportState } from "../lib/importFlow";
import type { Dialogs, StoreAccess } from "./access";
import type { OpenFlowActions, OpenFlowState } from "./flow";
import type { ScreenState } from "./screen";

/** Exporting the open flow: the save dialog, then the command, then what came of it. */
export type ExportState =
  | { readonly status: "idle" }
  | { readonly status: "picking" }
  | { readonly status: "exporting"; readonly path: string }
  | { readonly status: "done"; readonly path: string }
  | { readonly status: "failed"; readonly error: AppError };

export type FlowFilesState = {
  /** Where an import of a flow file stands (home screen). */
  readonly importState: ImportState;
  /** Where an export of the open flow stands (flow screen). */
  readonly exportState: ExportState;
  /** Files are being dragged over the window. */
  readonly dropHover: boolean;
};

export const initialFlowFiles: FlowFilesState = { importState: importIdle, exportState: { status: "idle" }, dropHover: false };

export type FlowFileActions = {
  /** Asks for a flow file and imports it; a conflict waits for `resolveImportConflict`. */
  readonly startImport: () => Promise<void>;
  readonly resolveImportConflict: (choice: ConflictChoice) => Promise<void>;
  /** Files dropped on the window: the first flow file among them is imported, on the home screen. */
  readonly importDropped: (paths: readonly string[]) => Promise<void>;
  /** Whether files are being dragged over the window (it then says what a drop does). */
  readonly setDropHover: (hover: boolean) => void;
  readonly cancelImport: () => void;
  readonly dismissImport: () => void;
  /** Asks where to save the open flow and writes it there. */
  readonly exportFlow: () => Promise<void>;
  readonly dismissExport: () => void;
};

type Shared = StoreAccess<FlowFilesState & Pick<OpenFlowState, "flow"> & ScreenState, Pick<OpenFlowActions, "goHome">> & {
  readonly dialogs: Dialogs;
  /** Changes whenever another flow is shown: answers for the previous one are dropped. */
  readonly flowTicket: () => number;
  /** Lists the flows again under the current filter. */
  readonly refreshFlows: () => Promise<void>;
  /** Refreshes the tag chips from every flow; returns those flows (null if they could not be listed). */
  readonly refreshTags: () => Promise<FlowSummary[] | null>;
};

export function createFlowFileActions({ set, get, api, dialogs, flowTicket, refreshFlows, refreshTags }: Shared) {
  function stepImport(event: ImportEvent): ImportState {
    const next = importStep(get().importState, event);
    if (next !== get().importState) set({ importState: next });
    return next;
  }

  async function runImport(state: ImportState): Promise<void> {
    if (state.step !== "importing") return;
    const outcome = await api.importFlowFile(state.path, state.choice);
    if (outcome.status === "error") {
      stepImport({ type: "rejected", error: outcome.error });
      return;
    }
    const [all] = await Promise.all([refreshTags(), refreshFlows()]);
    const name = all?.find((f) => f.composition_id === outcome.data.composition_id)?.name ?? null;
    stepImport({ type: "imported", outcome: outcome.data, name });
  }

  /** Asks where to save (`pick`), then writes there (`write`); `exportState` follows both steps. */
  async function exportTo(
    pick: () => Promise<Outcome<string | null>>,
    write: (path: string) => Promise<Outcome<null>>,
  ): Promise<void> {
    const { exportState } = get();
    if (exportState.status === "picking" || exportState.status === "exporting") return;
    const ticket = flowTicket();
    set({ exportState: { status: "picking" } });
    const picked = await pick();
    if (ticket !== flowTicket()) return;
    if (picked.status === "error") {
      set({ exportState: { status: "failed", error: picked.error } });
      return;
    }
    const path = picked.data;
    if (path === null) {
      set({ exportState: { status: "idle" } });
      return;
    }
    set({ exportState: { status: "exporting", path } });
    const outcome = await write(path);
    if (ticket !== flowTicket()) return;
    set({ exportState: outcome.status === "ok" ? { status: "done", path } : { status: "failed", error: outcome.error } });
  }

  const actions: FlowFileActions = {
    startImport: async () => {
      if (stepImport({ type: "start" }).step !== "picking") return;
      const picked = await dialogs.pickFlowFile();
      await runImport(
        picked.status === "ok"
          ? stepImport({ type: "picked", path: picked.data })
          : stepImport({ type: "pickFailed", error: picked.error }),
      );
    },

    importDropped: async (paths) => {
      set({ dropHover: false });
      const path = paths.find((p) => p.endsWith(".json"));
      if (path === undefined) {
        set({ notice: { code: "invalid_input", message: "Only flow files (.flow.json) can be imported by dropping them here." } });
        return;
      }
      if (importBusy(get().importState)) return;
      // The import and its conflict question live on the home screen.
      if (get().route.screen !== "home") await get().actions.goHome();
      if (stepImport({ type: "start" }).step !== "picking") return;
      await runImport(stepImport({ type: "picked", path }));
    },

    setDropHover: (hover) => {
      if (get().dropHover !== hover) set({ dropHover: hover });
    },

    resolveImportConflict: (choice) => runImport(stepImport({ type: "choose", choice })),

    cancelImport: () => {
      stepImport({ type: "cancel" });
    },

    dismissImport: () => {
      stepImport({ type: "dismiss" });
    },

    exportFlow: async () => {
      const { flow } = get();
      if (flow.status !== "ready") return;
      const compositionId = flow.data.flow.composition.composition_id;
      await exportTo(
        () => dialogs.pickExportPath(compositionId),
        (path) => api.exportFlowFile(compositionId, path),
      );
    },

    dismissExport: () => {
      const { exportState } = get();
      if (exportState.status === "done" || exportState.status === "failed") set({ exportState: { status: "idle" } });
    },
  };

  return { actions, exportTo };
}
