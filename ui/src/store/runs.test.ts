// The store's running and inspecting actions (store/runs.ts) against an in-memory backend:
// the run dialog, progress, run to / from here, the history and the results drawer.
import { describe, expect, it } from "vitest";
import { neighbours, pageLabel } from "../lib/results";
import { defaultChoices, nodeProgress } from "../lib/run";
import { createAppStore } from "./index";
import { failed, fakeApi, fakeDialogs, ok } from "../testing/fakeBackend";

/** A store whose runs end only when the test calls `finishRun`. */
function heldRunStore() {
  let finish: () => void = () => undefined;
  const { api } = fakeApi();
  const store = createAppStore(
    {
      ...api,
      runFlow: async (id, request, edits) => {
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return api.runFlow(id, request, edits);
      },
    },
    fakeDialogs(ok(null)).dialogs,
  );
  return {
    store,
    finishRun: () => {
      finish();
    },
  };
}

describe("running the open flow", () => {
  it("shows each node's progress from the events, then the outcome", async () => {
    const { store: running, finishRun } = heldRunStore();
    const { actions } = running.getState();
    await actions.openFlow("comp_deep_dive");
    const run = actions.runFlow(defaultChoices([]));
    expect(running.getState().run.status).toBe("running");
    actions.applyRunProgress({ composition_id: "comp_deep_dive", event: { event: "node_started", node_id: "top" } });
    actions.applyRunProgress({ composition_id: "comp_other", event: { event: "node_started", node_id: "elsewhere" } });
    actions.applyRunProgress({
      composition_id: "comp_deep_dive",
      event: {
        event: "node_finished",
        node_id: "top",
        status: "COMPLETED",
        row_count: 20,
        duration_ms: 12,
        from_cache: false,
        error: null,
      },
    });
    finishRun();
    await run;
    const state = running.getState().run;
    expect(state.status).toBe("finished");
    if (state.status !== "finished") return;
    expect(state.outcome).toBe("COMPLETED");
    expect(Object.keys(state.nodes)).toEqual(["top"]);
    expect(state.nodes.top?.rows).toBe(20);
  });

  it("shows why a run could not start", async () => {
    const { api } = fakeApi({ runFlow: () => Promise.resolve(failed("the flow has 1 problem(s) and cannot run")) });
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    await store.getState().actions.runFlow(defaultChoices([]));
    const state = store.getState().run;
    expect(state.status).toBe("failed");
  });

  it("asks for the global parameters first, and sends what was typed with the cache choice", async () => {
    const { api, runRequests: requests } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.startRun();
    const dialog = store.getState().runDialog;
    expect(dialog?.choices).toEqual({ values: { start_date: "2026-06-01" }, reuse: true });
    expect(requests).toEqual([]);
    await actions.runFlow({ values: { start_date: "2026-06-15" }, reuse: false });
    expect(requests).toEqual([{ parameters: { start_date: "2026-06-15" }, no_cache: true }]);
    expect(store.getState().runDialog).toBeNull();
    // The next run starts from what was used last.
    await actions.startRun();
    expect(store.getState().runDialog?.choices).toEqual({ values: { start_date: "2026-06-15" }, reuse: false });
  });

  it("gives the dialog where Rust found the flow's globals shadowed, for the flow on screen", async () => {
    const shadow = { global: "start_date", node_id: "trend", by: { kind: "override" as const, value: "2026-06-10" } };
    const asked: string[] = [];
    const { api } = fakeApi({
      shadowedGlobals: (flow) => {
        asked.push(flow.composition.composition_id);
        return Promise.resolve(ok([shadow]));
      },
    });
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.startRun();
    expect(asked).toEqual(["comp_deep_dive"]);
    expect(store.getState().runDialog?.shadows).toEqual([shadow]);
  });

  it("runs to or from the selected node with the last choices, without asking again", async () => {
    const { api, runRequests: requests } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.runPart({ to: "trend" });
    await actions.runFlow({ values: { start_date: "2026-06-15" }, reuse: true });
    await actions.runPart({ from: "top" });
    expect(requests).toEqual([
      { parameters: { start_date: "2026-06-01" }, no_cache: false, to: "trend" },
      { parameters: { start_date: "2026-06-15" }, no_cache: false },
      { parameters: { start_date: "2026-06-15" }, no_cache: false, from: "top" },
    ]);
    expect(store.getState().runDialog).toBeNull();
  });

  it("keeps the dialog open, saying why, when Rust refuses a value", async () => {
    const refusal = { code: "invalid_input" as const, message: "global parameter `start_date`: expected a date" };
    const { api } = fakeApi({ runFlow: () => Promise.resolve({ status: "error", error: refusal }) });
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    const choices = { values: { start_date: "soon" }, reuse: true };
    await store.getState().actions.runFlow(choices);
    expect(store.getState().runDialog).toEqual({ choices, error: refusal, shadows: [] });
    expect(store.getState().run.status).toBe("idle");
  });
});

describe("inspecting runs and results", () => {
  it("pages through the selected node's result in the run just finished", async () => {
    const { api, pages } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.selectNode("top");
    expect(store.getState().results.status).toBe("none"); // nothing has run yet
    await actions.runFlow(defaultChoices([]));
    // The run's events marked `top` completed; here the fake backend sends none, so show the run from history.
    await actions.showRun(1);
    const first = store.getState().results;
    expect(first.status).toBe("ready");
    if (first.status !== "ready") return;
    expect(pageLabel(first.page)).toBe("Rows 1–500 of 1,234");
    const { next, previous } = neighbours(first.page);
    expect(previous).toBeNull();
    await actions.pageResults(next ?? -1);
    const second = store.getState().results;
    expect(second.status === "ready" && pageLabel(second.page)).toBe("Rows 501–1,000 of 1,234");
    expect(pages.map(([, , offset]) => offset)).toContain(500);
    // A node that kept no result (it failed) shows nothing.
    await actions.selectNode("trend");
    expect(store.getState().results.status).toBe("none");
  });

  it("lists the flow's runs and shows an older one's statuses", async () => {
    const { api } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    expect(store.getState().history).toEqual({ status: "ready", data: [] });
    await actions.runFlow(defaultChoices([]));
    await actions.runFlow(defaultChoices([]));
    const history = store.getState().history;
    expect(history.status === "ready" && history.data.map((r) => r.run_id)).toEqual([2, 1]);
    await actions.showRun(1);
    const run = store.getState().run;
    expect(run.status === "finished" && run.runId).toBe(1);
    expect(nodeProgress(run, "trend")?.status).toBe("FAILED");
    expect(nodeProgress(run, "trend")?.error).toBe("boom");
  });

  it("runs again with the parameters a recorded run used", async () => {
    const { api, runRequests: requests } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        // The recorded run holds a list value with a comma inside one of its items.
        runFlow: async (id, request, edits) => {
          const outcome = await api.runFlow(id, request, edits);
          if (outcome.status === "ok") outcome.data.run.parameters = { start_date: "2026-06-15", ids: ["a, b", "c"] };
          return outcome;
        },
      },
      fakeDialogs(ok(null)).dialogs,
    );
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.runFlow({ values: { start_date: "2026-06-15" }, reuse: false });
    await actions.rerun(1);
    expect(requests[1]).toEqual({
      parameters: { start_date: "2026-06-15", ids: '["a, b","c"]' },
      no_cache: false,
    });
  });

  it("exports the whole result where the user chose, in the chosen format", async () => {
    const { api, resultExports } = fakeApi();
    const { dialogs, asked } = fakeDialogs(ok("/home/ana/top.csv"));
    const store = createAppStore(api, dialogs);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.runFlow(defaultChoices([]));
    await actions.showRun(1);
    await actions.selectNode("top");
    await actions.exportResult("csv");
    expect(asked).toEqual(["save top-run1.csv"]);
    expect(resultExports).toEqual([[1, "top", "csv", "/home/ana/top.csv"]]);
    expect(store.getState().exportState).toEqual({ status: "done", path: "/home/ana/top.csv" });
  });
});

describe("a run a schedule started", () => {
  const started = (flow: string, schedule: number | null) => ({
    notice: { notice: "started" as const, run: { composition_id: flow, trigger: "schedule" as const, schedule } },
  });
  const ended = (flow: string, runId: number) => ({
    notice: { notice: "ended" as const, composition_id: flow, run_id: runId, status: "CANCELLED" as const },
  });

  it("shows on the open flow with its progress, can be cancelled, and ends in the history", async () => {
    const cancelled: string[] = [];
    let historyLoads = 0;
    const { api } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        cancelRun: (id) => {
          cancelled.push(id);
          return api.cancelRun(id);
        },
        listRuns: (id) => {
          historyLoads++;
          return api.listRuns(id);
        },
      },
      fakeDialogs(ok(null)).dialogs,
    );
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.applyRunActivity(started("comp_other", 3));
    expect(store.getState().run.status).toBe("idle");

    await actions.applyRunActivity(started("comp_deep_dive", 3));
    const running = store.getState().run;
    expect(running).toEqual({ status: "running", nodes: {}, schedule: 3 });
    actions.applyRunProgress({ composition_id: "comp_deep_dive", event: { event: "node_started", node_id: "top" } });
    const progressed = store.getState().run;
    expect(progressed.status === "running" ? Object.keys(progressed.nodes) : []).toEqual(["top"]);

    await actions.cancelRun();
    expect(cancelled).toEqual(["comp_deep_dive"]);
    const loadsBefore = historyLoads;
    await actions.applyRunActivity(ended("comp_deep_dive", 41));
    const state = store.getState().run;
    expect(state.status).toBe("finished");
    if (state.status !== "finished") return;
    expect(state.outcome).toBe("CANCELLED");
    expect(state.runId).toBe(41);
    expect(historyLoads).toBe(loadsBefore + 1);
  });

  it("never takes over the window's own run", async () => {
    const { store, finishRun } = heldRunStore();
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    const run = actions.runFlow(defaultChoices([]));
    await actions.applyRunActivity(started("comp_deep_dive", null));
    await actions.applyRunActivity(ended("comp_deep_dive", 7));
    expect(store.getState().run).toEqual({ status: "running", nodes: {} });
    finishRun();
    await run;
    expect(store.getState().run.status).toBe("finished");
  });

  it("is shown when the flow is opened while it runs", async () => {
    const { api } = fakeApi({
      activeRuns: () => Promise.resolve(ok([{ composition_id: "comp_deep_dive", trigger: "schedule", schedule: 5 }])),
    });
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    expect(store.getState().run).toEqual({ status: "running", nodes: {}, schedule: 5 });
  });
});
