// Auto-layout: the flow laid out in layers from left to right by ELK (elkjs), each node in a
// column after everything it reads from, connections crossing as little as ELK can manage.
import ELK from "elkjs/lib/elk.bundled.js";
import type { Flow } from "../api";
import type { Point } from "./edit";

export type Size = { readonly width: number; readonly height: number };

/** A node's size when the canvas has not measured it yet. */
export const DEFAULT_NODE_SIZE: Size = { width: 220, height: 120 };

const elk = new ELK();

/** Where every node of `flow` goes, by id: sources in the first column, left to right. */
export async function layeredPositions(flow: Flow, sizes: ReadonlyMap<string, Size>): Promise<Map<string, Point>> {
  const ids = new Set(flow.nodes.map((n) => n.node_id));
  const graph = await elk.layout({
    id: "flow",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "40",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    },
    children: flow.nodes.map((n) => ({ id: n.node_id, ...(sizes.get(n.node_id) ?? DEFAULT_NODE_SIZE) })),
    edges: flow.connections
      .filter((c) => ids.has(c.source_node_id) && ids.has(c.target_node_id))
      .map((c) => ({ id: c.connection_id, sources: [c.source_node_id], targets: [c.target_node_id] })),
  });
  return new Map((graph.children ?? []).map((n) => [n.id, { x: Math.round(n.x ?? 0), y: Math.round(n.y ?? 0) }]));
}
