// The store against an in-memory backend and scripted file dialogs: searching, tag and
// favourite filters, opening and checking flows, importing and exporting flow files, running.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { neighbours, pageLabel } from "./lib/results";
import { defaultChoices, nodeProgress } from "./lib/run";
import type {
  AppError,
  Diagnostic,
  FlowInput,
  FlowQuery,
  FlowSummary,
  NodeStatus,
  OnConflict,
  Outcome,
  RunRequest,
  RunSummary,
} from "./api";
import { SEARCH_DEBOUNCE_MS, createAppStore, type Api, type Dialogs } from "./store";
import { deepDive, diagnostic, summary, templates } from "./testing/fixtures";

const flows: FlowSummary[] = [
  summary("comp_low_ctr", "Low CTR review", ["ctr", "campaigns"]),
  summary("comp_deep_dive", "Top campaigns deep dive", ["campaigns", "products"]),
];

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });
const failed = (message: string): Outcome<never> => ({ status: "error", error: { code: "internal", message } });

const problems: Diagnostic[] = [
  diagnostic("missing_parameter", { path: "/nodes/1", node_ids: ["trend"] }),
  diagnostic("empty_connection", { path: "/connections/1", connection_ids: ["top_to_orphan"] }),
];

/** How many rows the fake backend's kept result has. */
const TOTAL_ROWS = 1234;

/** An in-memory backend: filters like the real one, records the queries it was asked. */
function fakeApi(overrides: Partial<Api> = {}) {
  const queries: FlowQuery[] = [];
  const checked: FlowInput[] = [];
  const imports: [string, OnConflict][] = [];
  const exports: [string, string][] = [];
  const favourites = new Map<string, boolean>();
  const runs: RunSummary[] = [];
  const pages: [number, string, number][] = [];
  const resultExports: [number, string, string, string][] = [];
  const api: Api = {
    workspaceInfo: () => Promise.resolve(ok({ root: "/home/ana/flows", data_dir: "/home/ana/flows/.flowloom" })),
    listFlows: (query) => {
      queries.push(query);
      const text = query.text?.toLowerCase() ?? "";
      return Promise.resolve(
        ok(
          flows
            .map((f) => ({ ...f, meta: { ...f.meta, is_favorite: favourites.get(f.composition_id) ?? false } }))
            .filter((f) => f.name.toLowerCase().includes(text))
            .filter((f) => query.tag == null || f.tags.includes(query.tag))
            .filter((f) => !query.favorites_only || f.meta.is_favorite),
        ),
      );
    },
    getFlow: () => Promise.resolve(ok(deepDive)),
    listTemplates: () => Promise.resolve(ok(templates)),
    setFavorite: (id, favorite) => {
      favourites.set(id, favorite);
      return Promise.resolve(ok(null));
    },
    validateFlow: (flow) => {
      checked.push(flow);
      return Promise.resolve(ok(problems));
    },
    importFlowFile: (path, onConflict) => {
      imports.push([path, onConflict]);
      return Promise.resolve(ok({ composition_id: "comp_low_ctr", replaced_flow: false, templates: [], warnings: [] }));
    },
    exportFlowFile: (id, path) => {
      exports.push([id, path]);
      return Promise.resolve(ok(null));
    },
    runFlow: (id) => {
      const summary: RunSummary = {
        run_id: runs.length + 1,
        composition_id: id,
        version: 1,
        status: "COMPLETED" as const,
        trigger: "manual" as const,
        parameters: {},
        started_at: "2026-11-23T10:00:00Z",
        completed_at: "2026-11-23T10:00:01Z",
        error: null,
      };
      runs.unshift(summary);
      return Promise.resolve(ok(summary));
    },
    listRuns: () => Promise.resolve(ok([...runs])),
    getRun: (runId) => {
      const summary = runs.find((r) => r.run_id === runId);
      if (!summary) return Promise.resolve({ status: "error", error: { code: "not_found", message: `no run ${runId}` } });
      const record = (node_id: string, status: NodeStatus, row_count: number | null) => ({
        node_id,
        status,
        parameters: {},
        sql: "SELECT 1",
        columns: [],
        row_count,
        duration_ms: 3,
        attempts: 1,
        result_location: status === "COMPLETED" ? `results/${runId}/${node_id}.parquet` : null,
        cache_key: null,
        from_cache: false,
        error: status === "FAILED" ? "boom" : null,
      });
      return Promise.resolve(ok({ summary, nodes: [record("top", "COMPLETED", TOTAL_ROWS), record("trend", "FAILED", null)] }));
    },
    resultPage: (runId, nodeId, offset, limit) => {
      pages.push([runId, nodeId, offset]);
      const rows = Array.from({ length: Math.max(0, Math.min(limit, TOTAL_ROWS - offset)) }, (_, i) => ({ n: offset + i }));
      return Promise.resolve(ok({ columns: [{ name: "n", data_type: "Int64" }], rows, offset, total_rows: TOTAL_ROWS }));
    },
    exportResult: (runId, nodeId, format, path) => {
      resultExports.push([runId, nodeId, format, path]);
      return Promise.resolve(ok(null));
    },
    cancelRun: () => Promise.resolve(ok(true)),
    ...overrides,
  };
  return { api, queries, checked, imports, exports, pages, resultExports };
}

/** File dialogs that answer with the given paths (null: the user cancelled), recording what they were asked. */
function fakeDialogs(answer: Outcome<string | null> = ok("/home/ana/in.flow.json")) {
  const asked: string[] = [];
  const dialogs: Dialogs = {
    pickFlowFile: () => {
      asked.push("open");
      return Promise.resolve(answer);
    },
    pickExportPath: (compositionId) => {
      asked.push(`save ${compositionId}`);
      return Promise.resolve(answer);
    },
    pickResultPath: (name) => {
      asked.push(`save ${name}`);
      return Promise.resolve(answer);
    },
  };
  return { dialogs, asked };
}

function names(store: ReturnType<typeof createAppStore>): string[] {
  const { flows: list } = store.getState();
  return list.status === "ready" ? list.data.map((f) => f.name) : [];
}

describe("the home screen state", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("loads the workspace, the tag chips and the flows", async () => {
    const store = createAppStore(fakeApi().api);
    await store.getState().actions.loadHome();
    const state = store.getState();
    expect(state.workspace).toEqual({ status: "ready", data: { root: "/home/ana/flows", data_dir: "/home/ana/flows/.flowloom" } });
    expect(state.tags).toEqual(["campaigns", "ctr", "products"]);
    expect(names(store)).toEqual(["Low CTR review", "Top campaigns deep dive"]);
  });

  it("searches once typing pauses", async () => {
    const { api, queries } = fakeApi();
    const store = createAppStore(api);
    await store.getState().actions.loadHome();
    queries.length = 0;

    const { setSearchText } = store.getState().actions;
    setSearchText("l");
    setSearchText("lo");
    setSearchText(" low ");
    expect(store.getState().filter.text).toBe(" low ");
    expect(queries).toEqual([]);

    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(queries).toEqual([{ text: "low", tag: null, favorites_only: false }]);
    expect(names(store)).toEqual(["Low CTR review"]);
  });

  it("keeps the newest answer when an older search answers late", async () => {
    let releaseSlow: (() => void) | undefined;
    const { api } = fakeApi();
    const store = createAppStore({
      ...api,
      listFlows: (query) =>
        query.text === "slow"
          ? new Promise((resolve) => (releaseSlow = () => void api.listFlows(query).then(resolve)))
          : api.listFlows(query),
    });
    store.getState().actions.setSearchText("slow");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    store.getState().actions.setSearchText("deep");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    releaseSlow?.();
    await vi.runAllTimersAsync();
    expect(names(store)).toEqual(["Top campaigns deep dive"]);
  });

  it("filters by a tag chip, and clears it on a second click", async () => {
    const { api, queries } = fakeApi();
    const store = createAppStore(api);
    await store.getState().actions.toggleTag("ctr");
    expect(names(store)).toEqual(["Low CTR review"]);
    await store.getState().actions.toggleTag("ctr");
    expect(store.getState().filter.tag).toBeNull();
    expect(queries.map((q) => q.tag)).toEqual(["ctr", null]);
  });

  it("toggles a favourite in place", async () => {
    const store = createAppStore(fakeApi().api);
    await store.getState().actions.loadHome();
    await store.getState().actions.toggleFavorite("comp_low_ctr");
    const list = store.getState().flows;
    expect(list.status === "ready" && list.data.map((f) => [f.name, f.meta.is_favorite])).toEqual([
      ["Low CTR review", true],
      ["Top campaigns deep dive", false],
    ]);
    await store.getState().actions.setFavoritesOnly(true);
    expect(names(store)).toEqual(["Low CTR review"]);
  });

  it("shows why a favourite could not be saved, and leaves the star as it was", async () => {
    const error: AppError = { code: "not_found", message: "No flow comp_low_ctr" };
    const store = createAppStore(fakeApi({ setFavorite: () => Promise.resolve({ status: "error", error }) }).api);
    await store.getState().actions.loadHome();
    await store.getState().actions.toggleFavorite("comp_low_ctr");
    expect(store.getState().notice).toEqual(error);
    const list = store.getState().flows;
    expect(list.status === "ready" && list.data[0]?.meta.is_favorite).toBe(false);
  });

  it("shows the error when the flows cannot be listed", async () => {
    const store = createAppStore(fakeApi({ listFlows: () => Promise.resolve(failed("database is locked")) }).api);
    await store.getState().actions.loadHome();
    expect(store.getState().flows).toEqual({ status: "failed", error: { code: "internal", message: "database is locked" } });
  });
});

describe("opening a flow", () => {
  it("loads the flow and the templates, and goes back home", async () => {
    const store = createAppStore(fakeApi().api);
    await store.getState().actions.openFlow("comp_deep_dive");
    expect(store.getState().route).toEqual({ screen: "flow", compositionId: "comp_deep_dive" });
    expect(store.getState().flow.status).toBe("ready");
    expect(store.getState().templates.status).toBe("ready");
    await store.getState().actions.goHome();
    expect(store.getState().route).toEqual({ screen: "home" });
  });

  it("ignores a flow that arrives after the user went back", async () => {
    let release: (() => void) | undefined;
    const { api } = fakeApi();
    const store = createAppStore({
      ...api,
      getFlow: (id) => new Promise((resolve) => (release = () => void api.getFlow(id).then(resolve))),
    });
    const opening = store.getState().actions.openFlow("comp_deep_dive");
    await store.getState().actions.goHome();
    release?.();
    await opening;
    expect(store.getState().route).toEqual({ screen: "home" });
    expect(store.getState().flow.status).toBe("loading");
  });

  it("says why a flow could not be opened", async () => {
    const store = createAppStore(fakeApi({ getFlow: () => Promise.resolve(failed("No flow comp_gone")) }).api);
    await store.getState().actions.openFlow("comp_gone");
    const { flow } = store.getState();
    expect(flow.status === "failed" && flow.error.message).toBe("No flow comp_gone");
  });
});

describe("checking the open flow", () => {
  it("checks the flow as loaded once it is shown", async () => {
    const { api, checked } = fakeApi();
    const store = createAppStore(api);
    await store.getState().actions.openFlow("comp_deep_dive");
    expect(checked).toEqual([deepDive.flow]);
    expect(store.getState().problems).toEqual({ status: "ready", data: problems });
  });

  it("says when the check failed, and checks again on request", async () => {
    let calls = 0;
    const { api } = fakeApi();
    const store = createAppStore({
      ...api,
      validateFlow: (flow) => (++calls === 1 ? Promise.resolve(failed("backend gone")) : api.validateFlow(flow)),
    });
    await store.getState().actions.openFlow("comp_deep_dive");
    expect(store.getState().problems).toEqual({ status: "failed", error: { code: "internal", message: "backend gone" } });
    await store.getState().actions.checkFlow();
    expect(store.getState().problems).toEqual({ status: "ready", data: problems });
  });

  it("drops the problems of a flow the user already left", async () => {
    let release: (() => void) | undefined;
    const { api } = fakeApi();
    const store = createAppStore({
      ...api,
      validateFlow: (flow) => new Promise((resolve) => (release = () => void api.validateFlow(flow).then(resolve))),
    });
    const opening = store.getState().actions.openFlow("comp_deep_dive");
    await vi.waitFor(() => {
      expect(release).toBeDefined();
    });
    await store.getState().actions.goHome();
    release?.();
    await opening;
    expect(store.getState().problems).toEqual({ status: "loading" });
  });
});

describe("importing a flow file", () => {
  it("imports the picked file, refreshes the list and names the flow", async () => {
    const { api, imports, queries } = fakeApi();
    const store = createAppStore(api, fakeDialogs().dialogs);
    await store.getState().actions.startImport();
    expect(imports).toEqual([["/home/ana/in.flow.json", "fail"]]);
    expect(queries.length).toBe(2);
    const state = store.getState().importState;
    expect(state.step === "done" && [state.name, state.outcome.composition_id]).toEqual(["Low CTR review", "comp_low_ctr"]);
    store.getState().actions.dismissImport();
    expect(store.getState().importState).toEqual({ step: "idle" });
  });

  it("does nothing when the dialog is cancelled", async () => {
    const { api, imports } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    await store.getState().actions.startImport();
    expect(imports).toEqual([]);
    expect(store.getState().importState).toEqual({ step: "idle" });
  });

  it("asks about a conflict and imports again with the choice", async () => {
    const conflict: AppError = { code: "conflict", message: "Flow comp_low_ctr exists with other content." };
    const { api, imports } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        importFlowFile: (path, onConflict) =>
          onConflict === "fail"
            ? (imports.push([path, onConflict]), Promise.resolve({ status: "error", error: conflict }))
            : api.importFlowFile(path, onConflict),
      },
      fakeDialogs().dialogs,
    );
    await store.getState().actions.startImport();
    expect(store.getState().importState).toEqual({ step: "conflict", path: "/home/ana/in.flow.json", message: conflict.message });
    await store.getState().actions.resolveImportConflict("keep-both");
    expect(imports).toEqual([
      ["/home/ana/in.flow.json", "fail"],
      ["/home/ana/in.flow.json", "keep-both"],
    ]);
    expect(store.getState().importState.step).toBe("done");
  });

  it("keeps the diagnostics of an invalid file", async () => {
    const invalid: AppError = { code: "invalid_flow", message: "The file has 2 problems.", diagnostics: problems };
    const { api } = fakeApi({ importFlowFile: () => Promise.resolve({ status: "error", error: invalid }) });
    const store = createAppStore(api, fakeDialogs().dialogs);
    await store.getState().actions.startImport();
    expect(store.getState().importState).toEqual({ step: "failed", error: invalid });
  });

  it("says when the dialog could not be opened", async () => {
    const { api, imports } = fakeApi();
    const store = createAppStore(api, fakeDialogs(failed("no dialog")).dialogs);
    await store.getState().actions.startImport();
    expect(imports).toEqual([]);
    expect(store.getState().importState).toEqual({ step: "failed", error: { code: "internal", message: "no dialog" } });
  });
});

describe("exporting the open flow", () => {
  it("asks where, suggesting the flow's id, and writes the flow there", async () => {
    const { api, exports } = fakeApi();
    const { dialogs, asked } = fakeDialogs(ok("/home/ana/out.flow.json"));
    const store = createAppStore(api, dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    await store.getState().actions.exportFlow();
    expect(asked).toEqual(["save comp_deep_dive"]);
    expect(exports).toEqual([["comp_deep_dive", "/home/ana/out.flow.json"]]);
    expect(store.getState().exportState).toEqual({ status: "done", path: "/home/ana/out.flow.json" });
    store.getState().actions.dismissExport();
    expect(store.getState().exportState).toEqual({ status: "idle" });
  });

  it("does nothing when the dialog is cancelled", async () => {
    const { api, exports } = fakeApi();
    const store = createAppStore(api, fakeDialogs(ok(null)).dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    await store.getState().actions.exportFlow();
    expect(exports).toEqual([]);
    expect(store.getState().exportState).toEqual({ status: "idle" });
  });

  it("shows why the file could not be written", async () => {
    const { api } = fakeApi({ exportFlowFile: () => Promise.resolve(failed("permission denied")) });
    const store = createAppStore(api, fakeDialogs(ok("/root/x.flow.json")).dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    await store.getState().actions.exportFlow();
    expect(store.getState().exportState).toEqual({ status: "failed", error: { code: "internal", message: "permission denied" } });
  });
});

describe("running the open flow", () => {
  it("shows each node's progress from the events, then the outcome", async () => {
    let finishRun: () => void = () => undefined;
    const { api } = fakeApi();
    const running = createAppStore(
      {
        ...api,
        runFlow: async (id, request) => {
          await new Promise<void>((resolve) => {
            finishRun = resolve;
          });
          return api.runFlow(id, request);
        },
      },
      fakeDialogs(ok(null)).dialogs,
    );
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
    const requests: RunRequest[] = [];
    const { api } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        runFlow: (id, request) => {
          requests.push(request);
          return api.runFlow(id, request);
        },
      },
      fakeDialogs(ok(null)).dialogs,
    );
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

  it("runs to or from the selected node with the last choices, without asking again", async () => {
    const requests: RunRequest[] = [];
    const { api } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        runFlow: (id, request) => {
          requests.push(request);
          return api.runFlow(id, request);
        },
      },
      fakeDialogs(ok(null)).dialogs,
    );
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
    expect(store.getState().runDialog).toEqual({ choices, error: refusal });
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
    const requests: RunRequest[] = [];
    const { api } = fakeApi();
    const store = createAppStore(
      {
        ...api,
        runFlow: async (id, request) => {
          requests.push(request);
          const outcome = await api.runFlow(id, request);
          if (outcome.status === "ok") outcome.data.parameters = { start_date: "2026-06-15", ids: ["a, b", "c"] };
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
