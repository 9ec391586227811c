// How diagnostics map onto the canvas: counts per node and connection, the header line, the
// order of the list, and where clicking a problem goes.
import { describe, expect, it } from "vitest";
import { deepDive, diagnostic } from "../testing/fixtures";
import {
  describeCount,
  indexFlow,
  problemFocus,
  problemsByConnection,
  problemsByNode,
  sortProblems,
  summarise,
  worstSeverity,
} from "./problems";

const missing = diagnostic("missing_parameter", { path: "/nodes/1", node_ids: ["trend"], parameter: "start_date" });
const cycle = diagnostic("cycle", { path: "/connections", node_ids: ["top", "trend", "top"], connection_ids: ["a", "b"], cycle: ["top", "trend", "top"] });
const column = diagnostic("unknown_column", { path: "/connections/0", node_ids: ["top", "trend"], connection_ids: ["a"], column: "cid" });
const empty = diagnostic("empty_connection", { path: "/connections/1", connection_ids: ["b"] });
const unused = diagnostic("unused_output", { path: "/composition/global_parameters/0" });

describe("problemsByNode", () => {
  it("counts the errors and warnings that name each node, once per diagnostic", () => {
    const byNode = problemsByNode([missing, cycle, column, empty, unused]);
    expect(Object.fromEntries(byNode)).toEqual({
      top: { errors: 2, warnings: 0 },
      trend: { errors: 3, warnings: 0 },
    });
  });

  it("counts warnings apart from errors", () => {
    const warnOnly = diagnostic("empty_connection", { node_ids: ["orphan"], connection_ids: ["b"] });
    expect(problemsByNode([warnOnly]).get("orphan")).toEqual({ errors: 0, warnings: 1 });
  });

  it("names no node for an empty list", () => {
    expect(problemsByNode([]).size).toBe(0);
  });
});

describe("problemsByConnection", () => {
  it("counts the diagnostics that name each connection", () => {
    expect(Object.fromEntries(problemsByConnection([cycle, column, empty, unused]))).toEqual({
      a: { errors: 2, warnings: 0 },
      b: { errors: 1, warnings: 1 },
    });
  });
});

describe("worstSeverity", () => {
  it("is error over warning over nothing", () => {
    expect(worstSeverity({ errors: 1, warnings: 3 })).toBe("error");
    expect(worstSeverity({ errors: 0, warnings: 3 })).toBe("warning");
    expect(worstSeverity({ errors: 0, warnings: 0 })).toBeNull();
  });
});

describe("summarise", () => {
  it("counts errors and warnings in words", () => {
    expect(summarise([])).toBe("No problems");
    expect(summarise([missing])).toBe("1 error");
    expect(summarise([empty, unused])).toBe("2 warnings");
    expect(summarise([missing, cycle, empty])).toBe("2 errors, 1 warning");
    expect(describeCount({ errors: 1, warnings: 2 })).toBe("1 error, 2 warnings");
  });
});

describe("sortProblems", () => {
  it("lists errors first and otherwise keeps Rust's order", () => {
    expect(sortProblems([unused, missing, empty, cycle]).map((d) => d.code)).toEqual([
      "missing_parameter",
      "cycle",
      "unused_output",
      "empty_connection",
    ]);
  });
});

describe("problemFocus", () => {
  const flow = indexFlow(deepDive.flow);

  it("goes to the first named node that is on the canvas", () => {
    expect(problemFocus(missing, flow)).toEqual({ kind: "node", nodeId: "trend" });
    const dangling = diagnostic("dangling_connection", { node_ids: ["gone", "orphan"], connection_ids: ["top_to_orphan"] });
    expect(problemFocus(dangling, flow)).toEqual({ kind: "node", nodeId: "orphan" });
  });

  it("goes to a named connection's ends when no node is named", () => {
    const onlyEdge = diagnostic("empty_connection", { connection_ids: ["nope", "top_to_trend"] });
    expect(problemFocus(onlyEdge, flow)).toEqual({ kind: "connection", connectionId: "top_to_trend", nodeIds: ["top", "trend"] });
  });

  it("has nowhere to go for a problem of the whole flow", () => {
    expect(problemFocus(unused, flow)).toBeNull();
    expect(problemFocus(diagnostic("cycle", { node_ids: ["ghost"] }), flow)).toBeNull();
  });
});

describe("template version problems", () => {
  const changed = diagnostic("template_changed", { severity: "warning", path: "/nodes/1/template_version", node_ids: ["trend"] });
  const unknown = diagnostic("unknown_template_version", { path: "/nodes/0/template_version", node_ids: ["top"] });

  it("badge their node and lead to it like any other problem", () => {
    const byNode = problemsByNode([changed, unknown]);
    expect(byNode.get("trend")).toEqual({ errors: 0, warnings: 1 });
    expect(byNode.get("top")).toEqual({ errors: 1, warnings: 0 });
    expect(sortProblems([changed, unknown])).toEqual([unknown, changed]);
    expect(problemFocus(changed, indexFlow(deepDive.flow))).toEqual({ kind: "node", nodeId: "trend" });
  });
});
