// The minimap's geometry: the view and the nodes both fit, centred; clicks map back to the flow.
import { describe, expect, it } from "vitest";
import type { Node } from "@xyflow/react";
import { miniMapping, nodesRect, toFlow, toMini, viewRect } from "./minimap";

const node = (id: string, x: number, y: number, width = 100, height = 50): Node => ({
  id,
  position: { x, y },
  data: {},
  measured: { width, height },
});

describe("minimap geometry", () => {
  it("reads the view from React Flow's transform", () => {
    expect(viewRect([-200, -100, 2], 800, 600)).toEqual({ x: 100, y: 50, width: 400, height: 300 });
  });

  it("bounds the nodes by their measured boxes", () => {
    expect(nodesRect([node("a", 0, 0), node("b", 300, 200, 220, 90)])).toEqual({ x: 0, y: 0, width: 520, height: 290 });
    expect(nodesRect([])).toBeNull();
  });

  it("fits nodes and view, centred, and maps a click back to the flow point under it", () => {
    const nodes = { x: 0, y: 0, width: 1000, height: 500 };
    const view = { x: 0, y: 0, width: 500, height: 250 };
    const m = miniMapping(nodes, view, 212, 112, 6);
    // 1000 × 500 into 200 × 100 pixels: a fifth of the size, centred both ways.
    expect(m.scale).toBeCloseTo(0.2);
    expect(toMini(nodes, m)).toEqual({ x: 6, y: 6, width: 200, height: 100 });
    expect(toFlow(106, 56, m)).toEqual({ x: 500, y: 250 });
  });

  it("keeps a view far from the nodes in the picture", () => {
    const nodes = { x: 0, y: 0, width: 100, height: 100 };
    const view = { x: 900, y: 0, width: 100, height: 100 };
    const m = miniMapping(nodes, view, 100, 100, 0);
    const shown = toMini(view, m);
    expect(shown.x + shown.width).toBeCloseTo(100);
    expect(toMini(nodes, m).x).toBeCloseTo(0);
  });
});
