// The store against an in-memory backend and scripted file dialogs: searching, tag and
// favourite filters, opening and checking flows, importing and exporting flow files.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError } from "../api";
import { SEARCH_DEBOUNCE_MS, createAppStore } from "./index";
import { failed, fakeApi, fakeDialogs, ok, problems } from "../testing/fakeBackend";
import { deepDive } from "../testing/fixtures";

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
    expect(store.getState().route).toEqual({ screen: "flow", flowId: "comp_deep_dive" });
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

  it("imports a flow file dropped on the window, from the flow screen too, without a dialog", async () => {
    const { api, imports } = fakeApi();
    const { dialogs, asked } = fakeDialogs();
    const store = createAppStore(api, dialogs);
    await store.getState().actions.openFlow("comp_deep_dive");
    store.getState().actions.setDropHover(true);
    expect(store.getState().dropHover).toBe(true);
    await store.getState().actions.importDropped(["/home/ana/notes.txt", "/home/ana/weekly.flow.json"]);
    expect(store.getState().dropHover).toBe(false);
    expect(asked).toEqual([]);
    expect(imports).toEqual([["/home/ana/weekly.flow.json", "fail"]]);
    expect(store.getState().route).toEqual({ screen: "home" });
    expect(store.getState().importState.step).toBe("done");
  });

  it("says what can be dropped when no flow file is among the dropped files", async () => {
    const { api, imports } = fakeApi();
    const store = createAppStore(api, fakeDialogs().dialogs);
    await store.getState().actions.importDropped(["/home/ana/photo.png"]);
    expect(imports).toEqual([]);
    expect(store.getState().notice?.message).toContain(".flow.json");
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
    const invalid: AppError = { code: "invalid_flow", message: "The file has 2 problems.", details: { kind: "flow", diagnostics: problems, node_ids: [], connection_ids: [] } };
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

