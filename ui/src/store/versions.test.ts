// The versions panel's actions (store/versions.ts) against the in-memory backend: listing the
// open flow's versions, comparing two (the diff and both flows), and restoring one, which saves
// pending edits first and reopens the flow with a fresh undo history.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAppStore } from "./index";
import { fakeApi } from "../testing/fakeBackend";
import { versionFlows } from "../testing/fakeVersions";

async function openDeepDive() {
  const backend = fakeApi();
  const store = createAppStore(backend.api);
  const { actions } = store.getState();
  await actions.openFlow("comp_deep_dive");
  return { store, backend, actions, versions: () => store.getState().versions };
}

describe("the versions panel", () => {
  it("opens and lists the open flow's versions, newest first", async () => {
    const { actions, versions } = await openDeepDive();
    actions.toggleVersions();
    await actions.loadVersions();
    const { open, list } = versions();
    expect(open).toBe(true);
    expect(list.status === "ready" && list.data.map((v) => [v.version, v.has_run])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
  });

  it("closes, with its comparison, when another flow is opened", async () => {
    const { actions, versions } = await openDeepDive();
    actions.toggleVersions();
    await actions.compareVersions(1, 2);
    await actions.openFlow("comp_low_ctr");
    expect(versions()).toMatchObject({ open: false, comparison: null });
  });
});

describe("comparing two versions", () => {
  it("fetches what changed and both flows", async () => {
    const { actions, versions } = await openDeepDive();
    await actions.compareVersions(1, 3);
    const comparison = versions().comparison;
    expect(comparison?.changes.status === "ready" && comparison.changes.data.map((c) => c.type)).toEqual([
      "node_added",
      "connection_added",
      "node_added",
      "connection_added",
      "node_modified",
    ]);
    expect(comparison?.flows).toEqual({ status: "ready", data: { before: versionFlows.get(1), after: versionFlows.get(3) } });
  });

  it("says why a version could not be read", async () => {
    const { actions, versions } = await openDeepDive();
    await actions.compareVersions(3, 9);
    const flows = versions().comparison?.flows;
    expect(flows?.status === "failed" && flows.error.code).toBe("not_found");
    actions.closeComparison();
    expect(versions().comparison).toBeNull();
  });
});

describe("restoring a version", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("saves pending edits, restores, and shows the flow with no undo history", async () => {
    const { store, backend, actions, versions } = await openDeepDive();
    actions.toggleVersions();
    actions.renameFlow("Renamed before restoring");
    expect(store.getState().edits.undo).toHaveLength(1);

    await actions.restoreVersion(1);

    expect(backend.saved.map((f) => f.composition.name)).toEqual(["Renamed before restoring"]);
    expect(backend.restores).toEqual([["comp_deep_dive", 1]]);
    const state = store.getState();
    expect(state.edits).toEqual({ undo: [], redo: [] });
    expect(state.saveState.status).toBe("saved");
    expect(state.flow.status).toBe("ready");
    expect(versions()).toMatchObject({ open: true, restoring: false });
    await actions.loadVersions();
    const { list } = versions();
    expect(list.status === "ready" && list.data[0]?.version).toBe(4);
    // Nothing is left to autosave.
    await vi.runAllTimersAsync();
    expect(backend.saved).toHaveLength(1);
  });

  it("shows a refused restore as a notice and keeps the flow", async () => {
    const backend = fakeApi({ restoreVersion: () => Promise.resolve({ status: "error", error: { code: "not_found", message: "no version 7" } }) });
    const store = createAppStore(backend.api);
    const { actions } = store.getState();
    await actions.openFlow("comp_deep_dive");
    await actions.restoreVersion(7);
    expect(store.getState().notice).toMatchObject({ message: "no version 7" });
    expect(store.getState().versions.restoring).toBe(false);
  });
});
