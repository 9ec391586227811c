import { describe, expect, it } from "vitest";
import type { Flow } from "../api";
import { deepDive } from "../testing/fixtures";
import { layeredPositions } from "./layout";

describe("layeredPositions", () => {
  it("puts every node after the nodes it reads from, sources first", async () => {
    // top feeds trend and orphan; move everything onto one spot first.
    const piled: Flow = { ...deepDive.flow, nodes: deepDive.flow.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    const at = await layeredPositions(piled, new Map());
    const x = (id: string) => at.get(id)?.x ?? Number.NaN;
    const y = (id: string) => at.get(id)?.y ?? Number.NaN;
    expect(x("top")).toBeLessThan(x("trend"));
    expect(x("trend")).toBe(x("orphan"));
    // The two readers of top sit apart, not on top of each other.
    expect(Math.abs(y("trend") - y("orphan"))).toBeGreaterThanOrEqual(120);
  });

  it("leaves room for the sizes the canvas measured", async () => {
    const chain: Flow = { ...deepDive.flow, connections: deepDive.flow.connections.slice(0, 1) };
    const at = await layeredPositions(chain, new Map([["top", { width: 600, height: 100 }]]));
    expect((at.get("trend")?.x ?? 0) - (at.get("top")?.x ?? 0)).toBeGreaterThanOrEqual(600);
  });
});
