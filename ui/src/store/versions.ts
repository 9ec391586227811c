// The open flow's versions: the panel that lists them, a comparison of two (what changed, and
// both versions' flows to draw side by side) and restoring one. Restoring is not an edit: the restored flow, a new version, is loaded the way
// any flow is opened, which forgets the undo history and anything unsaved (saved first).
import type { Flow, FlowChange, FlowVersion } from "../api";
import { loadable, type Loadable } from "../lib/loadable";
import type { StoreAccess } from "./access";
import type { EditActions } from "./editing";
import type { OpenFlowActions, OpenFlowState } from "./flow";
import type { ScreenState } from "./screen";

/** Two versions compared: what changed from `from` to `to`, and both flows. */
export type Comparison = {
  readonly from: number;
  readonly to: number;
  readonly changes: Loadable<FlowChange[]>;
  readonly flows: Loadable<{ readonly before: Flow; readonly after: Flow }>;
};

export type VersionsState = {
  /** The versions panel is shown in place of the flow's side panel. */
  readonly open: boolean;
  /** Newest first. */
  readonly list: Loadable<FlowVersion[]>;
  readonly comparison: Comparison | null;
  readonly restoring: boolean;
};

export type VersionActions = {
  readonly toggleVersions: () => void;
  /** Lists the open flow's versions again (the panel asks whenever a new one is saved). */
  readonly loadVersions: () => Promise<void>;
  readonly compareVersions: (from: number, to: number) => Promise<void>;
  readonly closeComparison: () => void;
  /** Makes the open flow what `version` was (after saving any edits) and shows it. */
  readonly restoreVersion: (version: number) => Promise<void>;
};

export const initialVersions: VersionsState = { open: false, list: { status: "loading" }, comparison: null, restoring: false };

type Shared = StoreAccess<
  { readonly versions: VersionsState } & Pick<OpenFlowState, "flow"> & ScreenState,
  Pick<EditActions, "saveNow"> & Pick<OpenFlowActions, "openFlow">
> & {
  /** Changes whenever another flow is shown: answers for the previous one are dropped. */
  readonly flowTicket: () => number;
};

export function createVersionActions({ set, get, api, flowTicket }: Shared): VersionActions {
  let listTicket = 0;
  let compareTicket = 0;

  const versions = () => get().versions;
  const patch = (change: Partial<VersionsState>) => {
    set({ versions: { ...get().versions, ...change } });
  };
  const openId = () => {
    const { flow } = get();
    return flow.status === "ready" ? flow.data.flow.composition.composition_id : null;
  };

  return {
    toggleVersions: () => {
      compareTicket++;
      patch({ open: !versions().open, comparison: null });
    },

    loadVersions: async () => {
      const id = openId();
      if (id === null) return;
      const ticket = ++listTicket;
      const flow = flowTicket();
      const outcome = await api.listVersions(id);
      if (ticket !== listTicket || flow !== flowTicket()) return;
      // A list already shown stays when a refresh fails.
      if (outcome.status === "ok" || versions().list.status !== "ready") patch({ list: loadable(outcome) });
    },

    compareVersions: async (from, to) => {
      const id = openId();
      if (id === null) return;
      const ticket = ++compareTicket;
      const flow = flowTicket();
      patch({ comparison: { from, to, changes: { status: "loading" }, flows: { status: "loading" } } });
      const [changes, before, after] = await Promise.all([api.diffVersions(id, from, to), api.getVersion(id, from), api.getVersion(id, to)]);
      if (ticket !== compareTicket || flow !== flowTicket()) return;
      const flows: Comparison["flows"] =
        before.status === "error"
          ? { status: "failed", error: before.error }
          : after.status === "error"
            ? { status: "failed", error: after.error }
            : { status: "ready", data: { before: before.data, after: after.data } };
      patch({ comparison: { from, to, changes: loadable(changes), flows } });
    },

    closeComparison: () => {
      compareTicket++;
      patch({ comparison: null });
    },

    restoreVersion: async (version) => {
      const id = openId();
      if (id === null || versions().restoring) return;
      await get().actions.saveNow();
      const flow = flowTicket();
      patch({ restoring: true });
      const outcome = await api.restoreVersion(id, version);
      if (flow !== flowTicket()) return;
      if (outcome.status === "error") {
        patch({ restoring: false });
        set({ notice: outcome.error });
        return;
      }
      await get().actions.openFlow(id);
      // Opening the flow closed the panel; the restored version is the newest in it.
      const { route } = get();
      if (route.screen === "flow" && route.flowId === id) set({ versions: { ...initialVersions, open: true } });
    },
  };
}
