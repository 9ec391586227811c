// A flow's versions as the versions panel shows them: each change in words, which two versions
// a comparison starts from, and the two versions drawn side by side with what was added (green),
// removed (red) or modified (amber) marked. Pure.
import type { Edge, Node } from "@xyflow/react";
import type { Flow, FlowChange, FlowVersion } from "../api";
import { toCanvas, type TemplateNodeData } from "./canvas";
import type { Catalogue } from "./catalogue";

export type DiffMark = "added" | "removed" | "modified";

/** Whether a change added, removed or modified what it names. */
export function changeMark(change: FlowChange): DiffMark {
  if (change.type.endsWith("_added")) return "added";
  if (change.type.endsWith("_removed")) return "removed";
  return "modified";
}

const VERBS: Record<DiffMark, string> = { added: "Added", removed: "Removed", modified: "Changed" };

/** A change in words: "Added node top", "Changed node trend: parameter_overrides". */
export function describeFlowChange(change: FlowChange): string {
  const verb = VERBS[changeMark(change)];
  const fields = "fields" in change ? `: ${change.fields.join(", ")}` : "";
  switch (change.type) {
    case "node_added":
    case "node_removed":
    case "node_modified":
      return `${verb} node ${change.node_id}${fields}`;
    case "connection_added":
    case "connection_removed":
    case "connection_modified":
      return `${verb} connection ${change.connection_id}${fields}`;
    case "parameter_added":
    case "parameter_removed":
    case "parameter_modified":
      return `${verb} parameter ${change.name}${fields}`;
    case "flow_modified":
      return `${verb} the flow${fields}`;
  }
}

/**
 * The versions a comparison of `version` starts from: the one before it (in the list, newest
 * first) to it. Null for the first version, which has nothing before it.
 */
export function comparedWith(versions: readonly FlowVersion[], version: number): { from: number; to: number } | null {
  const index = versions.findIndex((v) => v.version === version);
  const before = index === -1 ? undefined : versions[index + 1];
  return before === undefined ? null : { from: before.version, to: version };
}

export type DiffMarks = {
  readonly nodes: ReadonlyMap<string, DiffMark>;
  readonly connections: ReadonlyMap<string, DiffMark>;
};

/**
 * Each node and connection a diff names, with what happened to it. An id is added or removed
 * on one side only, so one map serves both drawings.
 */
export function diffMarks(changes: readonly FlowChange[]): DiffMarks {
  const nodes = new Map<string, DiffMark>();
  const connections = new Map<string, DiffMark>();
  for (const change of changes) {
    if ("node_id" in change) nodes.set(change.node_id, changeMark(change));
    if ("connection_id" in change) connections.set(change.connection_id, changeMark(change));
  }
  return { nodes, connections };
}

export type VersionNodeData = TemplateNodeData & { readonly diff: DiffMark | null };
export type VersionCanvasNode = Node<VersionNodeData, "version">;
export type VersionCanvasEdge = Edge<{ readonly diff: DiffMark | null }>;

/**
 * One version drawn as the canvas draws a flow (`toCanvas`), read-only: its sticky notes left
 * out, every node and connection with its mark. React Flow measures the nodes itself (a
 * version is drawn once, so the canvas's size estimates would gain nothing).
 */
export function versionCanvas(
  flow: Flow,
  catalogue: Catalogue,
  marks: DiffMarks,
): { nodes: VersionCanvasNode[]; edges: VersionCanvasEdge[] } {
  const canvas = toCanvas({ flow }, catalogue);
  return {
    nodes: canvas.nodes.map((node) => ({
      id: node.id,
      type: "version",
      position: node.position,
      data: { ...node.data, diff: marks.nodes.get(node.id) ?? null },
    })),
    edges: canvas.edges.map((edge) => {
      const diff = marks.connections.get(edge.id) ?? null;
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        targetHandle: edge.targetHandle ?? null,
        label: edge.label,
        className: diff === null ? "vedge" : `vedge vedge--${diff}`,
        data: { diff },
      };
    }),
  };
}
