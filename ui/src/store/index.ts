// App state (what is on screen) and the actions that change it, in one small zustand store.
// Actions talk to Rust only through `api` and to the native file dialogs only through `dialogs`;
// stale answers (an older search, a flow the user already left) are dropped so the screen
// always shows the latest request. Every flow shown is checked (`validateFlow`) once it is shown.
// Editing the open flow is `editActions.ts`'s part of the store, running and inspecting runs
// `runActions.ts`'s, and importing and exporting flow files `flowFileActions.ts`'s; data tables
// are `tableActions.ts`'s, schedules `scheduleActions.ts`'s and the open flow's versions
// `versionActions.ts`'s; the template library is `templateActions.ts`'s and the flow gallery
// `galleryActions.ts`'s.
import { createStore, useStore, type StoreApi } from "zustand";
import type {
  AppError,
  Diagnostic,
  Flow,
  ExportFormat,
  FlowDetail,
  FlowQuery,
  FlowSummary,
  RunSummary,
  ShadowedGlobal,
  TemplateDetail,
  WorkspaceInfo,
} from "./api";
import { api as realApi } from "./api";
import { dialogs as realDialogs } from "./dialogs";
import { importBusy, importIdle, type ConflictChoice, type ImportState } from "./lib/importFlow";
import { loadable, type Loadable } from "./lib/loadable";
import { noResults, type ResultsView } from "./lib/results";
import { runIdle, type RunChoices, type RunPart, type RunState } from "./lib/run";
import type { Clip } from "./lib/edit";
import { distinctTags, toggledTag } from "./lib/tags";
import { createEditActions, noEdits, saved, type EditHistory, type SaveState } from "./editActions";
import { createFlowFileActions, type ExportState } from "./flowFileActions";
import { createRunActions } from "./runActions";
import { createTableActions, initialTables, type TableActions, type TablesState } from "./tableActions";
import { createScheduleActions, initialSchedules, type ScheduleActions, type SchedulesState } from "./scheduleActions";
import { createVersionActions, initialVersions, type VersionActions, type VersionsState } from "./versionActions";
import { createTemplateActions, initialTemplateLibrary, type TemplateActions, type TemplateLibraryState } from "./templateActions";
import { createGalleryActions, initialGallery, type GalleryActions, type GalleryState } from "./galleryActions";
import type { RunProgress } from "./api";

export type { Loadable };

export type Route =
  | { readonly screen: "home" }
  | { readonly screen: "flow"; readonly compositionId: string }
  | { readonly screen: "tables" }
  | { readonly screen: "schedules" }
  | { readonly screen: "templates" }
  | { readonly screen: "gallery" };

export type FlowFilter = { readonly text: string; readonly tag: string | null; readonly favoritesOnly: boolean };

export type AppState = {
  readonly route: Route;
  readonly workspace: Loadable<WorkspaceInfo>;
  readonly filter: FlowFilter;
  readonly flows: Loadable<FlowSummary[]>;
  /** Chips for the tag filter: the tags of all flows, whatever the current filter. */
  readonly tags: readonly string[];
  /**
   * The open flow (with `pinned_templates`, the earlier template versions its nodes are on) and
   * the template catalogue its nodes refer to (each template as it is now).
   */
  readonly flow: Loadable<FlowDetail>;
  readonly templates: Loadable<TemplateDetail[]>;
  /** Every problem of the open flow, as `validateFlow` found them. */
  readonly problems: Loadable<Diagnostic[]>;
  /** Where an import of a flow file stands (home screen). */
  readonly importState: ImportState;
  /** Where an export of the open flow stands (flow screen). */
  readonly exportState: ExportState;
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
  /** The connection selected on the canvas (alone), which the inspector edits. */
  readonly selectedConnection: string | null;
  /** The selected node's result in the run on screen, a page at a time. */
  readonly results: ResultsView;
  /** An action that failed (as opposed to a screen that failed to load), shown until dismissed. */
  readonly notice: AppError | null;
  /** The open flow's edits, for undo and redo. */
  readonly edits: EditHistory;
  /** Whether the open flow on screen is the stored one. */
  readonly saveState: SaveState;
  /** Nodes copied from a flow, to paste into it or another one. */
  readonly clipboard: Clip | null;
  /** Files are being dragged over the window. */
  readonly dropHover: boolean;
  /** The Tables screen: the data tables, the one open and the import wizard. */
  readonly tables: TablesState;
  /** The Schedules screen: the schedules, the runs they missed and the editor. */
  readonly schedules: SchedulesState;
  /** The open flow's versions panel and a comparison of two versions. */
  readonly versions: VersionsState;
  /** The Templates screen: the template library and the editor. */
  readonly templateLibrary: TemplateLibraryState;
  /** The Gallery screen: whole flows to start from. */
  readonly gallery: GalleryState;
};

// Arrow-typed so components can destructure them (they never use `this`).
export type AppActions = {
  readonly loadHome: () => Promise<void>;
  /** Updates the search box at once and searches once typing pauses for SEARCH_DEBOUNCE_MS. */
  readonly setSearchText: (text: string) => void;
  readonly toggleTag: (tag: string) => Promise<void>;
  readonly setFavoritesOnly: (favoritesOnly: boolean) => Promise<void>;
  readonly clearFilter: () => Promise<void>;
  readonly toggleFavorite: (compositionId: string) => Promise<void>;
  readonly openFlow: (compositionId: string) => Promise<void>;
  readonly goHome: () => Promise<void>;
  readonly dismissNotice: () => void;
  /** Checks the open flow again (after a check that failed). */
  readonly checkFlow: () => Promise<void>;
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
  /** One connection alone is selected on the canvas (or, with null, none). */
  readonly selectConnection: (connectionId: string | null) => void;
  /** Shows the page of the drawer's result that starts at `offset`. */
  readonly pageResults: (offset: number) => Promise<void>;
  /** Asks where to save the drawer's whole result and writes it there in `format`. */
  readonly exportResult: (format: ExportFormat) => Promise<void>;
  readonly cancelRun: () => Promise<void>;
  /** One event of a run, as the engine sent it (ignored unless it is the open flow's). */
  readonly applyRunProgress: (progress: RunProgress) => void;
  /** Changes the open flow (one undo step) and saves it once edits pause. */
  readonly editFlow: (change: (flow: Flow) => Flow) => void;
  readonly undo: () => void;
  readonly redo: () => void;
  /** Saves the open flow now if it has unsaved edits (before a run, or leaving it). */
  readonly saveNow: () => Promise<void>;
  /** Copies the named nodes and sticky notes (canvas ids) of the open flow, and the connections between the nodes. */
  readonly copyNodes: (nodeIds: readonly string[]) => void;
  /** Pastes what was copied into the open flow, under fresh ids, a little apart (one undo step). */
  readonly paste: () => void;
  /** Creates an empty flow named `name` and opens it. */
  readonly createFlow: (name: string) => Promise<void>;
  /** Copies the open flow (after saving it) as a new flow `name`, and opens the copy. */
  readonly duplicateFlow: (name: string) => Promise<void>;
  /** Deletes the open flow with its history, and goes home. */
  readonly deleteFlow: () => Promise<void>;
  /** Renames the open flow (an edit like any other: undoable, saved). */
  readonly renameFlow: (name: string) => void;
} & TableActions &
  ScheduleActions &
  VersionActions &
  TemplateActions &
  GalleryActions;

export type Api = typeof realApi;
export type Dialogs = typeof realDialogs;

/** The store: its state and its actions. */
export type Store = AppState & { actions: AppActions };

/** What every action module is made with: the store to read and change, and the backend. */
export type StoreAccess = {
  readonly set: StoreApi<Store>["setState"];
  readonly get: StoreApi<Store>["getState"];
  readonly api: Api;
};

export const SEARCH_DEBOUNCE_MS = 200;

export const emptyFilter: FlowFilter = { text: "", tag: null, favoritesOnly: false };

export function toFlowQuery(filter: FlowFilter): FlowQuery {
  const text = filter.text.trim();
  return { text: text === "" ? null : text, tag: filter.tag, favorites_only: filter.favoritesOnly };
}

/** What of the state is the open flow's, as it is while none is open (at start, and once one is left). */
const noFlowOpen: Pick<
  AppState,
  | "flow"
  | "problems"
  | "exportState"
  | "run"
  | "runDialog"
  | "runChoices"
  | "history"
  | "selectedNode"
  | "selectedConnection"
  | "results"
  | "notice"
  | "versions"
> = {
  flow: { status: "loading" },
  problems: { status: "loading" },
  exportState: { status: "idle" },
  run: runIdle,
  runDialog: null,
  runChoices: null,
  history: { status: "loading" },
  selectedNode: null,
  selectedConnection: null,
  results: noResults,
  notice: null,
  versions: initialVersions,
};

const initialState: AppState = {
  route: { screen: "home" },
  workspace: { status: "loading" },
  filter: emptyFilter,
  flows: { status: "loading" },
  tags: [],
  ...noFlowOpen,
  templates: { status: "loading" },
  importState: importIdle,
  edits: noEdits,
  saveState: saved,
  clipboard: null,
  dropHover: false,
  tables: initialTables,
  schedules: initialSchedules,
  templateLibrary: initialTemplateLibrary,
  gallery: initialGallery,
};

function withFavorite<T extends { meta: FlowSummary["meta"] }>(item: T, favorite: boolean): T {
  return { ...item, meta: { ...item.meta, is_favorite: favorite } };
}

export function createAppStore(api: Api = realApi, dialogs: Dialogs = realDialogs) {
  return createStore<Store>()((set, get) => {
    let flowsTicket = 0;
    let flowTicket = 0;
    let checkTicket = 0;
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    // Flows whose star is being saved: a second click waits for the first answer.
    const savingFavorites = new Set<string>();

    async function refreshFlows(): Promise<void> {
      clearTimeout(searchTimer);
      const ticket = ++flowsTicket;
      if (get().flows.status !== "ready") set({ flows: { status: "loading" } });
      const outcome = await api.listFlows(toFlowQuery(get().filter));
      if (ticket !== flowsTicket) return;
      set({ flows: loadable(outcome) });
    }

    /** Refreshes the tag chips from every flow; returns those flows (null if they could not be listed). */
    async function refreshTags(): Promise<FlowSummary[] | null> {
      const outcome = await api.listFlows(toFlowQuery(emptyFilter));
      if (outcome.status !== "ok") return null;
      set({ tags: distinctTags(outcome.data) });
      return outcome.data;
    }

    /** Checks the flow on screen; drops the answer if another flow (or none) is shown by then. */
    async function checkShownFlow(): Promise<void> {
      const { flow } = get();
      if (flow.status !== "ready") return;
      const shown = flow.data.flow;
      const ticket = ++checkTicket;
      set({ problems: { status: "loading" } });
      const outcome = await api.validateFlow(shown);
      const now = get().flow;
      if (ticket !== checkTicket || now.status !== "ready" || now.data.flow !== shown) return;
      set({ problems: loadable(outcome) });
    }

    const files = createFlowFileActions({ set, get, api, dialogs, flowTicket: () => flowTicket, refreshFlows, refreshTags });
    const runs = createRunActions({ set, get, api, dialogs, flowTicket: () => flowTicket, exportTo: files.exportTo });
    const edits = createEditActions({ set, get, api, flowTicket: () => flowTicket });
    const tableActions = createTableActions({ set, get, api, dialogs });
    const scheduleActions = createScheduleActions({ set, get, api });
    const versionActions = createVersionActions({ set, get, api, flowTicket: () => flowTicket });
    const templateActions = createTemplateActions({ set, get, api, dialogs });
    const galleryActions = createGalleryActions({ set, get, api });

    /**
     * Saves the open flow's edits, then forgets that flow: `route` is shown with no flow open,
     * and answers still on their way for the old one are dropped (its tickets move on). Returns
     * the new flow ticket.
     */
    async function leaveFlow(route: Route): Promise<number> {
      await edits.actions.saveNow();
      edits.reset();
      const ticket = ++flowTicket;
      checkTicket++;
      set({ route, ...noFlowOpen });
      return ticket;
    }

    async function updateFilter(patch: Partial<FlowFilter>): Promise<void> {
      set({ filter: { ...get().filter, ...patch } });
      await refreshFlows();
    }

    const actions: AppActions = {
      loadHome: async () => {
        const workspace = api.workspaceInfo().then((outcome) => {
          set({ workspace: loadable(outcome) });
        });
        await Promise.all([workspace, refreshTags(), refreshFlows()]);
      },
      setSearchText: (text) => {
        set({ filter: { ...get().filter, text } });
        clearTimeout(searchTimer);
        searchTimer = setTimeout(() => void refreshFlows(), SEARCH_DEBOUNCE_MS);
      },
      toggleTag: (tag) => updateFilter({ tag: toggledTag(get().filter.tag, tag) }),
      setFavoritesOnly: (favoritesOnly) => updateFilter({ favoritesOnly }),
      clearFilter: () => updateFilter(emptyFilter),

      toggleFavorite: async (compositionId) => {
        const { flows, flow } = get();
        const listed = flows.status === "ready" ? flows.data.find((f) => f.composition_id === compositionId) : undefined;
        const open =
          flow.status === "ready" && flow.data.flow.composition.composition_id === compositionId ? flow.data : undefined;
        const current = listed?.meta.is_favorite ?? open?.meta.is_favorite;
        if (current === undefined || savingFavorites.has(compositionId)) return;
        savingFavorites.add(compositionId);
        const outcome = await api.setFavorite(compositionId, !current).finally(() => savingFavorites.delete(compositionId));
        if (outcome.status === "error") {
          set({ notice: outcome.error });
          return;
        }
        const now = get();
        set({
          flows:
            now.flows.status === "ready"
              ? {
                  status: "ready",
                  data: now.flows.data.map((f) => (f.composition_id === compositionId ? withFavorite(f, !current) : f)),
                }
              : now.flows,
          flow:
            now.flow.status === "ready" && now.flow.data.flow.composition.composition_id === compositionId
              ? { status: "ready", data: withFavorite(now.flow.data, !current) }
              : now.flow,
        });
      },

      openFlow: async (compositionId) => {
        const ticket = await leaveFlow({ screen: "flow", compositionId });
        if (!importBusy(get().importState)) files.actions.dismissImport();
        if (get().templates.status !== "ready") set({ templates: { status: "loading" } });
        const [detail, templates] = await Promise.all([api.getFlow(compositionId), api.listTemplates()]);
        if (ticket !== flowTicket) return;
        set({
          flow: loadable(detail),
          templates: loadable(templates),
        });
        await Promise.all([checkShownFlow(), runs.refreshHistory()]);
      },

      goHome: async () => {
        await leaveFlow({ screen: "home" });
        await Promise.all([refreshTags(), refreshFlows()]);
      },

      dismissNotice: () => {
        set({ notice: null });
      },

      checkFlow: () => checkShownFlow(),

      createFlow: async (name) => {
        const outcome = await api.createFlow(name);
        if (outcome.status === "error") {
          set({ notice: outcome.error });
          return;
        }
        await actions.openFlow(outcome.data.flow.composition.composition_id);
      },

      duplicateFlow: async (name) => {
        const { flow } = get();
        if (flow.status !== "ready") return;
        await edits.actions.saveNow();
        const outcome = await api.duplicateFlow(flow.data.flow.composition.composition_id, name);
        if (outcome.status === "error") {
          set({ notice: outcome.error });
          return;
        }
        await actions.openFlow(outcome.data.flow.composition.composition_id);
      },

      deleteFlow: async () => {
        const { flow } = get();
        if (flow.status !== "ready") return;
        const outcome = await api.deleteFlow(flow.data.flow.composition.composition_id);
        if (outcome.status === "error") {
          set({ notice: outcome.error });
          return;
        }
        // Nothing is left to save.
        edits.reset();
        await actions.goHome();
      },

      selectConnection: (connectionId) => {
        if (get().selectedConnection !== connectionId) set({ selectedConnection: connectionId });
      },

      renameFlow: (name) => {
        edits.actions.editFlow((flow) =>
          flow.composition.name === name ? flow : { ...flow, composition: { ...flow.composition, name } },
        );
      },

      ...files.actions,
      ...runs.actions,
      ...edits.actions,
      ...tableActions,
      ...scheduleActions,
      ...versionActions,
      ...templateActions,
      ...galleryActions,
    };

    return { ...initialState, actions };
  });
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The store the app runs on. Tests build their own with `createAppStore(fakeApi, fakeDialogs)`. */
export const appStore = createAppStore();

export function useAppState<T>(select: (state: AppState) => T): T {
  return useStore(appStore, select);
}

export function useAppActions(): AppActions {
  return useStore(appStore, (state) => state.actions);
}
