// Editing the open flow against the in-memory backend: undo and redo, autosave once edits
// pause (each save answering with the flow's problems), and saving before a run or leaving.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Flow, FlowInput } from "../api";
import { AUTOSAVE_MS, PASTE_OFFSET, UNDO_LIMIT } from "./editing";
import { declineTemplateVersion, moveNodes, removeElements, updateTemplateVersion } from "../lib/edit";
import { defaultChoices } from "../lib/run";
import { createAppStore } from "./index";
import { failed, fakeApi, fakeDialogs, ok, problems } from "../testing/fakeBackend";
import { deepDive, templates } from "../testing/fixtures";

function shown(store: ReturnType<typeof createAppStore>): Flow {
  const { flow } = store.getState();
  if (flow.status !== "ready") throw new Error("no flow on screen");
  return flow.data.flow;
}

const nodeIds = (flow: Pick<FlowInput, "nodes">) => flow.nodes.map((n) => n.node_id);
const removeNode = (id: string) => (flow: Flow) => removeElements(flow, new Set([id]), new Set());

async function opened(api = fakeApi()) {
  const store = createAppStore(api.api, fakeDialogs(ok(null)).dialogs);
  await store.getState().actions.openFlow("comp_deep_dive");
  return { store, ...api };
}

describe("editing the open flow", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("undoes and redoes every edit, and a new edit forgets what could be redone", async () => {
    const { store } = await opened();
    const { editFlow, undo, redo } = store.getState().actions;
    editFlow(removeNode("orphan"));
    editFlow((flow) => moveNodes(flow, new Map([["top", { x: 1, y: 2 }]])));
    expect(nodeIds(shown(store))).toEqual(["top", "trend"]);
    expect(shown(store).nodes[0]?.position).toEqual({ x: 1, y: 2 });

    undo();
    expect(shown(store).nodes[0]?.position).toEqual({ x: 0, y: 160 });
    undo();
    expect(nodeIds(shown(store))).toEqual(["top", "trend", "orphan"]);
    undo(); // nothing left to undo
    expect(nodeIds(shown(store))).toEqual(["top", "trend", "orphan"]);
    redo();
    expect(nodeIds(shown(store))).toEqual(["top", "trend"]);

    editFlow(removeNode("trend"));
    redo(); // the move was forgotten
    expect(nodeIds(shown(store))).toEqual(["top"]);
    expect(store.getState().edits.redo).toEqual([]);
  });

  it("keeps the last UNDO_LIMIT edits, and an edit that changes nothing is no step", async () => {
    const { store } = await opened();
    const { editFlow } = store.getState().actions;
    editFlow((flow) => flow);
    expect(store.getState().edits.undo).toHaveLength(0);
    for (let i = 0; i < UNDO_LIMIT + 20; i++) {
      editFlow((flow) => moveNodes(flow, new Map([["top", { x: i + 1, y: 0 }]])));
    }
    expect(store.getState().edits.undo).toHaveLength(UNDO_LIMIT);
    for (let i = 0; i < UNDO_LIMIT; i++) store.getState().actions.undo();
    expect(shown(store).nodes[0]?.position.x).toBe(20);
  });

  it("saves once edits pause, and shows the saved version and the flow's problems", async () => {
    const { store, saved } = await opened();
    const { editFlow } = store.getState().actions;
    editFlow(removeNode("orphan"));
    editFlow(removeNode("trend"));
    expect(store.getState().saveState.status).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS - 1);
    expect(saved).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved.map(nodeIds)).toEqual([["top"]]);
    expect(store.getState().saveState).toEqual({ status: "saved", version: 2 });
    expect(store.getState().problems).toEqual({ status: "ready", data: problems });
  });

  it("keeps an edit made while saving unsaved, and saves it next", async () => {
    let release: () => void = () => undefined;
    const api = fakeApi();
    const slow = fakeApi({
      saveFlow: async (flow) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return api.api.saveFlow(flow);
      },
    });
    const { store } = await opened({ ...slow, saved: api.saved });
    store.getState().actions.editFlow(removeNode("orphan"));
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(store.getState().saveState.status).toBe("saving");
    store.getState().actions.editFlow(removeNode("trend"));
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().saveState.status).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.saved.map(nodeIds)).toEqual([["top", "trend"], ["top"]]);
    expect(store.getState().saveState.status).toBe("saved");
  });

  it("sends unsaved edits with the run, which saves them: one round trip, so the engine runs what is on screen", async () => {
    const saves: FlowInput[] = [];
    const { store, saved, runRequests } = await opened(
      fakeApi({
        saveFlow: (flow) => {
          saves.push(flow);
          return Promise.resolve(failed("a second round trip"));
        },
      }),
    );
    store.getState().actions.editFlow(removeNode("orphan"));
    await store.getState().actions.runFlow(defaultChoices([]));
    expect(saved.map(nodeIds)).toEqual([["top", "trend"]]);
    expect(runRequests).toHaveLength(1);
    expect(saves).toEqual([]);
    expect(store.getState().saveState).toEqual({ status: "saved", version: 2 });
    expect(store.getState().problems).toEqual({ status: "ready", data: problems });
    // The autosave the edit scheduled was the run's to do.
    await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
    expect(saves).toEqual([]);
  });

  it("does not run a flow it could not save, and says why", async () => {
    const { store } = await opened(
      fakeApi({ runFlow: () => Promise.resolve(failed("disk full")), saveFlow: () => Promise.resolve(failed("disk full")) }),
    );
    store.getState().actions.editFlow(removeNode("orphan"));
    await store.getState().actions.runFlow(defaultChoices([]));
    expect(store.getState().run.status).toBe("idle");
    expect(store.getState().notice?.message).toBe("disk full");
    expect(store.getState().saveState.status).toBe("failed");
  });

  it("saves the open flow's edits before leaving it, and starts the next flow with no edits", async () => {
    const { store, saved } = await opened();
    store.getState().actions.editFlow(removeNode("orphan"));
    await store.getState().actions.goHome();
    expect(saved.map(nodeIds)).toEqual([["top", "trend"]]);
    await store.getState().actions.openFlow("comp_deep_dive");
    expect(store.getState().edits).toEqual({ undo: [], redo: [] });
    expect(store.getState().saveState.status).toBe("saved");
  });

  it("pastes copied nodes into the next flow opened, each paste one undo step and a little further along", async () => {
    const { store } = await opened();
    store.getState().actions.copyNodes(["top", "trend"]);
    await store.getState().actions.goHome();
    await store.getState().actions.openFlow("comp_deep_dive");
    const { paste, undo } = store.getState().actions;
    paste();
    paste();
    expect(nodeIds(shown(store))).toEqual(["top", "trend", "orphan", "top_2", "trend_2", "top_3", "trend_3"]);
    expect(shown(store).nodes[3]?.position).toEqual({ x: PASTE_OFFSET, y: 160 + PASTE_OFFSET });
    expect(shown(store).nodes[5]?.position).toEqual({ x: 2 * PASTE_OFFSET, y: 160 + 2 * PASTE_OFFSET });
    expect(shown(store).connections.map((c) => c.connection_id)).toEqual([
      "top_to_trend",
      "top_to_orphan",
      "top_to_trend_2",
      "top_to_trend_3",
    ]);
    undo();
    expect(nodeIds(shown(store))).toEqual(["top", "trend", "orphan", "top_2", "trend_2"]);
  });

  describe("a node on an earlier version of its template", () => {
    const trendNow = templates[1]?.template;
    if (trendNow === undefined) throw new Error("missing test data");
    const v1 = { ...trendNow, version: 1, parameters: [] };
    const pinnedFlow = {
      ...deepDive,
      flow: { ...deepDive.flow, nodes: deepDive.flow.nodes.map((n) => (n.node_id === "trend" ? { ...n, template_version: 1 } : n)) },
      pinned_templates: [v1],
    };
    const trend = (flow: Flow) => flow.nodes.find((n) => n.node_id === "trend");

    it("is updated, or kept, as one undoable edit each, then saved", async () => {
      const { store, saved } = await opened(fakeApi({ getFlow: () => Promise.resolve(ok(pinnedFlow)) }));
      const { editFlow, undo } = store.getState().actions;
      editFlow((flow) => declineTemplateVersion(flow, "trend", 2));
      expect(trend(shown(store))?.node_config.declined_template_version).toBe(2);
      editFlow((flow) => updateTemplateVersion(flow, "trend", 2));
      expect(trend(shown(store))).toMatchObject({ template_version: 2, node_config: {} });
      undo();
      expect(trend(shown(store))).toMatchObject({ template_version: 1, node_config: { declined_template_version: 2 } });
      undo();
      expect(trend(shown(store))).toMatchObject({ template_version: 1, node_config: {} });
      await vi.advanceTimersByTimeAsync(AUTOSAVE_MS);
      expect(saved.at(-1)?.nodes.find((n) => n.node_id === "trend")?.template_version).toBe(1);
    });

    it("is pasted into another flow on its version, which that flow then knows to draw it by", async () => {
      let opens = 0;
      const { store } = await opened(fakeApi({ getFlow: () => Promise.resolve(ok(opens++ === 0 ? pinnedFlow : deepDive)) }));
      store.getState().actions.copyNodes(["trend"]);
      await store.getState().actions.goHome();
      await store.getState().actions.openFlow("comp_deep_dive");
      const pinned = () => {
        const { flow } = store.getState();
        return flow.status === "ready" ? flow.data.pinned_templates : null;
      };
      expect(pinned()).toEqual([]);
      store.getState().actions.paste();
      expect(shown(store).nodes.at(-1)).toMatchObject({ node_id: "trend_2", template_version: 1 });
      expect(pinned()).toEqual([v1]);
    });
  });
});
