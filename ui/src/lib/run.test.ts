import { describe, expect, it } from "vitest";
import { applyRunEvent, describeProgress, describeRun, nodeProgress, runEnded, runIdle, runStarted } from "./run";

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
      error: "`top` did not complete",
    });
    state = runEnded(state, "FAILED");
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
