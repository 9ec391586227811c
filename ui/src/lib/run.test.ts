import { describe, expect, it } from "vitest";
import {
  applyRunEvent,
  defaultChoices,
  defaultText,
  describeProgress,
  describeRun,
  nodeProgress,
  parameterInputType,
  runEnded,
  runIdle,
  runRequest,
  runStarted,
} from "./run";

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
