// The store against an in-memory backend: searching, tag and favourite filters, opening flows.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, FlowQuery, FlowSummary, Outcome } from "./api";
import { SEARCH_DEBOUNCE_MS, createAppStore, type Api } from "./store";
import { deepDive, summary, templates } from "./testing/fixtures";

const flows: FlowSummary[] = [
  summary("comp_low_ctr", "Low CTR review", ["ctr", "campaigns"]),
  summary("comp_deep_dive", "Top campaigns deep dive", ["campaigns", "products"]),
];

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });
const failed = (message: string): Outcome<never> => ({ status: "error", error: { code: "internal", message } });

/** An in-memory backend: filters like the real one, records the queries it was asked. */
function fakeApi(overrides: Partial<Api> = {}) {
  const queries: FlowQuery[] = [];
  const favourites = new Map<string, boolean>();
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
    ...overrides,
  };
  return { api, queries };
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
