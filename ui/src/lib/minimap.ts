// The minimap's geometry: what part of the flow it shows, where a node or the view falls in it,
// and which flow point a click in it stands for. Pure; `FlowMiniMap` draws with it.
import type { Node, Transform } from "@xyflow/react";
import { nodeSize } from "./canvas";

export type Rect = { readonly x: number; readonly y: number; readonly width: number; readonly height: number };

/** Flow coordinates → minimap pixels: `mini = (flow - origin) * scale`. */
export type MiniMapping = { readonly originX: number; readonly originY: number; readonly scale: number };

/** The part of the flow on screen, in flow coordinates, for React Flow's `transform`. */
export function viewRect([x, y, zoom]: Transform, width: number, height: number): Rect {
  return { x: -x / zoom, y: -y / zoom, width: width / zoom, height: height / zoom };
}

/** The smallest rectangle holding every node (null without nodes). */
export function nodesRect(nodes: readonly Node[]): Rect | null {
  if (nodes.length === 0) return null;
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const node of nodes) {
    const { width, height } = nodeSize(node);
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + width);
    bottom = Math.max(bottom, node.position.y + height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * How the minimap of `width` × `height` pixels shows the flow: the nodes and the view both
 * fit (so the view can always be found), centred, with `padding` pixels around.
 */
export function miniMapping(nodes: Rect | null, view: Rect, width: number, height: number, padding = 6): MiniMapping {
  const shown = nodes === null ? view : union(nodes, view);
  const scale = Math.min((width - 2 * padding) / Math.max(shown.width, 1), (height - 2 * padding) / Math.max(shown.height, 1));
  return {
    scale,
    originX: shown.x - (width / scale - shown.width) / 2,
    originY: shown.y - (height / scale - shown.height) / 2,
  };
}

/** A flow rectangle in minimap pixels. */
export function toMini(rect: Rect, m: MiniMapping): Rect {
  return { x: (rect.x - m.originX) * m.scale, y: (rect.y - m.originY) * m.scale, width: rect.width * m.scale, height: rect.height * m.scale };
}

/** The flow point under minimap pixel (`x`, `y`). */
export function toFlow(x: number, y: number, m: MiniMapping): { x: number; y: number } {
  return { x: x / m.scale + m.originX, y: y / m.scale + m.originY };
}
