// The home screen: the workspace, the flows under the search box, tag chips and favourites
// filter, and starring a flow (on the home screen or the open flow's). Stale answers (an older
// search) are dropped so the list always shows the latest request.
import type { FlowQuery, FlowSummary, WorkspaceInfo } from "../api";
import { loadable, type Loadable } from "../lib/loadable";
import { distinctTags, toggledTag } from "../lib/tags";
import type { StoreAccess } from "./access";
import type { OpenFlowState } from "./flow";
import type { ScreenState } from "./screen";

export const SEARCH_DEBOUNCE_MS = 200;

export type FlowFilter = { readonly text: string; readonly tag: string | null; readonly favoritesOnly: boolean };

export type HomeState = {
  readonly workspace: Loadable<WorkspaceInfo>;
  readonly filter: FlowFilter;
  readonly flows: Loadable<FlowSummary[]>;
  /** Chips for the tag filter: the tags of all flows, whatever the current filter. */
  readonly tags: readonly string[];
};

// Arrow-typed so components can destructure them (they never use `this`).
export type HomeActions = {
  readonly loadHome: () => Promise<void>;
  /** Updates the search box at once and searches once typing pauses for SEARCH_DEBOUNCE_MS. */
  readonly setSearchText: (text: string) => void;
  readonly toggleTag: (tag: string) => Promise<void>;
  readonly setFavoritesOnly: (favoritesOnly: boolean) => Promise<void>;
  readonly clearFilter: () => Promise<void>;
  readonly toggleFavorite: (flowId: string) => Promise<void>;
};

export const emptyFilter: FlowFilter = { text: "", tag: null, favoritesOnly: false };

export const initialHome: HomeState = { workspace: { status: "loading" }, filter: emptyFilter, flows: { status: "loading" }, tags: [] };

export function toFlowQuery(filter: FlowFilter): FlowQuery {
  const text = filter.text.trim();
  return { text: text === "" ? null : text, tag: filter.tag, favorites_only: filter.favoritesOnly };
}

function withFavorite<T extends { meta: FlowSummary["meta"] }>(item: T, favorite: boolean): T {
  return { ...item, meta: { ...item.meta, is_favorite: favorite } };
}

export function createHomeActions({ set, get, api }: StoreAccess<HomeState & Pick<OpenFlowState, "flow"> & Pick<ScreenState, "notice">>) {
  let flowsTicket = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  // Flows whose star is being saved: a second click waits for the first answer.
  const savingFavorites = new Set<string>();

  /** Lists the flows again under the current filter. */
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

  async function updateFilter(patch: Partial<FlowFilter>): Promise<void> {
    set({ filter: { ...get().filter, ...patch } });
    await refreshFlows();
  }

  const actions: HomeActions = {
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

    toggleFavorite: async (flowId) => {
      const { flows, flow } = get();
      const listed = flows.status === "ready" ? flows.data.find((f) => f.composition_id === flowId) : undefined;
      const open =
        flow.status === "ready" && flow.data.flow.composition.composition_id === flowId ? flow.data : undefined;
      const current = listed?.meta.is_favorite ?? open?.meta.is_favorite;
      if (current === undefined || savingFavorites.has(flowId)) return;
      savingFavorites.add(flowId);
      const outcome = await api.setFavorite(flowId, !current).finally(() => savingFavorites.delete(flowId));
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
                data: now.flows.data.map((f) => (f.composition_id === flowId ? withFavorite(f, !current) : f)),
              }
            : now.flows,
        flow:
          now.flow.status === "ready" && now.flow.data.flow.composition.composition_id === flowId
            ? { status: "ready", data: withFavorite(now.flow.data, !current) }
            : now.flow,
      });
    },
  };

  return { actions, refreshFlows, refreshTags };
}
