// App state (what is on screen) and the actions that change it, in one small zustand store
// composed of slices. Each slice (a file beside this one) owns its state type, its initial
// value and its actions; it is made with the `StoreAccess` of `access.ts` and names the state
// and actions of other slices it touches, so no slice imports this file. Actions talk to Rust
// only through `api` and to the native file dialogs only through `dialogs`.
//
// The slices: `screen.ts` (the route and the notice), `home.ts` (the flows on the home screen),
// `flow.ts` (the open flow: opening, checking, leaving it), `editing.ts` (its undo/redo and
// autosave), `runs.ts` (running it and inspecting its runs), `flowFiles.ts` (flow files in and
// out), `versions.ts` (its versions), `tables.ts` (data tables, with `tableRows.ts` and
// `tableFiles.ts`), `schedules.ts`, `templates.ts` (the template library), `gallery.ts` and `sources.ts` (data sources).
import { createStore, useStore } from "zustand";
import { api as realApi } from "../api";
import { dialogs as realDialogs } from "../dialogs";
import type { Loadable } from "../lib/loadable";
import { ticket, type Api, type Dialogs } from "./access";
import { createEditActions, initialEditing, type EditActions, type EditingState } from "./editing";
import { createOpenFlowActions, initialOpenFlow, noOpenFlow, type OpenFlowActions, type OpenFlowState } from "./flow";
import { createFlowFileActions, initialFlowFiles, type FlowFileActions, type FlowFilesState } from "./flowFiles";
import { createGalleryActions, initialGallery, type GalleryActions, type GalleryState } from "./gallery";
import { createHomeActions, initialHome, type HomeActions, type HomeState } from "./home";
import { createRunActions, initialRuns, type RunActions, type RunsState } from "./runs";
import { createScheduleActions, initialSchedules, type ScheduleActions, type SchedulesState } from "./schedules";
import { createScreenActions, initialScreen, type Route, type ScreenActions, type ScreenState } from "./screen";
import { createSourceActions, initialSources, type SourceActions, type SourcesState } from "./sources";
import { createTableActions, initialTables, type TableActions, type TablesState } from "./tables";
import { createTemplateActions, initialTemplateLibrary, type TemplateActions, type TemplateLibraryState } from "./templates";
import { createVersionActions, initialVersions, type VersionActions, type VersionsState } from "./versions";

export type { Api, Dialogs, Loadable, Route };
export { SEARCH_DEBOUNCE_MS } from "./home";

export type AppState = ScreenState &
  HomeState &
  OpenFlowState &
  EditingState &
  RunsState &
  FlowFilesState & {
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
    /** The Data sources screen; its list is also the template editor's, the canvas's and the palette's. */
    readonly sources: SourcesState;
  };

export type AppActions = ScreenActions &
  HomeActions &
  OpenFlowActions &
  EditActions &
  RunActions &
  FlowFileActions &
  TableActions &
  ScheduleActions &
  VersionActions &
  TemplateActions &
  GalleryActions &
  SourceActions;

/** The store: its state and its actions. */
export type Store = AppState & { actions: AppActions };

/** What of the state is the open flow's, as it is while none is open (at start, and once one is left). */
const noFlowOpen = {
  ...noOpenFlow,
  ...initialRuns,
  exportState: initialFlowFiles.exportState,
  notice: null,
  versions: initialVersions,
} satisfies Partial<AppState>;

const initialState: AppState = {
  ...initialScreen,
  ...initialHome,
  ...initialOpenFlow,
  ...initialEditing,
  ...initialRuns,
  ...initialFlowFiles,
  tables: initialTables,
  schedules: initialSchedules,
  versions: initialVersions,
  templateLibrary: initialTemplateLibrary,
  gallery: initialGallery,
  sources: initialSources,
};

export function createAppStore(api: Api = realApi, dialogs: Dialogs = realDialogs) {
  return createStore<Store>()((set, get) => {
    const access = { set, get, api };
    const flowTicket = ticket();

    const home = createHomeActions(access);
    const files = createFlowFileActions({ ...access, dialogs, flowTicket: flowTicket.current, refreshFlows: home.refreshFlows, refreshTags: home.refreshTags });
    const runs = createRunActions({ ...access, dialogs, flowTicket: flowTicket.current, exportTo: files.exportTo });
    const edits = createEditActions({ ...access, flowTicket: flowTicket.current });
    const openFlow = createOpenFlowActions({
      ...access,
      flowTicket,
      closeFlow: (route) => {
        set({ route, ...noFlowOpen });
      },
      forgetEdits: edits.reset,
      refreshHistory: runs.refreshHistory,
      refreshFlows: home.refreshFlows,
      refreshTags: home.refreshTags,
    });

    const actions: AppActions = {
      ...createScreenActions(access),
      ...home.actions,
      ...openFlow,
      ...files.actions,
      ...runs.actions,
      ...edits.actions,
      ...createTableActions({ ...access, dialogs }),
      ...createScheduleActions(access),
      ...createVersionActions({ ...access, flowTicket: flowTicket.current }),
      ...createTemplateActions({ ...access, dialogs }),
      ...createGalleryActions(access),
      ...createSourceActions(access),
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
