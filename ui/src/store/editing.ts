// Editing the open flow: every change goes through `editFlow`, which keeps the flow before it
// for undo, and saves (a version each time) once edits pause for AUTOSAVE_MS. Saving answers
// with the flow's problems, so the canvas marks them without a second round trip; a run
// takes unsaved edits with it and saves them itself (`editsForRun`, `savedByRun`). Copy and
// paste, within a flow or into another one, are edits too.
import type { AppError, Flow, SavedFlow } from "../api";
import { mergePinned, pinnedFor } from "../lib/catalogue";
import { copyNodes, pasteClip, type Clip } from "../lib/edit";
import type { StoreAccess } from "./access";
import type { OpenFlowState } from "./flow";

/** How many edits undo can walk back. */
export const UNDO_LIMIT = 200;
/** How long edits must pause before the flow is saved. */
export const AUTOSAVE_MS = 400;

/** Whether the open flow on screen is the one stored. */
export type SaveState =
  | { readonly status: "saved"; readonly version: number | null }
  | { readonly status: "unsaved" }
  | { readonly status: "saving" }
  | { readonly status: "failed"; readonly error: AppError };

export const saved: SaveState = { status: "saved", version: null };

/** The flows before (undo) and after (redo) the one on screen, nearest last. */
export type EditHistory = { readonly undo: readonly Flow[]; readonly redo: readonly Flow[] };
export const noEdits: EditHistory = { undo: [], redo: [] };

export type EditingState = {
  /** The open flow's edits, for undo and redo. */
  readonly edits: EditHistory;
  /** Whether the open flow on screen is the stored one. */
  readonly saveState: SaveState;
  /** Nodes copied from a flow, to paste into it or another one. */
  readonly clipboard: Clip | null;
};

export const initialEditing: EditingState = { edits: noEdits, saveState: saved, clipboard: null };

export type EditActions = {
  /** Changes the open flow (one undo step) and saves it once edits pause. */
  readonly editFlow: (change: (flow: Flow) => Flow) => void;
  readonly undo: () => void;
  readonly redo: () => void;
  /** Saves the open flow now if it has unsaved edits (before leaving it). */
  readonly saveNow: () => Promise<void>;
  /**
   * The open flow's unsaved edits for a run to save (one round trip, one validation), or null
   * when it is saved; the autosave waits for the run's answer ({@link EditActions.savedByRun}).
   */
  readonly editsForRun: () => Promise<Flow | null>;
  /**
   * What became of `edits` sent with a run: saved as `saved` (the flow is marked saved, its
   * problems shown, unless edited since), or, when the run answered without saving them
   * (refused, failed), saved now.
   */
  readonly savedByRun: (edits: Flow, saved: SavedFlow | null) => Promise<void>;
  /** Copies the named nodes and sticky notes (canvas ids) of the open flow, and the connections between the nodes. */
  readonly copyNodes: (nodeIds: readonly string[]) => void;
  /** Pastes what was copied into the open flow, under fresh ids, a little apart (one undo step). */
  readonly paste: () => void;
};

/** How far each paste lands from the copied nodes (and from the paste before it). */
export const PASTE_OFFSET = 40;

type Shared = StoreAccess<EditingState & Pick<OpenFlowState, "flow" | "problems">> & {
  /** Changes whenever another flow is shown: answers for the previous one are dropped. */
  readonly flowTicket: () => number;
};

export function createEditActions({ set, get, api, flowTicket }: Shared) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The save under way, so a second one waits for it rather than racing it.
  let saving: Promise<void> | null = null;
  // Pastes since the last copy: each lands a little further along.
  let pastes = 0;

  function shownFlow(): Flow | null {
    const { flow } = get();
    return flow.status === "ready" ? flow.data.flow : null;
  }

  /** Shows `next` as the open flow and schedules its save. */
  function show(next: Flow, edits: EditHistory): void {
    const { flow } = get();
    if (flow.status !== "ready") return;
    set({ flow: { status: "ready", data: { ...flow.data, flow: next } }, edits, saveState: { status: "unsaved" } });
    clearTimeout(timer);
    timer = setTimeout(() => void save(), AUTOSAVE_MS);
  }

  /** Saves the flow on screen unless it is saved already; resolves once it is (or failed). */
  async function save(): Promise<void> {
    clearTimeout(timer);
    while (saving !== null) await saving;
    const flow = shownFlow();
    if (flow === null || get().saveState.status === "saved") return;
    const ticket = flowTicket();
    const attempt = (async () => {
      set({ saveState: { status: "saving" } });
      const outcome = await api.saveFlow(flow);
      if (ticket !== flowTicket()) return;
      // An edit made while saving is on screen now: it stays unsaved, with its own save scheduled.
      const current = shownFlow();
      if (outcome.status === "error") {
        set({ saveState: { status: "failed", error: outcome.error } });
        return;
      }
      if (current !== flow) {
        set({ saveState: { status: "unsaved" } });
        return;
      }
      set({
        saveState: { status: "saved", version: outcome.data.version },
        problems: { status: "ready", data: outcome.data.diagnostics },
      });
    })();
    saving = attempt;
    await attempt.finally(() => {
      saving = null;
    });
  }

  const actions: EditActions = {
    editFlow: (change) => {
      const before = shownFlow();
      if (before === null) return;
      const after = change(before);
      if (after === before) return;
      const { undo } = get().edits;
      show(after, { undo: [...undo.slice(-(UNDO_LIMIT - 1)), before], redo: [] });
    },

    undo: () => {
      const now = shownFlow();
      const { undo, redo } = get().edits;
      const previous = undo.at(-1);
      if (now === null || previous === undefined) return;
      show(previous, { undo: undo.slice(0, -1), redo: [...redo, now] });
    },

    redo: () => {
      const now = shownFlow();
      const { undo, redo } = get().edits;
      const next = redo.at(-1);
      if (now === null || next === undefined) return;
      show(next, { undo: [...undo, now], redo: redo.slice(0, -1) });
    },

    saveNow: () => save(),

    editsForRun: async () => {
      clearTimeout(timer);
      while (saving !== null) await saving;
      return get().saveState.status === "saved" ? null : shownFlow();
    },

    savedByRun: async (edits, answer) => {
      if (answer === null) return save();
      // Edited while the run started: that edit stays unsaved, its own save scheduled.
      if (shownFlow() !== edits) return;
      clearTimeout(timer);
      set({ saveState: { status: "saved", version: answer.version }, problems: { status: "ready", data: answer.diagnostics } });
    },

    copyNodes: (nodeIds) => {
      const { flow: open } = get();
      if (open.status !== "ready" || nodeIds.length === 0) return;
      pastes = 0;
      const clip = copyNodes(open.data.flow, new Set(nodeIds));
      set({ clipboard: { ...clip, pinned: pinnedFor(clip.nodes, open.data.pinned_templates) } });
    },

    paste: () => {
      const { clipboard, flow: open } = get();
      if (clipboard === null) return;
      // Pasted nodes keep their template versions: the flow learns the earlier ones it lacks.
      if (open.status === "ready" && clipboard.pinned !== undefined) {
        const pinned = mergePinned(open.data.pinned_templates, clipboard.pinned);
        if (pinned !== open.data.pinned_templates) set({ flow: { status: "ready", data: { ...open.data, pinned_templates: pinned } } });
      }
      pastes += 1;
      const offset = { x: PASTE_OFFSET * pastes, y: PASTE_OFFSET * pastes };
      actions.editFlow((flow) => pasteClip(flow, clipboard, offset).flow);
    },
  };

  /** Forgets the edits of the flow being left (after saving them). */
  function reset(): void {
    clearTimeout(timer);
    set({ edits: noEdits, saveState: saved });
  }

  return { actions, reset };
}
