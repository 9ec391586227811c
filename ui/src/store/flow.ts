// The open flow: opening one (with the template catalogue its nodes refer to), checking it
// (`validateFlow`, once it is shown), creating, duplicating, renaming and deleting flows, and
// leaving the flow for another screen. Answers for a flow the user already left are dropped:
// `flowTicket` moves on whenever another flow is shown, and every flow slice checks it.
import type { Diagnostic, FlowDetail, TemplateDetail } from "../api";
import { importBusy } from "../lib/importFlow";
import { loadable, type Loadable } from "../lib/loadable";
import type { StoreAccess, Ticket } from "./access";
import type { EditActions } from "./editing";
import type { FlowFileActions, FlowFilesState } from "./flowFiles";
import type { ScreenState, Route } from "./screen";
import type { RunActions } from "./runs";

export type OpenFlowState = {
  /**
   * The open flow (with `pinned_templates`, the earlier template versions its nodes are on) and
   * the template catalogue its nodes refer to (each template as it is now).
   */
  readonly flow: Loadable<FlowDetail>;
  readonly templates: Loadable<TemplateDetail[]>;
  /** Every problem of the open flow, as `validateFlow` found them. */
  readonly problems: Loadable<Diagnostic[]>;
  /** The connection selected on the canvas (alone), which the inspector edits. */
  readonly selectedConnection: string | null;
};

export type OpenFlowActions = {
  readonly openFlow: (flowId: string) => Promise<void>;
  readonly goHome: () => Promise<void>;
  /** Checks the open flow again (after a check that failed). */
  readonly checkFlow: () => Promise<void>;
  /** One connection alone is selected on the canvas (or, with null, none). */
  readonly selectConnection: (connectionId: string | null) => void;
  /** Creates an empty flow named `name` and opens it. */
  readonly createFlow: (name: string) => Promise<void>;
  /** Copies the open flow (after saving it) as a new flow `name`, and opens the copy. */
  readonly duplicateFlow: (name: string) => Promise<void>;
  /** Deletes the open flow with its history, and goes home. */
  readonly deleteFlow: () => Promise<void>;
  /** Renames the open flow (an edit like any other: undoable, saved). */
  readonly renameFlow: (name: string) => void;
};

/** The open flow's part of the state, as it is while none is open (at start, and once one is left). */
export const noOpenFlow: Omit<OpenFlowState, "templates"> = {
  flow: { status: "loading" },
  problems: { status: "loading" },
  selectedConnection: null,
};

export const initialOpenFlow: OpenFlowState = { ...noOpenFlow, templates: { status: "loading" } };

type Shared = StoreAccess<
  OpenFlowState & ScreenState & Pick<FlowFilesState, "importState">,
  Pick<EditActions, "saveNow" | "editFlow"> & Pick<FlowFileActions, "dismissImport"> & Pick<RunActions, "adoptActiveRun">
> & {
  readonly flowTicket: Ticket;
  /** Shows `route` with nothing of a flow open: every slice's part of the open flow as it starts. */
  readonly closeFlow: (route: Route) => void;
  /** Forgets the edits of the flow being left (after saving them). */
  readonly forgetEdits: () => void;
  /** Reloads the open flow's runs. */
  readonly refreshHistory: () => Promise<void>;
  /** Lists the flows again under the current filter, and the tag chips from every flow. */
  readonly refreshFlows: () => Promise<void>;
  readonly refreshTags: () => Promise<unknown>;
};

export function createOpenFlowActions({
  set,
  get,
  api,
  flowTicket,
  closeFlow,
  forgetEdits,
  refreshHistory,
  refreshFlows,
  refreshTags,
}: Shared): OpenFlowActions {
  let checkTicket = 0;

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

  /**
   * Saves the open flow's edits, then forgets that flow: `route` is shown with no flow open,
   * and answers still on their way for the old one are dropped (its tickets move on). Returns
   * the new flow ticket.
   */
  async function leaveFlow(route: Route): Promise<number> {
    await get().actions.saveNow();
    forgetEdits();
    const ticket = flowTicket.next();
    checkTicket++;
    closeFlow(route);
    return ticket;
  }

  const actions: OpenFlowActions = {
    openFlow: async (flowId) => {
      const ticket = await leaveFlow({ screen: "flow", flowId });
      if (!importBusy(get().importState)) get().actions.dismissImport();
      if (get().templates.status !== "ready") set({ templates: { status: "loading" } });
      const [detail, templates] = await Promise.all([api.getFlow(flowId), api.listTemplates()]);
      if (ticket !== flowTicket.current()) return;
      set({
        flow: loadable(detail),
        templates: loadable(templates),
      });
      await Promise.all([checkShownFlow(), refreshHistory(), get().actions.adoptActiveRun()]);
    },

    goHome: async () => {
      await leaveFlow({ screen: "home" });
      await Promise.all([refreshTags(), refreshFlows()]);
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
      await get().actions.saveNow();
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
      forgetEdits();
      await actions.goHome();
    },

    selectConnection: (connectionId) => {
      if (get().selectedConnection !== connectionId) set({ selectedConnection: connectionId });
    },

    renameFlow: (name) => {
      get().actions.editFlow((flow) =>
        flow.composition.name === name ? flow : { ...flow, composition: { ...flow.composition, name } },
      );
    },
  };
  return actions;
}
