// A flow's versions: each change in words, which versions a comparison starts from, and the two
// versions drawn side by side with what was added, removed or modified marked.
import { describe, expect, it } from "vitest";
import type { FlowChange, FlowVersion } from "../api";
import { deepDive, templates } from "../testing/fixtures";
import { buildCatalogue } from "./catalogue";
import { changeMark, comparedWith, describeFlowChange, diffMarks, versionCanvas } from "./versions";

const changes: FlowChange[] = [
  { type: "node_added", node_id: "top" },
  { type: "node_removed", node_id: "gone" },
  { type: "node_modified", node_id: "trend", fields: ["parameter_overrides", "position"] },
  { type: "connection_added", connection_id: "top_to_trend" },
  { type: "connection_modified", connection_id: "top_to_orphan", fields: ["field_mappings"] },
  { type: "parameter_removed", name: "end_date" },
  { type: "parameter_modified", name: "start_date", fields: ["default"] },
  { type: "flow_modified", fields: ["name", "tags"] },
];

function version(n: number): FlowVersion {
  return { version: n, changes: [], created_by: "ana", created_at: "2026-11-20T10:00:00Z", has_run: false };
}

describe("changes in words", () => {
  it("says what was added, removed or changed, and which fields", () => {
    expect(changes.map(describeFlowChange)).toEqual([
      "Added node top",
      "Removed node gone",
      "Changed node trend: parameter_overrides, position",
      "Added connection top_to_trend",
      "Changed connection top_to_orphan: field_mappings",
      "Removed parameter end_date",
      "Changed parameter start_date: default",
      "Changed the flow: name, tags",
    ]);
  });

  it("marks each change as an addition, a removal or a modification", () => {
    expect(changes.map(changeMark)).toEqual(["added", "removed", "modified", "added", "modified", "removed", "modified", "modified"]);
  });
});

describe("choosing what to compare", () => {
  const versions = [version(5), version(4), version(2), version(1)];

  it("compares a version with the one listed before it", () => {
    expect(comparedWith(versions, 5)).toEqual({ from: 4, to: 5 });
    expect(comparedWith(versions, 4)).toEqual({ from: 2, to: 4 });
  });

  it("has nothing to compare the first version with", () => {
    expect(comparedWith(versions, 1)).toBeNull();
    expect(comparedWith(versions, 9)).toBeNull();
  });
});

describe("two versions side by side", () => {
  const marks = diffMarks(changes);

  it("collects the nodes and connections the diff names", () => {
    expect([...marks.nodes]).toEqual([
      ["top", "added"],
      ["gone", "removed"],
      ["trend", "modified"],
    ]);
    expect([...marks.connections]).toEqual([
      ["top_to_trend", "added"],
      ["top_to_orphan", "modified"],
    ]);
  });

  it("draws a version's nodes with their labels and marks, unmarked when unchanged", () => {
    const drawn = versionCanvas(deepDive.flow, buildCatalogue(templates), marks);
    expect(drawn.nodes.map((n) => [n.id, n.data.label, n.data.diff])).toEqual([
      ["top", "Top campaigns", "added"],
      ["trend", "Daily campaign performance", "modified"],
      ["orphan", "orphan", null],
    ]);
    expect(drawn.nodes[0]?.position).toEqual({ x: 0, y: 160 });
  });

  it("colours each connection by its mark", () => {
    const drawn = versionCanvas(deepDive.flow, buildCatalogue(templates), marks);
    expect(drawn.edges.map((e) => [e.id, e.className])).toEqual([
      ["top_to_trend", "vedge vedge--added"],
      ["top_to_orphan", "vedge vedge--modified"],
    ]);
  });

  it("lets React Flow measure the nodes it draws", () => {
    const [node] = versionCanvas(deepDive.flow, buildCatalogue(templates), marks).nodes;
    expect(node?.measured).toBeUndefined();
    expect(node?.handles).toBeUndefined();
  });
});
