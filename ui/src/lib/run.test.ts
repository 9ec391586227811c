import { describe, expect, it } from "vitest";
import {
  applyRunEvent,
  defaultChoices,
  defaultText,
  globalShadowed,
  describeProgress,
  describeRun,
  nodeProgress,
  parameterInputType,
  runEnded,
  runIdle,
  runRequest,
  runStarted,
  shadowWarnings,
} from "./run";
import type { ShadowedGlobal } from "../api";

describe("a run's progress", () => {
  it("follows each node from start to finish, then the outcome", () => {
    let state = applyRunEvent(runStarted, { event: "node_started", node_id: "top" });
    expect(nodeProgress(state, "top")?.status).toBe("RUNNING");
    expect(describeRun(state)).toBe("Running…");
    state = applyRunEvent(state, {
      event: "node_finished",
      node_id: "top",
      status: "COMPLETED",
      row_count: 20,
      duration_ms: 35,
      from_cache: false,
      error: null,
    });
    const top = nodeProgress(state, "top");
    expect(top && describeProgress(top)).toBe("20 rows · 35 ms");
    state = applyRunEvent(state, {
      event: "node_finished",
      node_id: "trend",
      status: "SKIPPED",
      row_count: null,
      duration_ms: 0,
      from_cache: false,
      error: "`top` did not complete",
    });
    state = runEnded(state, "FAILED", 7);
    expect(describeRun(state)).toBe("Run failed");
    expect(nodeProgress(state, "trend")?.status).toBe("SKIPPED");
    expect(nodeProgress(state, "other")).toBeNull();
  });

  it("ignores events when no run is on screen", () => {
    expect(applyRunEvent(runIdle, { event: "node_started", node_id: "top" })).toBe(runIdle);
    expect(nodeProgress(runIdle, "top")).toBeNull();
    expect(describeRun(runIdle)).toBeNull();
  });
});

describe("the run dialog's choices", () => {
  it("show each default as text and send only what is filled in", () => {
    expect(defaultText({ name: "ids", type: "integer", list: true, default: [3, 5] })).toBe("3, 5");
    expect(defaultText({ name: "day", type: "date", default: "2026-06-01" })).toBe("2026-06-01");
    expect(defaultText({ name: "region", type: "string" })).toBe("");
    const choices = defaultChoices([
      { name: "day", type: "date", default: "2026-06-01" },
      { name: "region", type: "string" },
    ]);
    expect(choices).toEqual({ values: { day: "2026-06-01", region: "" }, reuse: true });
    expect(runRequest(choices)).toEqual({ parameters: { day: "2026-06-01" }, no_cache: false });
  });

  it("offer a date picker for dates, a number field for numbers, text for lists and the rest", () => {
    expect(parameterInputType({ name: "day", type: "date" })).toBe("date");
    expect(parameterInputType({ name: "limit", type: "integer" })).toBe("number");
    expect(parameterInputType({ name: "ratio", type: "decimal" })).toBe("number");
    expect(parameterInputType({ name: "ids", type: "integer", list: true })).toBe("text");
    expect(parameterInputType({ name: "region", type: "string" })).toBe("text");
  });

  it("tell a reused result from a computed one", () => {
    const reused = applyRunEvent(runStarted, {
      event: "node_finished",
      node_id: "top",
      status: "COMPLETED",
      row_count: 20,
      duration_ms: 1,
      from_cache: true,
      error: null,
    });
    const top = nodeProgress(reused, "top");
    expect(top && describeProgress(top)).toBe("20 rows · reused");
  });
});

describe("a running node's chip", () => {
  it("counts the time since it started", () => {
    const running = applyRunEvent(runStarted, { event: "node_started", node_id: "top" }, 10_000);
    const top = nodeProgress(running, "top");
    expect(top && describeProgress(top, 13_250)).toBe("running… 3.3 s");
  });
});

describe("globals a node does not use", () => {
  const limit = { name: "limit", type: "integer" as const, default: 3 };
  const region = { name: "region", type: "string" as const };
  const shadows: ShadowedGlobal[] = [
    { global: "limit", node_id: "five", by: { kind: "override", value: 5 } },
    {
      global: "limit",
      node_id: "mapped",
      by: { kind: "mapping", connection_id: "two_limit", source_node_id: "two", column: "n" },
    },
    { global: "region", node_id: "eu_only", by: { kind: "override", value: "EU" } },
  ];

  it("are named per node for the values set in the dialog, saying what wins", () => {
    expect(shadowWarnings(shadows, [limit, region], { limit: "1", region: "US" })).toEqual([
      { nodeId: "five", global: "limit", message: "five keeps its own limit = 5" },
      { nodeId: "mapped", global: "limit", message: "mapped takes limit from two.n, not from here" },
      { nodeId: "eu_only", global: "region", message: "eu_only keeps its own region = EU" },
    ]);
  });

  it("are not named for values left blank or at their default", () => {
    expect(shadowWarnings(shadows, [limit, region], { limit: "3", region: " " })).toEqual([]);
    expect(shadowWarnings(shadows, [limit, region], {})).toEqual([]);
    expect(shadowWarnings([], [limit, region], { limit: "1", region: "US" })).toEqual([]);
  });

  it("are told in the inspector where a node's own value or a mapped column wins", () => {
    const globals = new Set(["limit"]);
    expect(globalShadowed("limit", globals, true, undefined)).toBe(
      "The global parameter limit is not used here: this node's value wins.",
    );
    expect(globalShadowed("limit", globals, true, "two.n")).toBe(
      "The global parameter limit is not used here: the mapped column two.n wins.",
    );
    expect(globalShadowed("limit", globals, false, undefined)).toBeNull();
    expect(globalShadowed("offset", globals, true, undefined)).toBeNull();
  });
});
